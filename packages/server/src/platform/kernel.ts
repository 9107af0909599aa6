import { type Kysely, sql, type Transaction } from 'kysely';
import type { Config } from '../config/load-config.js';
import { appendAuditEvent } from './audit/append-audit-event.js';
import type { AuditEventInput, RequestContext } from './audit/audit-event.js';
import type { Actor } from './authz/actor.js';
import { applyNewDefaultGrants } from './authz/default-grants.js';
import { loadRoleMatrix } from './authz/role-store.js';
import { ensureAuditDetailKey } from './crypto/audit-detail-key.js';
import type { CipherSuite, SuiteId } from './crypto/cipher-suite.js';
import { type DataKeyPurpose, Keyring } from './crypto/keyring.js';
import { openMasterKeyProvider } from './crypto/open-master-key-provider.js';
import { suiteById } from './crypto/suites.js';
import { type Db, openDatabase } from './db/database.js';
import { migrateToLatest } from './db/migrate.js';
import type { Database } from './db/schema.js';

/**
 * The security kernel: database, keyring and the audited transaction runner. Only code under
 * platform/ holds a Kernel; modules reach data through the protected store built on it.
 */
export interface Kernel {
  readonly config: Config;
  readonly db: Db;
  readonly keyring: Keyring;
  readonly suite: CipherSuite;
  /** Runs `work` in one transaction; the audit events it appends commit or roll back with it. */
  transaction<T>(work: (tx: AuditedTransaction) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export interface AuditedTransaction {
  readonly trx: Transaction<Database>;
  audit(actor: Actor, context: RequestContext, event: AuditEventInput): Promise<string>;
}

/**
 * After a bulk write: let the query planner see the new data, so that a blind-index lookup beats a
 * team scan and the join to data_subjects stays an index lookup. (SQLite samples: analysis_limit.)
 */
export async function refreshPlannerStatistics(kernel: Kernel, table: string): Promise<void> {
  // PostgreSQL lets only a table's owner ANALYZE it: with separate roles, the owner's connection does.
  await kernel.db.withOwner(async (db) => {
    for (const name of [table, 'data_subjects', 'name_tokens']) await sql`ANALYZE ${sql.table(name)}`.execute(db);
  });
}

export async function readSetting(db: Kysely<Database>, key: string): Promise<string | undefined> {
  const row = await db.selectFrom('settings').select('value').where('key', '=', key).executeTakeFirst();
  return row?.value;
}

/** Opens an initialised installation: migrates, checks the master key against the stored data keys. */
export async function openKernel(config: Config, options: { migrate?: boolean } = {}): Promise<Kernel> {
  const db = openDatabase(config.database);
  try {
    if (options.migrate !== false) await migrateToLatest(db);
    const suiteId = (await readSetting(db.kysely, 'crypto_suite')) as SuiteId | undefined;
    if (!suiteId) throw new Error('this database is not initialised; run castellan init');
    const suite = suiteById(suiteId);
    const provider = await openMasterKeyProvider(config.masterKey, suite);
    await loadRoleMatrix(db.kysely);
    const stored = await db.kysely.selectFrom('data_keys').select(['purpose', 'version', 'wrapped']).execute();
    const keyring = await Keyring.open(
      suite,
      provider,
      stored.map((k) => ({ purpose: k.purpose as DataKeyPurpose, version: k.version, wrapped: Buffer.from(k.wrapped) })),
    ).catch(async (error) => {
      await provider.close();
      throw error;
    });
    if (!keyring.hasAuditSigningKey) {
      // Made at init; never recreated: a new key would sign over a log whose past it cannot vouch for.
      await keyring.close();
      throw new Error('the audit signing key is missing from data_keys: the audit trail can no longer be verified; restore the data_keys row from a backup');
    }
    await ensureAuditDetailKey(db.kysely, keyring, provider).catch(async (error) => {
      await keyring.close();
      throw error;
    });
    const kernel = kernelFrom(config, db, keyring);
    await applyNewDefaultGrants(kernel).catch(async (error) => {
      await keyring.close();
      throw error;
    });
    return kernel;
  } catch (error) {
    await db.close();
    throw error;
  }
}

export function kernelFrom(config: Config, db: Db, keyring: Keyring): Kernel {
  return {
    config,
    db,
    keyring,
    suite: keyring.suite,
    transaction: (work) =>
      db.kysely
        .transaction()
        .execute((trx) => work({ trx, audit: (actor, context, event) => appendAuditEvent(trx, db.dialect, keyring, actor, context, event) })),
    async close() {
      await keyring.close();
      await db.close();
    },
  };
}
