import { execFileSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Kysely } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { operatorActor } from '../../src/cli/cli-context.js';
import type { ConfigKey } from '../../src/config/config.schema.js';
import { type Config, loadConfig } from '../../src/config/load-config.js';
import { restoreInstallation } from '../../src/modules/backups/restore-installation.js';
import { eraseSubject } from '../../src/modules/subject-data/erase-subject.js';
import { noRequest } from '../../src/platform/audit/audit-event.js';
import { SigningKeyTrust } from '../../src/platform/audit/signing-keys.js';
import { userActor } from '../../src/platform/authz/actor.js';
import { backupKeyId } from '../../src/platform/backup/backup-key.js';
import { parseBackupPrivateKey, parseBackupPublicKey } from '../../src/platform/backup/backup-key-file.js';
import { createBackup } from '../../src/platform/backup/create-backup.js';
import { localFolderTarget } from '../../src/platform/backup/local-folder.target.js';
import { BackupRefused, tableRows, verifyBackup } from '../../src/platform/backup/read-backup.js';
import { asSystem } from '../../src/platform/data/as-system.js';
import { ProtectedStore } from '../../src/platform/data/protected-store.js';
import { addUser, createTestInstall, type TestInstall } from '../helpers/test-install.js';

/**
 * Backup modes and faults on SQLite: the 国密 suite end to end; asymmetric mode (the host writes and
 * checks backups it cannot read; the offline private key restores them); a backup taken after an
 * erasure holds no copy of the person's key; a disk that fills during a restore leaves no database.
 */
const installs: TestInstall[] = [];
const scratch = mkdtempSync(path.join(tmpdir(), 'castellan-backup-modes-'));
afterAll(async () => {
  for (const i of installs) await i.cleanup();
  rmSync(scratch, { recursive: true, force: true });
});

async function installWithContact(settings: Partial<Record<ConfigKey, string>> = {}) {
  const install = await createTestInstall('sqlite', settings);
  installs.push(install);
  const store = new ProtectedStore(install.kernel);
  const contact = await store.create(asSystem('test: a contact to back up'), noRequest, 'contacts', {
    name: 'Mirela Backupova',
    email: 'mirela.backup@plant.example',
    phone: '13955556666',
    ownerId: (await addUser(install.kernel, ['sales_manager'], 'Modes')).id,
  });
  return { install, contactId: String(contact.id) };
}

function emptyInto(install: TestInstall, name: string, dataDir = path.join(scratch, name)): Config {
  mkdirSync(dataDir, { recursive: true });
  const env: Record<string, string> = { ...install.env, CASTELLAN_DATA_DIR: dataDir };
  if (install.config.masterKey.provider === 'file') env.CASTELLAN_MASTER_KEY_FILE = install.config.masterKey.file;
  return loadConfig({}, env as Partial<Record<ConfigKey, string>>);
}

const operator = operatorActor('backup modes test');

describe('backups under the 国密 suite', () => {
  it('seal chunks with SM4-CTR + HMAC-SM3, verify and restore', async () => {
    const { install, contactId } = await installWithContact({ CASTELLAN_CRYPTO_SUITE: 'gm' });
    const target = localFolderTarget('local', path.join(scratch, 'gm-target'));
    await createBackup(install.kernel, operator, noRequest, [target], { kind: 'manual', chunkBytes: 4096 });
    const keys = { signing: SigningKeyTrust.of([install.kernel.keyring.auditPublicKey]), provider: install.kernel.keyring.provider };
    const verified = await verifyBackup(target, 'latest', keys, { readData: true });
    expect(verified.manifest.suite).toBe('gm');
    const chunk = await target.get(`${verified.folder}chunks/${verified.manifest.tables.flatMap((t) => t.chunks)[0]?.id}`);
    expect(chunk[1]).toBe(2); // the envelope's suite byte: 2 = SM4-CTR + HMAC-SM3
    const into = emptyInto(install, 'gm-restored');
    const restored = await restoreInstallation(target, 'latest', keys, into);
    expect(restored.audit.intact).toBe(true);
    const { openKernel } = await import('../../src/platform/kernel.js');
    const copy = await openKernel(into);
    try {
      expect((await new ProtectedStore(copy).get(asSystem('test: read the restored contact'), noRequest, 'contacts', contactId)).name).toBe('Mirela Backupova');
    } finally {
      await copy.close();
    }
  }, 120_000);
});

describe('asymmetric backups', () => {
  it('are written and checked by a host that cannot read them; only the offline private key restores', async () => {
    const { install } = await installWithContact();
    const offline = generateKeyPairSync('x25519');
    const target = localFolderTarget('local', path.join(scratch, 'x25519-target'));
    const run = await createBackup(install.kernel, operator, noRequest, [target], { kind: 'manual', publicKey: offline.publicKey });
    expect(run.status).toBe('good');
    const host = { signing: SigningKeyTrust.of([install.kernel.keyring.auditPublicKey]), provider: install.kernel.keyring.provider };
    // The host checks signature, chain and chunks without opening anything …
    expect((await verifyBackup(target, 'latest', host, { readData: false })).manifest.key.mode).toBe('x25519');
    // … but cannot read it, not even with the master key.
    await expect(verifyBackup(target, 'latest', host, { readData: true })).rejects.toThrow(/sealed to X25519 backup key .*private key/);
    const wrong = generateKeyPairSync('x25519');
    await expect(verifyBackup(target, 'latest', { ...host, privateKey: wrong.privateKey }, { readData: true })).rejects.toThrow(BackupRefused);
    const restored = await restoreInstallation(target, 'latest', { ...host, privateKey: offline.privateKey }, emptyInto(install, 'x25519-restored'));
    expect(restored.audit.intact).toBe(true);
  }, 120_000);
});

describe('asymmetric backups under the 国密 suite, sealed to an SM2 key', () => {
  it('cannot be read without the SM2 private key; a wrong SM2 key is refused by key id; the right one restores', async () => {
    const { install } = await installWithContact({ CASTELLAN_CRYPTO_SUITE: 'gm' });
    const pem = (file: string) => execFileSync('openssl', ['genpkey', '-algorithm', 'SM2', '-out', path.join(scratch, file)]);
    pem('sm2-offline.pem');
    pem('sm2-wrong.pem');
    const publicPem = execFileSync('openssl', ['pkey', '-in', path.join(scratch, 'sm2-offline.pem'), '-pubout']).toString();
    const publicKey = parseBackupPublicKey(publicPem);
    const target = localFolderTarget('local', path.join(scratch, 'sm2-target'));
    const run = await createBackup(install.kernel, operator, noRequest, [target], { kind: 'manual', publicKey });
    expect(run.status).toBe('good');
    const host = { signing: SigningKeyTrust.of([install.kernel.keyring.auditPublicKey]), provider: install.kernel.keyring.provider };
    const checked = await verifyBackup(target, 'latest', host, { readData: false });
    expect(checked.manifest.key.mode).toBe('sm2');
    expect(checked.manifest.suite).toBe('gm');
    const keyId = backupKeyId(publicKey);
    await expect(verifyBackup(target, 'latest', host, { readData: true })).rejects.toThrow(new RegExp(`sealed to SM2 backup key ${keyId}.*private key`));
    await expect(restoreInstallation(target, 'latest', host, emptyInto(install, 'sm2-no-key'))).rejects.toThrow(BackupRefused);
    const read = (file: string) => parseBackupPrivateKey(readFileSync(path.join(scratch, file), 'utf8'));
    await expect(verifyBackup(target, 'latest', { ...host, privateKey: read('sm2-wrong.pem') }, { readData: true })).rejects.toThrow(
      new RegExp(`sealed to key ${keyId}, not to the private key given`),
    );
    await expect(verifyBackup(target, 'latest', { ...host, privateKey: generateKeyPairSync('x25519').privateKey }, { readData: true })).rejects.toThrow(
      /not an SM2 key/,
    );
    const privateKey = read('sm2-offline.pem');
    await verifyBackup(target, 'latest', { ...host, privateKey }, { readData: true });
    const restored = await restoreInstallation(target, 'latest', { ...host, privateKey }, emptyInto(install, 'sm2-restored'));
    expect(restored.audit.intact).toBe(true);
  }, 120_000);
});

describe('erasure and backups', () => {
  it('a backup taken after an erasure holds no copy of the erased person’s key', async () => {
    const { install, contactId } = await installWithContact();
    const db = install.kernel.db.kysely as unknown as Kysely<any>;
    const subjectId = String((await db.selectFrom('contacts').select('subject_id').where('id', '=', contactId).executeTakeFirstOrThrow()).subject_id);
    const target = localFolderTarget('local', path.join(scratch, 'erasure-target'));
    const officer = userActor({ id: 'modes-officer', teamId: null }, ['privacy_officer'], { id: 's', kind: 'full', mfaAt: new Date().toISOString() });
    const keyIn = async () => {
      const backup = await verifyBackup(
        target,
        'latest',
        { signing: SigningKeyTrust.of([install.kernel.keyring.auditPublicKey]), provider: install.kernel.keyring.provider },
        { readData: true },
      );
      const columns = backup.manifest.tables.find((t) => t.name === 'data_subjects')?.columns ?? [];
      for await (const values of tableRows(target, backup, 'data_subjects')) {
        const row = Object.fromEntries(columns.map((c, i) => [c, values[i]]));
        if (row.id === subjectId) return row.wrapped_key;
      }
      throw new Error('the subject is not in the backup');
    };
    await createBackup(install.kernel, operator, noRequest, [target], { kind: 'manual' });
    expect(Buffer.isBuffer(await keyIn())).toBe(true);
    await eraseSubject(install.kernel, officer, noRequest, subjectId);
    await createBackup(install.kernel, operator, noRequest, [target], { kind: 'manual' });
    expect(await keyIn()).toBeNull();
  }, 120_000);
});

describe('a disk that fills during a restore', () => {
  it('leaves no database, not half a one', async () => {
    const { install } = await installWithContact();
    const target = localFolderTarget('local', path.join(scratch, 'full-target'));
    await createBackup(install.kernel, operator, noRequest, [target], { kind: 'manual' });
    const keys = { signing: SigningKeyTrust.of([install.kernel.keyring.auditPublicKey]), provider: install.kernel.keyring.provider };
    // A small filesystem of its own (the tests run as root, as CI does): room for less than the restored database.
    const size = statSync(install.config.database.kind === 'sqlite' ? install.config.database.file : '').size;
    const mount = path.join(scratch, 'small-disk');
    mkdirSync(mount);
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${Math.max(64 * 1024, Math.floor(size * 0.6))}`, 'tmpfs', mount]);
    try {
      const into = emptyInto(install, 'full', path.join(mount, 'data'));
      writeFileSync(path.join(mount, 'note'), 'the restored database does not fit here');
      await expect(restoreInstallation(target, 'latest', keys, into)).rejects.toThrow(/full|SQLITE_FULL|ENOSPC/i);
      expect(existsSync(path.join(mount, 'data', 'castellan.db'))).toBe(false);
      expect(readdirSync(path.join(mount, 'data')).filter((f) => f.startsWith('castellan.db'))).toEqual([]);
    } finally {
      execFileSync('umount', [mount]);
    }
  }, 120_000);
});
