import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/**
 * The web app's build. `npm run build` writes packages/web/dist, which `castellan serve` serves on
 * the API's origin (packages/server/src/modules/web-app). `__CSP_NONCE__` is replaced per response
 * by the server with the nonce its Content-Security-Policy names; no inline script is emitted.
 */
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  plugins: [react()],
  resolve: { alias: { '@castellan/shared': fileURLToPath(new URL('../shared/src/index.ts', import.meta.url)) } },
  html: { cspNonce: '__CSP_NONCE__' },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: false,
    modulePreload: { polyfill: false },
    chunkSizeWarningLimit: 900,
    assetsInlineLimit: 0,
  },
  server: { proxy: { '/api': { target: 'https://127.0.0.1:8443', secure: false }, '/healthz': { target: 'https://127.0.0.1:8443', secure: false } } },
});
