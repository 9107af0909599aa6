import type { Kysely, Transaction } from 'kysely';
import { openValue, sealValue } from '../crypto/envelope.js';
import type { Database } from '../db/schema.js';
import type { Kernel } from '../kernel.js';

/** Credentials of a staff member (the TOTP secret) are encrypted under that person's subject key. */
type Db = Kysely<Database> | Transaction<Database>;
export type SecretColumn = 'totp_secret' | 'totp_pending';

async function subjectKeyOf(kernel: Kernel, db: Db, userId: string): Promise<{ key: Buffer; version: number }> {
  const row = await db
    .selectFrom('users')
    .innerJoin('data_subjects', 'data_subjects.id', 'users.subject_id')
    .select(['users.subject_id', 'data_subjects.key_version', 'data_subjects.wrapped_key'])
    .where('users.id', '=', userId)
    .executeTakeFirstOrThrow();
  if (!row.wrapped_key) throw new Error('the user has been erased');
  return { key: kernel.keyring.subjectKey(row.subject_id, row.key_version, Buffer.from(row.wrapped_key)), version: row.key_version };
}

export async function sealUserSecret(kernel: Kernel, db: Db, userId: string, column: SecretColumn, value: string): Promise<Buffer> {
  const { key, version } = await subjectKeyOf(kernel, db, userId);
  return sealValue(kernel.suite, key, version, value, { table: 'users', column, rowId: userId });
}

export async function openUserSecret(kernel: Kernel, db: Db, userId: string, column: SecretColumn, envelope: Buffer): Promise<string> {
  const { key } = await subjectKeyOf(kernel, db, userId);
  return openValue(key, Buffer.from(envelope), { table: 'users', column, rowId: userId });
}
