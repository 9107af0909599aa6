import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { operatorActor } from '../../src/cli/cli-context.js';
import type { ConfigKey } from '../../src/config/config.schema.js';
import { type Config, loadConfig } from '../../src/config/load-config.js';
import { restoreInstallation } from '../../src/modules/backups/restore-installation.js';
import { noRequest } from '../../src/platform/audit/audit-event.js';
import { publicKeyId } from '../../src/platform/audit/checkpoints.js';
import { SigningKeyTrust } from '../../src/platform/audit/signing-keys.js';
import { type BackupManifest, signManifest } from '../../src/platform/backup/backup-manifest.js';
import type { BackupTarget } from '../../src/platform/backup/backup-target.js';
import { createBackup } from '../../src/platform/backup/create-backup.js';
import { localFolderTarget } from '../../src/platform/backup/local-folder.target.js';
import { BackupRefused, type TrustedKeys, verifyBackup } from '../../src/platform/backup/read-backup.js';
import { openEnvMasterKeyProvider } from '../../src/platform/crypto/local-master-key.provider.js';
import { createScratchPostgres, type ScratchPostgres, testDialects, withPgClient } from '../helpers/databases.js';
import { overlayTarget } from '../helpers/overlay-target.js';
import { createTestInstall, type TestInstall } from '../helpers/test-install.js';

/**
 * The tamper suite: over a thousand generated attacks on real backups (bit flips in any chunk or in
 * the manifest, truncation, a missing, duplicated or swapped chunk, a chunk of another backup, a
 * replayed or moved manifest, a removed newest backup, a wrong master key, a wrong backup private
 * key, another installation's audit key, a manifest signed by a revoked key or by one revoked since
 * with nothing newer vouching for it, a manifest naming a cipher the backup was not sealed with)
 * are each refused by verify with a message naming what failed; a sample of them is also given to
 * restore, which refuses and leaves nothing behind (no SQLite file; no table in PostgreSQL).
 * The attacks are drawn from a seeded generator, so a failure names a case that replays.
 */
function generator(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { int: (n: number) => Math.floor(next() * n) };
}

interface Attack {
  name: string;
  changes: Map<string, Buffer | null>;
  keys?: Partial<TrustedKeys>;
}

describe.each(testDialects)('backup tamper suite on %s', (dialect) => {
  let install: TestInstall;
  let scratch: string;
  let base: BackupTarget;
  const files = new Map<string, Buffer>();
  let chunkPaths: string[] = [];
  let olderChunks: string[] = [];
  let manifestPath = '';
  let olderManifestPath = '';
  let newest: BackupManifest;
  const pgDatabases: ScratchPostgres[] = [];
  const keys = (): TrustedKeys => ({
    signing: SigningKeyTrust.of([install.kernel.keyring.auditPublicKey]),
    provider: install.kernel.keyring.provider,
    knownSequence: 2,
  });

  beforeAll(async () => {
    install = await createTestInstall(dialect);
    scratch = mkdtempSync(path.join(tmpdir(), 'castellan-tamper-'));
    base = localFolderTarget('local', path.join(scratch, 'target'));
    const operator = operatorActor('tamper suite');
    const older = await createBackup(install.kernel, operator, noRequest, [base], { kind: 'manual', chunkBytes: 1024 });
    const run = await createBackup(install.kernel, operator, noRequest, [base], { kind: 'manual', chunkBytes: 1024 });
    const folderOf = (r: typeof run) => `backups/${String(r.sequence).padStart(8, '0')}-${r.id}/`;
    manifestPath = `${folderOf(run)}manifest.json`;
    olderManifestPath = `${folderOf(older)}manifest.json`;
    newest = (await verifyBackup(base, 'latest', keys(), { readData: true })).manifest;
    chunkPaths = newest.tables.flatMap((t) => t.chunks.map((c) => `${folderOf(run)}chunks/${c.id}`));
    olderChunks = (await base.list(`${folderOf(older)}chunks/`)).map((n) => `${folderOf(older)}chunks/${n}`);
    for (const p of [...chunkPaths, ...olderChunks, manifestPath, olderManifestPath]) files.set(p, await base.get(p));
  }, 120_000);
  afterAll(async () => {
    await install?.cleanup();
    for (const pg of pgDatabases) await pg.drop().catch(() => undefined);
    rmSync(scratch, { recursive: true, force: true });
  });

  /** A manifest signed again with the installation's own key, as a buggy writer would sign what it got wrong. */
  const resign = (m: BackupManifest) => signManifest(m, install.kernel.keyring.auditSigningKey, publicKeyId(install.kernel.keyring.auditPublicKey));

  const attacks = (): Attack[] => {
    const random = generator(dialect === 'sqlite' ? 7731 : 1337);
    const pick = <T>(list: T[]): T => list[random.int(list.length)] as T;
    const get = (p: string) => files.get(p) as Buffer;
    const one = (p: string, bytes: Buffer | null) => new Map([[p, bytes]]);
    const list: Attack[] = [];
    const flip = (p: string) => {
      const bytes = Buffer.from(get(p));
      const at = random.int(bytes.length);
      const bit = random.int(8);
      bytes[at] = (bytes[at] as number) ^ (1 << bit);
      return { bytes, at, bit };
    };
    for (let i = 0; i < 600; i += 1) {
      const p = pick(chunkPaths);
      const { bytes, at, bit } = flip(p);
      list.push({ name: `bit ${bit} of byte ${at} flipped in ${p}`, changes: one(p, bytes) });
    }
    for (let i = 0; i < 200; i += 1) {
      const { bytes, at, bit } = flip(manifestPath);
      list.push({ name: `bit ${bit} of byte ${at} flipped in the manifest`, changes: one(manifestPath, bytes) });
    }
    for (let i = 0; i < 100; i += 1) {
      const p = i % 4 === 0 ? manifestPath : pick(chunkPaths);
      const length = random.int(get(p).length);
      list.push({ name: `${p} truncated to ${length} bytes`, changes: one(p, get(p).subarray(0, length)) });
    }
    for (let i = 0; i < 40; i += 1) {
      const p = pick(chunkPaths);
      list.push({ name: `${p} missing`, changes: one(p, null) });
    }
    for (let i = 0; i < 40; i += 1) {
      const a = pick(chunkPaths);
      const b = pick(chunkPaths.filter((x) => x !== a));
      list.push({ name: `${a} duplicated over ${b}`, changes: one(b, get(a)) });
      list.push({
        name: `${a} and ${b} swapped`,
        changes: new Map([
          [a, get(b)],
          [b, get(a)],
        ]),
      });
    }
    for (let i = 0; i < 40; i += 1) {
      const p = pick(chunkPaths);
      list.push({ name: `${p} replaced by a chunk of another backup`, changes: one(p, get(pick(olderChunks))) });
    }
    list.push({ name: 'the older manifest replayed in the newest folder', changes: one(manifestPath, get(olderManifestPath)) });
    list.push({ name: 'the newest manifest copied over the older one', changes: one(olderManifestPath, get(manifestPath)) });
    list.push({ name: 'the newest backup removed (a rollback to the older one)', changes: one(manifestPath, null) });
    list.push({ name: 'the older backup removed (a gap in the chain)', changes: one(olderManifestPath, null) });
    const otherMaster = openEnvMasterKeyProvider(randomBytes(32).toString('base64'));
    list.push({ name: 'a wrong master key', changes: new Map(), keys: { provider: otherMaster } });
    list.push({ name: 'no master key at all', changes: new Map(), keys: { provider: undefined } as Partial<TrustedKeys> });
    const otherAudit = generateKeyPairSync('ed25519');
    list.push({ name: "another installation's audit key", changes: new Map(), keys: { signing: SigningKeyTrust.of([otherAudit.publicKey]) } });
    // Revoked keys: a leaked key re-signs the newest manifest unchanged, its revocation on record; and
    // the installation's own key revoked since, with nothing of its successor vouching for the backups.
    const ours = install.kernel.keyring.auditPublicKey;
    const leaked = generateKeyPairSync('ed25519');
    const revokedAt = new Date().toISOString();
    const entry = (version: number, publicKey: typeof ours, revoked: string | null) => ({
      version,
      keyId: publicKeyId(publicKey),
      publicKey,
      revokedAt: revoked,
    });
    list.push({
      name: 'the newest manifest re-signed by a revoked key',
      changes: one(manifestPath, signManifest(newest, leaked.privateKey, publicKeyId(leaked.publicKey))),
      keys: { signing: new SigningKeyTrust([entry(1, leaked.publicKey, revokedAt), entry(2, ours, null)]) },
    });
    list.push({
      name: 'backups signed by a key revoked since, nothing signed by its successor vouching for them',
      changes: new Map(),
      keys: { signing: new SigningKeyTrust([entry(1, ours, revokedAt), entry(2, otherAudit.publicKey, null)]) },
    });
    list.push({ name: 'a manifest naming the 国密 suite for an AES backup', changes: one(manifestPath, resign({ ...newest, suite: 'gm' })) });
    list.push({ name: 'a manifest naming an unknown cipher', changes: one(manifestPath, resign({ ...newest, suite: 'rot13' as never })) });
    const x = generateKeyPairSync('x25519');
    const sealedToX = {
      mode: 'x25519' as const,
      recipient: 'ffffffffffffffff',
      ephemeralPublicKey: x.publicKey.export({ format: 'der', type: 'spki' }).toString('base64'),
      sealed: 'AAAA',
    };
    list.push({
      name: 'a key sealed to a backup key nobody gave',
      changes: one(manifestPath, resign({ ...newest, key: sealedToX })),
      keys: { privateKey: x.privateKey },
    });
    list.push({
      name: 'a manifest whose row count was raised (re-signed, as a buggy writer would)',
      changes: one(manifestPath, resign({ ...newest, tables: newest.tables.map((t, i) => (i === 0 ? { ...t, rows: t.rows + 1 } : t)) })),
    });
    list.push({
      name: 'a manifest whose checksum differs (re-signed)',
      changes: one(manifestPath, resign({ ...newest, tables: newest.tables.map((t) => (t.rows > 0 ? { ...t, checksum: '0'.repeat(32) } : t)) })),
    });
    return list;
  };

  it('refuses every one of over a thousand attacks, naming what failed', async () => {
    const all = attacks();
    expect(all.length).toBeGreaterThanOrEqual(1000);
    const accepted: string[] = [];
    const reasons = new Set<string>();
    for (const attack of all) {
      try {
        await verifyBackup(overlayTarget(base, attack.changes), 'latest', { ...keys(), ...attack.keys }, { readData: true });
        accepted.push(attack.name);
      } catch (error) {
        if (!(error instanceof BackupRefused)) throw new Error(`${attack.name}: not a refusal but ${(error as Error).stack}`);
        reasons.add(error.message.replace(/[0-9a-f]{12}…|\d+/g, '#'));
      }
    }
    expect(accepted).toEqual([]);
    // Sanity: the untouched backup passes, and the refusals name distinct causes.
    await expect(verifyBackup(base, 'latest', keys(), { readData: true })).resolves.toBeTruthy();
    expect(reasons.size).toBeGreaterThan(8);
  }, 300_000);

  /** Restores under the attack into a new, empty database; expects a refusal and nothing left behind. */
  const refusedLeavingNothing = async (attack: Attack) => {
    const dir = mkdtempSync(path.join(scratch, 'into-'));
    const env: Record<string, string> = { ...install.env, CASTELLAN_DATA_DIR: dir };
    delete env.CASTELLAN_DATABASE_URL;
    delete env.CASTELLAN_DATABASE_OWNER_URL;
    if (install.config.masterKey.provider === 'file') env.CASTELLAN_MASTER_KEY_FILE = install.config.masterKey.file;
    let pg: ScratchPostgres | undefined;
    if (dialect === 'postgres') {
      pg = await createScratchPostgres();
      pgDatabases.push(pg);
      env.CASTELLAN_DATABASE_URL = pg.url;
      env.CASTELLAN_DATABASE_OWNER_URL = pg.ownerUrl;
    }
    const into: Config = loadConfig({}, env as Partial<Record<ConfigKey, string>>);
    await expect(
      restoreInstallation(overlayTarget(base, attack.changes), 'latest', { ...keys(), ...attack.keys } as TrustedKeys, into),
      attack.name,
    ).rejects.toThrow(BackupRefused);
    if (pg) {
      const left = await withPgClient(pg.superuserUrl, async (c) => ({
        tables: (await c.query("SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = 'public'")).rows[0].n,
        // The staged load's schema (postgres-staged-load.ts) is dropped too.
        staging: (await c.query("SELECT count(*)::int AS n FROM pg_namespace WHERE starts_with(nspname, 'castellan_restore_')")).rows[0].n,
      }));
      expect(left, attack.name).toEqual({ tables: 0, staging: 0 });
    } else {
      expect(existsSync(path.join(dir, 'castellan.db')), attack.name).toBe(false);
      expect(existsSync(path.join(dir, 'castellan.db.restoring')), attack.name).toBe(false);
    }
  };

  it('restore refuses a sample of the attacks and leaves no database behind', async () => {
    const all = attacks();
    const sample = all.filter((_, i) => i % 60 === 0).concat(all.slice(-12));
    for (const attack of sample) await refusedLeavingNothing(attack);
  }, 300_000);

  it('restore checks each chunk as it loads it: a fault in the last table loaded rolls back every table loaded before it', async () => {
    // Restore reads the chunks once, loading as it checks: these faults surface only after the other tables' rows were written.
    const last = [...newest.tables].reverse().find((t) => t.chunks.length > 0) as BackupManifest['tables'][number];
    const lastChunk = chunkPaths.find((p) => p.endsWith(last.chunks.at(-1)?.id ?? '?')) as string;
    const flipped = Buffer.from(files.get(lastChunk) as Buffer);
    flipped[flipped.length - 1] = (flipped[flipped.length - 1] as number) ^ 1;
    await refusedLeavingNothing({ name: `the last chunk of table ${last.name} altered`, changes: new Map([[lastChunk, flipped]]) });
    await refusedLeavingNothing({ name: `the last chunk of table ${last.name} missing`, changes: new Map([[lastChunk, null]]) });
    const recounted = { ...newest, tables: newest.tables.map((t) => (t.name === last.name ? { ...t, rows: t.rows - 1 } : t)) };
    await refusedLeavingNothing({ name: `table ${last.name} counted one row short (re-signed)`, changes: new Map([[manifestPath, resign(recounted)]]) });
  }, 300_000);
});
