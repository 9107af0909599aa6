import type { Kysely, Transaction } from 'kysely';
import { openValue, sealValue } from '../crypto/envelope.js';
import { subjectSealedColumn } from '../crypto/sealed-columns.js';
import { lockSubjectKey } from '../data/subject-keys.js';
import type { Database } from '../db/schema.js';
import type { Kernel } from '../kernel.js';

/**
 * Credentials of a staff member (the TOTP secret) are encrypted under that person's subject key, in
 * columns of the sealed-column registry (so key rotation re-encrypts them with the rest).
 */
type Db = Kysely<Database> | Transaction<Database>;
export type SecretColumn = 'totp_secret' | 'totp_pending';

/**
 * The staff member's subject key. Inside a transaction (pass `tx.trx`) the subject row is locked first
 * (lockSubjectKey), so a rotation cannot replace the key before a value sealed under it is written.
 */
export async function userSubjectKey(kernel: Kernel, db: Db, userId: string): Promise<{ key: Buffer; version: number }> {
  const row = await db
    .selectFrom('users')
    .innerJoin('data_subjects', 'data_subjects.id', 'users.subject_id')
    .select(['users.subject_id', 'data_subjects.key_version', 'data_subjects.wrapped_key'])
    .where('users.id', '=', userId)
    .executeTakeFirstOrThrow();
  // Inside a transaction, lock the key so that a rotation cannot replace it before the write lands.
  const locked = db.isTransaction ? await lockSubjectKey(kernel, db as Transaction<Database>, row.subject_id) : undefined;
  if (db.isTransaction && !locked) throw new Error('the user has been erased');
  if (locked) return locked;
  if (!row.wrapped_key) throw new Error('the user has been erased');
  return { key: kernel.keyring.subjectKey(row.subject_id, row.key_version, Buffer.from(row.wrapped_key)), version: row.key_version };
}

/** Seal inside the transaction that writes the value (pass `tx.trx`), so the key is locked until it lands. */
export async function sealUserSecret(kernel: Kernel, db: Db, userId: string, column: SecretColumn, value: string): Promise<Buffer> {
  const { key, version } = await userSubjectKey(kernel, db, userId);
  return sealValue(kernel.suite, key, version, value, { table: 'users', column: subjectSealedColumn('users', column).aadColumn, rowId: userId });
}

export async function openUserSecret(kernel: Kernel, db: Db, userId: string, column: SecretColumn, envelope: Buffer): Promise<string> {
  const { key } = await userSubjectKey(kernel, db, userId);
  return openValue(key, Buffer.from(envelope), { table: 'users', column: subjectSealedColumn('users', column).aadColumn, rowId: userId }, kernel.suite);
}
