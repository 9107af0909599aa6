import type { Transaction } from 'kysely';
import { IntegrityError } from '../crypto/integrity-error.js';
import type { Database } from '../db/schema.js';
import type { Kernel } from '../kernel.js';

export interface LockedSubjectKey {
  key: Buffer;
  version: number;
  wrapped: Buffer;
}

/**
 * A data subject's current key, for writing new ciphertext under it. On PostgreSQL the subject's
 * row is locked until the transaction ends (SQLite write transactions are serial anyway), so a key
 * rotation or an erasure cannot change the key between this read and the write that uses it: the
 * writer would otherwise seal a value under a key that is about to be discarded (and lost), or an
 * erasure could be followed by a write under the shredded key. Every writer locks the subject row
 * before the record row (rotation does the same), so the two never deadlock.
 * Returns undefined when the subject has been erased.
 */
export async function lockSubjectKey(kernel: Kernel, trx: Transaction<Database>, subjectId: string): Promise<LockedSubjectKey | undefined> {
  let q = trx.selectFrom('data_subjects').select(['key_version', 'wrapped_key']).where('id', '=', subjectId);
  if (kernel.db.dialect === 'postgres') q = q.forUpdate();
  const row = await q.executeTakeFirst();
  if (!row) throw new IntegrityError('a record names a data subject that does not exist');
  if (!row.wrapped_key) return undefined;
  const wrapped = Buffer.from(row.wrapped_key);
  return { key: kernel.keyring.subjectKey(subjectId, row.key_version, wrapped), version: row.key_version, wrapped };
}
