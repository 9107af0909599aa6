import { lazyWithRetry } from '../../app/lazy-with-retry';
import type { RecordExtension } from '../../app/record-extensions';

/** The "Data subject" panel on a contact's page, for privacy officers (subjects.access). */
export const extensions: RecordExtension[] = [
  {
    object: 'contacts',
    kind: 'panel',
    labelKey: 'subjects:panel.title',
    permission: 'subjects.access',
    Component: lazyWithRetry(async () => ({ default: (await import('./DataSubjectPanel')).DataSubjectPanel })),
    order: 80,
  },
];
