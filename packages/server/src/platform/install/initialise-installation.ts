import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import type { Config } from '../../config/load-config.js';
import { noRequest } from '../audit/audit-event.js';
import { auditDetailKeyRecord, newAuditDetailKey } from '../crypto/audit-detail-key.js';
import type { SuiteId } from '../crypto/cipher-suite.js';
import { Keyring } from '../crypto/keyring.js';
import { createMasterKeyFile } from '../crypto/local-master-key.provider.js';
import { openMasterKeyProvider } from '../crypto/open-master-key-provider.js';
import { suiteById } from '../crypto/suites.js';
import { asSystem } from '../data/as-system.js';
import { nowIso } from '../data/ids.js';
import { openDatabase } from '../db/database.js';
import { migrateToLatest } from '../db/migrate.js';
import { createUser } from '../identity/user-directory.js';
import { kernelFrom, readSetting } from '../kernel.js';
import { writeSelfSignedCertificate } from './self-signed-certificate.js';

export interface InitOptions {
  adminEmail: string;
  adminName?: string;
  /** When absent a one-time password is generated and returned (the admin must change it). */
  adminPassword?: string;
  suite?: SuiteId;
}

export interface InitResult {
  adminId: string;
  oneTimePassword?: string;
  suite: SuiteId;
}

export class AlreadyInitialisedError extends Error {}

/** True when the data directory or the database already holds an installation. */
export async function isInitialised(config: Config): Promise<boolean> {
  if (config.database.kind === 'sqlite') return existsSync(config.database.file);
  const db = openDatabase(config.database);
  try {
    await migrateToLatest(db);
    return (await readSetting(db.kysely, 'crypto_suite')) !== undefined;
  } finally {
    await db.close();
  }
}

/**
 * `castellan init`: creates the data directory (0700), master key file (0600), TLS certificate,
 * schema, data keys and the first administrator. Refuses an existing installation and changes nothing.
 */
export async function initialiseInstallation(config: Config, options: InitOptions): Promise<InitResult> {
  const dirExisted = existsSync(config.dataDir);
  if (dirExisted && readdirSync(config.dataDir).length > 0) {
    throw new AlreadyInitialisedError(`the data directory ${config.dataDir} is not empty; refusing to overwrite it`);
  }
  if (config.database.kind === 'postgres' && (await isInitialised(config))) {
    throw new AlreadyInitialisedError('the PostgreSQL database already holds a Castellan installation; refusing to overwrite it');
  }
  const suiteId = options.suite ?? config.suite;
  const suite = suiteById(suiteId);
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  try {
    if (config.masterKey.provider === 'file') createMasterKeyFile(config.masterKey.file);
    if (!existsSync(config.tls.certFile)) await writeSelfSignedCertificate(config.tls.certFile, config.tls.keyFile, config.host);
    const provider = await openMasterKeyProvider(config.masterKey, suite, true);
    const db = openDatabase(config.database);
    try {
      await migrateToLatest(db);
      const keys = [
        await Keyring.newDataKey(provider, 'field', 1),
        await Keyring.newDataKey(provider, 'blind_index', 1),
        (await Keyring.newAuditSigningKey(provider)).stored,
        await newAuditDetailKey(provider),
      ];
      const now = nowIso();
      await db.kysely.transaction().execute(async (trx) => {
        await trx
          .insertInto('settings')
          .values([{ key: 'crypto_suite', value: suiteId }, { key: 'initialised_at', value: now }, auditDetailKeyRecord(now)])
          .execute();
        await trx
          .insertInto('data_keys')
          .values(keys.map((k) => ({ ...k, suite: suiteId, kek_id: provider.keyId, status: 'active', created_at: now })))
          .execute();
      });
      const keyring = await Keyring.open(suite, provider, keys);
      const kernel = kernelFrom(config, db, keyring);
      const oneTimePassword = options.adminPassword === undefined ? generateOneTimePassword() : undefined;
      const actor = asSystem('castellan init: first administrator');
      const admin = await kernel.transaction(async (tx) => {
        await tx.audit(actor, noRequest, { action: 'system.init', outcome: 'success', detail: { suite: suiteId, kek: provider.keyId } });
        return createUser(kernel, tx, actor, noRequest, {
          email: options.adminEmail,
          name: options.adminName ?? 'Administrator',
          roles: ['system_admin', 'security_admin'],
          password: options.adminPassword ?? oneTimePassword,
          mustChangePassword: oneTimePassword !== undefined,
          bootstrapAdministrator: true,
        });
      });
      await kernel.close();
      return { adminId: admin.id, oneTimePassword, suite: suiteId };
    } catch (error) {
      await db.close().catch(() => undefined);
      await provider.close().catch(() => undefined);
      throw error;
    }
  } catch (error) {
    // Leave nothing half-made behind: the directory was empty (or absent) before we started.
    if (config.database.kind === 'sqlite')
      for (const entry of readdirSync(config.dataDir)) rmSync(`${config.dataDir}/${entry}`, { recursive: true, force: true });
    if (!dirExisted) rmSync(config.dataDir, { recursive: true, force: true });
    throw error;
  }
}

/** 20 characters from a 57-symbol alphabet without look-alikes: ~116 bits. */
function generateOneTimePassword(): string {
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789';
  const bytes = randomBytes(40);
  let out = '';
  for (const byte of bytes) {
    if (byte < 228) out += alphabet[byte % 57];
    if (out.length === 20) break;
  }
  // Upper, lower and digit: acceptable under every password profile (cn-mlps3 wants 3 classes).
  const classes = [/[A-Z]/, /[a-z]/, /[0-9]/].every((re) => re.test(out));
  return out.length === 20 && classes ? out : generateOneTimePassword();
}
