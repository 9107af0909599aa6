import { randomBytes } from 'node:crypto';
import { createdId, createdRecord } from './calls.js';
import type { Sample, SampleMaker } from './types.js';

/**
 * Custom fields: a personal custom field of contacts (defined by the system administrator) and a
 * contact holding a value of it, which must stay out of the database files and the log like a
 * built-in personal value; the patch changes the custom value.
 */
export const customFieldSamples: SampleMaker = async ({ as }) => {
  const seller = ['sales_manager'];
  const tag = randomBytes(3).toString('hex');
  await createdRecord(as(['system_admin']), '/api/v1/custom-fields', {
    object: 'contacts',
    key: `sample_note_${tag}`,
    labelZh: '样例备注',
    labelEn: 'Sample note',
    type: 'text',
    classification: 'personal',
    mask: 'text',
  });
  const secret = `Custom remark Orvelline ${tag} at 27 Lantern Lane`;
  const made = await createdId(as(seller), '/api/v1/contacts', { name: `Custom Holder ${tag}`, custom: { [`sample_note_${tag}`]: secret } });
  return [
    {
      object: 'contacts',
      id: made,
      by: seller,
      patch: { custom: { [`sample_note_${tag}`]: `Changed remark ${tag}` } },
      secrets: [secret, `Custom Holder ${tag}`],
    },
  ] satisfies Sample[];
};
