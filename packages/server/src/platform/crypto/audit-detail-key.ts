import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import { Keyring, type StoredDataKey } from './keyring.js';
import type { MasterKeyProvider } from './master-key-provider.js';

/**
 * The audit data key ('audit_detail'): seals the personal details of audit events (staff IP address
 * and user agent, reveal notes) and keys their pseudonyms. Made by `castellan init`; an installation
 * made before it gets it once, at its first open. Either way its creation is recorded in `settings`,
 * so that a key that later disappears stops the server instead of being replaced by a new one (which
 * would leave every sealed detail unreadable without anyone noticing).
 */
export const AUDIT_DETAIL_KEY_SETTING = 'audit_detail_key';

export const newAuditDetailKey = (provider: MasterKeyProvider): Promise<StoredDataKey> => Keyring.newDataKey(provider, 'audit_detail', 1);

/** The `settings` row that records the key's creation. */
export const auditDetailKeyRecord = (createdAt: string): { key: string; value: string } => ({
  key: AUDIT_DETAIL_KEY_SETTING,
  value: JSON.stringify({ version: 1, createdAt }),
});

export class MissingAuditDetailKeyError extends Error {
  constructor(evidence: string) {
    super(
      `the audit data key ('audit_detail') is missing from data_keys, but ${evidence}: refusing to start rather than make a new key, under which the sealed details of the audit trail could never be read again. Restore the data_keys row of purpose audit_detail from a backup of this database.`,
    );
    this.name = 'MissingAuditDetailKeyError';
  }
}

/** At open: the key is loaded; or it is made once (first open after the upgrade); or its loss fails loudly. */
export async function ensureAuditDetailKey(db: Kysely<Database>, keyring: Keyring, provider: MasterKeyProvider): Promise<void> {
  if (keyring.hasAuditDetailKey) return;
  const record = await db.selectFrom('settings').select('value').where('key', '=', AUDIT_DETAIL_KEY_SETTING).executeTakeFirst();
  if (record) throw new MissingAuditDetailKeyError(`settings record it as created (${record.value})`);
  const sealed = await db.selectFrom('audit_events').select('seq').where('sealed_enc', 'is not', null).limit(1).executeTakeFirst();
  if (sealed) throw new MissingAuditDetailKeyError(`audit event ${sealed.seq} holds details sealed under it`);

  const key = await newAuditDetailKey(provider);
  const now = new Date().toISOString();
  await db.transaction().execute(async (trx) => {
    await trx
      .insertInto('data_keys')
      .values({ ...key, suite: keyring.suite.id, kek_id: provider.keyId, status: 'active', created_at: now })
      .onConflict((oc) => oc.columns(['purpose', 'version']).doNothing())
      .execute();
    await trx
      .insertInto('settings')
      .values(auditDetailKeyRecord(now))
      .onConflict((oc) => oc.column('key').doNothing())
      .execute();
  });
  // Another node opening at the same moment may have stored its key first: load what is stored.
  const stored = await db.selectFrom('data_keys').select(['version', 'wrapped']).where('purpose', '=', 'audit_detail').execute();
  for (const row of stored) await keyring.addStoredKey({ purpose: 'audit_detail', version: row.version, wrapped: Buffer.from(row.wrapped) });
}
