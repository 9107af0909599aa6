import { lazy } from 'react';
import type { RecordExtension } from '../../app/record-extensions';

/** The "Data subject" panel on a contact's page, for privacy officers (subjects.access). */
export const extensions: RecordExtension[] = [
  {
    object: 'contacts',
    kind: 'panel',
    labelKey: 'subjects:panel.title',
    permission: 'subjects.access',
    Component: lazy(async () => ({ default: (await import('./DataSubjectPanel')).DataSubjectPanel })),
    order: 80,
  },
];
