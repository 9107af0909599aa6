import { lazyWithRetry } from '../../app/lazy-with-retry';
import type { RecordExtension } from '../../app/record-extensions';

/** What the consent feature adds to a contact's page: the person's consent ledger, newest first, with an open GPC conflict flagged. */
export const extensions: RecordExtension[] = [
  {
    object: 'contacts',
    kind: 'panel',
    labelKey: 'consent:history.title',
    permission: 'consents.read',
    Component: lazyWithRetry(async () => ({ default: (await import('./ConsentHistoryPanel')).ConsentHistoryPanel })),
    order: 30,
  },
];
