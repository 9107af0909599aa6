import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { operatorActor } from '../../src/cli/cli-context.js';
import { loadConfig } from '../../src/config/load-config.js';
import { configuredTargets } from '../../src/modules/backups/backup-targets.js';
import { noRequest } from '../../src/platform/audit/audit-event.js';
import { SigningKeyTrust } from '../../src/platform/audit/signing-keys.js';
import { type BackupTarget, TargetMissingError } from '../../src/platform/backup/backup-target.js';
import { createBackup } from '../../src/platform/backup/create-backup.js';
import { verifyBackup } from '../../src/platform/backup/read-backup.js';
import { restoreBackup } from '../../src/platform/backup/restore-backup.js';
import { sftpTarget } from '../../src/platform/backup/sftp.target.js';
import { HostKeyRefused, type SftpSettings, sftpConnection } from '../../src/platform/backup/sftp-connection.js';
import { openDatabase } from '../../src/platform/db/database.js';
import { type SftpServer, startSftpServer } from '../helpers/sftp-server.js';
import { createTestInstall, type TestInstall } from '../helpers/test-install.js';

const settingsOf = (server: SftpServer, overrides: Partial<SftpSettings> = {}): SftpSettings => ({
  host: server.host,
  port: server.port,
  username: server.username,
  root: server.root,
  keyFile: server.keyFile,
  hostKeyFingerprint: server.hostKeyFingerprint,
  password: null,
  ...overrides,
});

/** The CASTELLAN_BACKUP_SFTP_* settings of a server, with the backups in a sub-folder of its root. */
const sftpSettings = (server: SftpServer, folder: string) => ({
  CASTELLAN_BACKUP_SFTP_URL: `${server.url}/${folder}`,
  CASTELLAN_BACKUP_SFTP_KEY_FILE: server.keyFile,
  CASTELLAN_BACKUP_SFTP_HOST_KEY: server.hostKeyFingerprint,
});

/** Every file below a folder on this machine, relative, sorted. */
function filesBelow(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)))
    .sort();
}

const count = (text: string, needle: string) => text.split(needle).length - 1;

describe('the SFTP backup target on a real OpenSSH server', () => {
  let server: SftpServer;
  let target: BackupTarget & { close(): Promise<void> };
  beforeAll(async () => {
    server = await startSftpServer();
    target = sftpTarget('sftp', settingsOf(server));
  });
  afterAll(async () => {
    await target?.close();
    await server?.cleanup();
  });

  it('puts, gets, lists, tells what exists and removes recursively, under its folder', async () => {
    await target.put('a/b/one.bin', Buffer.from('first'));
    await target.put('a/two.bin', Buffer.from('second'));
    await target.put('a/b/one.bin', Buffer.from('first, replaced'));
    expect((await target.get('a/b/one.bin')).toString()).toBe('first, replaced');
    expect(readFileSync(path.join(server.root, 'a/b/one.bin'), 'utf8')).toBe('first, replaced');
    expect(statSync(path.join(server.root, 'a/b/one.bin')).mode & 0o777).toBe(0o600);
    await expect(target.get('a/none.bin')).rejects.toBeInstanceOf(TargetMissingError);
    await target.put('a/empty.bin', Buffer.alloc(0));
    expect(await target.get('a/empty.bin')).toEqual(Buffer.alloc(0));
    await target.remove('a/empty.bin');

    // A temporary file left behind by a writer that died is never listed.
    writeFileSync(path.join(server.root, 'a', 'three.bin.0123456789ab.partial'), 'half');
    mkdirSync(path.join(server.root, 'a', 'c'));
    expect(await target.list('a/')).toEqual(['b/', 'c/', 'two.bin']);
    expect(await target.list('a/b/')).toEqual(['one.bin']);
    expect(await target.list('')).toEqual(['a/']);
    expect(await target.list('nothing/here/')).toEqual([]);

    expect(await target.exists('a/two.bin')).toBe(true);
    expect(await target.exists('a/b/')).toBe(true);
    expect(await target.exists('a/none.bin')).toBe(false);

    await target.remove('a/two.bin');
    expect(await target.exists('a/two.bin')).toBe(false);
    await target.remove('a/');
    expect(existsSync(path.join(server.root, 'a'))).toBe(false);
    await target.remove('a/never-was');
    expect(filesBelow(server.root)).toEqual([]);
  });

  it('refuses a path that leaves its folder, for every operation', async () => {
    const outside = path.join(path.dirname(server.root), 'outside.bin');
    writeFileSync(outside, 'keep me');
    const escapes = ['../outside.bin', 'a/../../outside.bin', '/etc/passwd', `${server.root}/../outside.bin`];
    for (const p of escapes) {
      await expect(target.put(p, Buffer.from('x')), p).rejects.toThrow(/leaves the backup folder/);
      await expect(target.get(p), p).rejects.toThrow(/leaves the backup folder/);
      await expect(target.exists(p), p).rejects.toThrow(/leaves the backup folder/);
      await expect(target.remove(p), p).rejects.toThrow(/leaves the backup folder/);
    }
    await expect(target.list('../')).rejects.toThrow(/leaves the backup folder/);
    expect(readFileSync(outside, 'utf8')).toBe('keep me');
    expect(filesBelow(path.dirname(server.root)).filter((f) => f.startsWith('backups/'))).toEqual([]);
  });

  it('writes atomically: a reader sees the old or the new file whole, never a half one, and never lists the .partial', async () => {
    const sizes = 6 * 1024 * 1024;
    const versions = ['a', 'b', 'c', 'd'].map((fill) => Buffer.alloc(sizes, fill));
    await target.put('atomic/file.bin', versions[0] as Buffer);
    const seenOnDisk = new Set<string>();
    const listed = new Set<string>();
    const reads: string[] = [];
    let writing = true;
    const watch = setInterval(() => {
      for (const f of readdirSync(path.join(server.root, 'atomic'))) seenOnDisk.add(f);
    }, 2);
    const writer = (async () => {
      for (const v of versions.slice(1)) await target.put('atomic/file.bin', v);
      writing = false;
    })();
    const reader = (async () => {
      while (writing) {
        const [bytes, names] = await Promise.all([target.get('atomic/file.bin'), target.list('atomic/')]);
        for (const n of names) listed.add(n);
        const first = bytes.subarray(0, 1).toString();
        expect(bytes.length).toBe(sizes);
        expect(bytes.equals(Buffer.alloc(sizes, first))).toBe(true);
        reads.push(first);
      }
    })();
    try {
      await Promise.all([writer, reader]);
    } finally {
      clearInterval(watch);
    }
    expect(reads.length).toBeGreaterThan(0);
    // The writes did go through a temporary name...
    expect([...seenOnDisk].some((f) => /^file\.bin\.[0-9a-f]{12}\.partial$/.test(f))).toBe(true);
    // ...which list never showed, and which is gone after.
    expect([...listed]).toEqual(['file.bin']);
    expect(readdirSync(path.join(server.root, 'atomic'))).toEqual(['file.bin']);
    expect((await target.get('atomic/file.bin')).equals(versions[3] as Buffer)).toBe(true);
    await target.remove('atomic/');
  });

  it('reuses one connection, and connects again after it was cut', async () => {
    await target.put('again/one.bin', Buffer.from('one'));
    const logins = count(server.output(), 'Accepted publickey');
    expect(logins).toBeGreaterThanOrEqual(1);
    await target.get('again/one.bin');
    await target.list('again/');
    await target.exists('again/one.bin');
    expect(count(server.output(), 'Accepted publickey')).toBe(logins);
    await server.killSessions();
    expect((await target.get('again/one.bin')).toString()).toBe('one');
    expect(count(server.output(), 'Accepted publickey')).toBe(logins + 1);
    await target.remove('again/');
  });

  it('refuses a server whose host key is not the pinned one, before writing anything', async () => {
    const keyDir = mkdtempSync(path.join(tmpdir(), 'castellan-otherkey-'));
    execFileSync('/usr/bin/ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', path.join(keyDir, 'k')]);
    const other = String(execFileSync('/usr/bin/ssh-keygen', ['-l', '-E', 'sha256', '-f', path.join(keyDir, 'k.pub')], { encoding: 'utf8' }).split(' ')[1]);
    rmSync(keyDir, { recursive: true, force: true });
    expect(other).not.toBe(server.hostKeyFingerprint);
    const accepted = count(server.output(), 'Accepted publickey');
    const connections = count(server.output(), 'Connection from 127.0.0.1');
    const impostor = sftpTarget('sftp', settingsOf(server, { hostKeyFingerprint: other }));
    try {
      const refused = await impostor.put('pinned/file.bin', Buffer.from('secret backup')).catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(HostKeyRefused);
      expect(String((refused as Error).message)).toContain(`presented host key ${server.hostKeyFingerprint}, not the pinned one`);
      await expect(impostor.list('')).rejects.toBeInstanceOf(HostKeyRefused);
    } finally {
      await impostor.close();
    }
    // It reached the server (the refusal is ours) but never logged in.
    expect(count(server.output(), 'Connection from 127.0.0.1')).toBeGreaterThan(connections);
    expect(count(server.output(), 'Accepted publickey')).toBe(accepted);
    expect(filesBelow(server.root)).toEqual([]);
  });

  it('does not even connect without a pinned fingerprint (never trust on first use)', async () => {
    const connections = count(server.output(), 'Connection from 127.0.0.1');
    const trusting = sftpTarget('sftp', settingsOf(server, { hostKeyFingerprint: '' }));
    await expect(trusting.put('tofu/file.bin', Buffer.from('x'))).rejects.toThrow(/no pinned host key fingerprint/);
    await trusting.close();
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(count(server.output(), 'Connection from 127.0.0.1')).toBe(connections);
    expect(filesBelow(server.root)).toEqual([]);
  });
});

describe('the SFTP target on a server without posix-rename', () => {
  let server: SftpServer;
  let target: BackupTarget & { close(): Promise<void> };
  beforeAll(async () => {
    server = await startSftpServer({ deniedRequests: ['posix-rename'] });
    target = sftpTarget('sftp', settingsOf(server));
  });
  afterAll(async () => {
    await target?.close();
    await server?.cleanup();
  });

  it('replaces a file by removing it and renaming the temporary one', async () => {
    await target.put('plain/file.bin', Buffer.from('first'));
    await target.put('plain/file.bin', Buffer.from('second'));
    await target.put('plain/file.bin', Buffer.from('third'));
    expect((await target.get('plain/file.bin')).toString()).toBe('third');
    expect(readdirSync(path.join(server.root, 'plain'))).toEqual(['file.bin']);
    // The server does not offer posix-rename (asked directly, over a connection of the test's own).
    const direct = sftpConnection('direct', settingsOf(server));
    try {
      const session = await direct.session();
      await session.client.put(Buffer.from('x'), path.join(server.root, 'plain', 'a.tmp'));
      await expect(session.client.posixRename(path.join(server.root, 'plain', 'a.tmp'), path.join(server.root, 'plain', 'file.bin'))).rejects.toThrow(
        /does not support/,
      );
    } finally {
      await direct.close();
    }
    expect((await target.get('plain/file.bin')).toString()).toBe('third');
  });
});

describe('a whole backup through the SFTP target', () => {
  let server: SftpServer;
  let install: TestInstall;
  let targets: BackupTarget[] = [];
  beforeAll(async () => {
    server = await startSftpServer();
    install = await createTestInstall('sqlite', sftpSettings(server, 'castellan'));
  });
  afterAll(async () => {
    for (const t of targets) await t.close?.();
    await install?.cleanup();
    await server?.cleanup();
  });

  it('is written to the local folder and the SFTP server, verifies there, and restores from there', async () => {
    const kernel = install.kernel;
    targets = configuredTargets(install.config);
    expect(targets.map((t) => [t.name, t.kind])).toEqual([
      ['local', 'local'],
      ['sftp', 'sftp'],
    ]);
    const run = await createBackup(kernel, operatorActor('backup create (test)'), noRequest, targets, { kind: 'manual', chunkBytes: 4096 });
    expect(run.status).toBe('good');
    expect(run.chunks).toBeGreaterThan(3);
    expect(run.targets).toEqual([
      { target: 'local', ok: true, retries: 0 },
      { target: 'sftp', ok: true, retries: 0 },
    ]);
    const sftp = targets[1] as BackupTarget;
    // The same files on the server as in the local folder, and no temporary one.
    const remote = filesBelow(path.join(server.root, 'castellan'));
    expect(remote).toEqual(filesBelow(install.config.backup.dir));
    expect(remote).toContain('erasure-ledger/00000001.json');
    expect(remote.filter((f) => f.startsWith('backups/')).length).toBe(run.chunks + 1);
    expect(remote.some((f) => f.endsWith('.partial'))).toBe(false);

    const verified = await verifyBackup(
      sftp,
      'latest',
      { signing: SigningKeyTrust.of([kernel.keyring.auditPublicKey]), provider: kernel.keyring.provider },
      { readData: true },
    );
    expect(verified.manifest.backupId).toBe(run.id);
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'castellan-restore-')), 'restored.db');
    try {
      const report = await restoreBackup(sftp, verified, { kind: 'sqlite', file });
      expect(report.rows).toBe(run.rows);
      const restored = openDatabase({ kind: 'sqlite', file });
      try {
        for (const table of verified.manifest.tables) {
          const row = await sql<{ n: number }>`SELECT count(*) AS n FROM ${sql.table(table.name)}`.execute(restored.kysely);
          expect(Number(row.rows[0]?.n), table.name).toBe(table.rows);
        }
      } finally {
        await restored.close();
      }
    } finally {
      verified.key.fill(0);
      rmSync(path.dirname(file), { recursive: true, force: true });
    }
  });

  it('refuses an SFTP URL without a pinned host key, naming the setting', () => {
    const { CASTELLAN_BACKUP_SFTP_HOST_KEY: _, ...withoutPin } = sftpSettings(server, 'castellan');
    expect(() => loadConfig({}, { ...install.env, ...withoutPin, CASTELLAN_BACKUP_SFTP_HOST_KEY: undefined } as never)).toThrow(
      /^CASTELLAN_BACKUP_SFTP_HOST_KEY: required when CASTELLAN_BACKUP_SFTP_URL is set/,
    );
  });
});

describe('an SFTP target that fails in the middle of a backup', () => {
  let server: SftpServer;
  let install: TestInstall;
  let targets: BackupTarget[] = [];
  beforeAll(async () => {
    server = await startSftpServer();
    install = await createTestInstall('sqlite', sftpSettings(server, 'castellan'));
  });
  afterAll(async () => {
    for (const t of targets) await t.close?.();
    await install?.cleanup();
    await server?.cleanup();
  });

  it('drops out after its retries while the local target finishes the backup, and the audit event names both', async () => {
    const kernel = install.kernel;
    targets = configuredTargets(install.config);
    const run = await createBackup(kernel, operatorActor('backup create (test)'), noRequest, targets, {
      kind: 'manual',
      chunkBytes: 4096,
      afterChunk: async (written) => {
        if (written === 3) await server.stop();
      },
    });
    expect(run.status).toBe('good');
    expect(run.chunks).toBeGreaterThan(3);
    const [local, sftp] = run.targets;
    expect(local).toEqual({ target: 'local', ok: true, retries: 0 });
    expect(sftp).toMatchObject({ target: 'sftp', ok: false });
    expect(sftp?.retries).toBeGreaterThan(0);
    expect(sftp?.failure).toMatch(/\S/);
    // The server got the first chunks only, and no manifest: that copy does not list as a backup.
    const remote = filesBelow(path.join(server.root, 'castellan', 'backups'));
    expect(remote.length).toBe(3);
    expect(remote.some((f) => f.endsWith('manifest.json'))).toBe(false);

    const event = await kernel.db.kysely
      .selectFrom('audit_events')
      .selectAll()
      .where('action', '=', 'backup.created')
      .where('resource_id', '=', run.id)
      .executeTakeFirstOrThrow();
    const detail = JSON.parse(String((event as Record<string, unknown>).detail));
    expect(detail.targets).toEqual([
      { target: 'local', ok: true, retries: 0 },
      { target: 'sftp', ok: false, retries: sftp?.retries },
    ]);
    const recorded = await kernel.db.kysely.selectFrom('backup_runs').selectAll().where('id', '=', run.id).executeTakeFirstOrThrow();
    expect(JSON.parse(String((recorded as Record<string, unknown>).targets))).toEqual(run.targets);
  });
});
