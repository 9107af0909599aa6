import { randomBytes } from 'node:crypto';
import type { Sample, SampleMaker } from './types.js';

/**
 * Custom fields: a personal custom field of contacts (defined by the system administrator) and a
 * contact holding a value of it, which must stay out of the database files and the log like a
 * built-in personal value; the patch changes the custom value.
 */
export const customFieldSamples: SampleMaker = async ({ as }) => {
  const seller = ['sales_manager'];
  const tag = randomBytes(3).toString('hex');
  const defined = await as(['system_admin'])('POST', '/api/v1/custom-fields', {
    object: 'contacts',
    key: `sample_note_${tag}`,
    labelZh: '样例备注',
    labelEn: 'Sample note',
    type: 'text',
    classification: 'personal',
    mask: 'text',
  });
  if (defined.statusCode !== 201) throw new Error(`custom field not defined: ${defined.statusCode} ${defined.body}`);
  const secret = `Custom remark Orvelline ${tag} at 27 Lantern Lane`;
  const made = await as(seller)('POST', '/api/v1/contacts', { name: `Custom Holder ${tag}`, custom: { [`sample_note_${tag}`]: secret } });
  if (made.statusCode !== 201) throw new Error(`sample not created: ${made.statusCode} ${made.body}`);
  return [
    {
      object: 'contacts',
      id: made.json().id,
      by: seller,
      patch: { custom: { [`sample_note_${tag}`]: `Changed remark ${tag}` } },
      secrets: [secret, `Custom Holder ${tag}`],
    },
  ] satisfies Sample[];
};
