// First: the Trusted Types policy must exist before anything writes to the DOM.
import './app/trusted-types';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/App';
import { keepStylesheetsLoaded } from './app/stylesheet-retry';
import { startI18n } from './i18n/i18n';

void keepStylesheetsLoaded(document);

const root = document.getElementById('root');
if (!root) throw new Error('no #root element');

void startI18n().then(() =>
  createRoot(root).render(
    <StrictMode>
      <App />
    </StrictMode>,
  ),
);
