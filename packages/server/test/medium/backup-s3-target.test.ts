import { createHash } from 'node:crypto';
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { operatorActor } from '../../src/cli/cli-context.js';
import { loadConfig, type S3BackupSettings } from '../../src/config/load-config.js';
import { configuredTargets } from '../../src/modules/backups/backup-targets.js';
import { noRequest } from '../../src/platform/audit/audit-event.js';
import { SigningKeyTrust } from '../../src/platform/audit/signing-keys.js';
import { TargetMissingError } from '../../src/platform/backup/backup-target.js';
import { createBackup } from '../../src/platform/backup/create-backup.js';
import { localFolderTarget } from '../../src/platform/backup/local-folder.target.js';
import { verifyBackup } from '../../src/platform/backup/read-backup.js';
import { restoreBackup } from '../../src/platform/backup/restore-backup.js';
import { createS3Client, s3Target } from '../../src/platform/backup/s3.target.js';
import { type S3TestServer, startS3Server } from '../helpers/s3-server.js';
import { createTestInstall, type TestInstall } from '../helpers/test-install.js';

/** The S3-compatible backup target against a real S3-protocol server (s3rver) run in this process. */

let server: S3TestServer;
const scratch = mkdtempSync(path.join(tmpdir(), 'castellan-s3-test-'));
beforeAll(async () => {
  server = await startS3Server();
});
afterAll(async () => {
  await server?.stop();
  rmSync(scratch, { recursive: true, force: true });
});

const settingsFor = (s: S3TestServer, overrides: Partial<S3BackupSettings> = {}): S3BackupSettings => ({
  endpoint: s.endpoint,
  bucket: s.bucket,
  prefix: 'castellan',
  region: 'us-east-1',
  accessKeyId: s.accessKeyId,
  secretAccessKey: s.secretAccessKey,
  forcePathStyle: true,
  appendOnly: false,
  ...overrides,
});

const md5 = (bytes: Buffer) => createHash('md5').update(bytes).digest('base64');
const isDeleteObjects = (r: { method: string; url: string }) => r.method === 'POST' && /[?&]delete(=|&|$)/.test(r.url);

async function inParallel<T>(items: T[], width: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) await work(items[next++] as T);
    }),
  );
}

describe('the S3 target contract', () => {
  it('puts with a Content-MD5, gets, lists folders and files, tells what exists, and removes a folder but not its sibling', async () => {
    const target = s3Target('s3', settingsFor(server, { prefix: 'contract' }));
    try {
      const bytes = Buffer.from('sealed chunk bytes \u0000\u00ff', 'latin1');
      const seen = (await server.requests()).length;
      await target.put('backups/00000001-abcdefgh/chunks/c1', bytes);
      const put = (await server.requests()).slice(seen).find((r) => r.method === 'PUT');
      expect(put?.url.split('?')[0]).toBe(`/${server.bucket}/contract/backups/00000001-abcdefgh/chunks/c1`);
      expect(put?.headers['content-md5']).toBe(md5(bytes));
      expect(await target.get('backups/00000001-abcdefgh/chunks/c1')).toEqual(bytes);
      await target.put('backups/00000001-abcdefgh/manifest.json', Buffer.from('{}'));
      await target.put('backups/00000001-abcdefgh-longer/x', Buffer.from('sibling'));
      expect(await target.list('backups/')).toEqual(['00000001-abcdefgh-longer/', '00000001-abcdefgh/']);
      expect(await target.list('backups/00000001-abcdefgh/')).toEqual(['chunks/', 'manifest.json']);
      expect(await target.list('nothing/')).toEqual([]);
      expect(await target.exists('backups/00000001-abcdefgh/manifest.json')).toBe(true);
      expect(await target.exists('backups/00000001-abcdefgh/missing.json')).toBe(false);
      expect(await target.exists('backups/00000001-abcdefgh/')).toBe(true);

      await target.remove('backups/00000001-abcdefgh/');
      expect(await target.list('backups/')).toEqual(['00000001-abcdefgh-longer/']);
      expect(await target.exists('backups/00000001-abcdefgh/manifest.json')).toBe(false);
    } finally {
      await target.close();
    }
  });

  it('lists the root of its prefix, and removes a single object', async () => {
    // s3rver finds a common prefix only through an object directly below it (its directory walk stops
    // one level down), so this listing keeps to objects one level deep; S3 itself has no such limit.
    const target = s3Target('s3', settingsFor(server, { prefix: 'root/of/target' }));
    const parent = s3Target('parent', settingsFor(server, { prefix: 'root/of' }));
    try {
      await target.put('erasure-ledger/00000001.json', Buffer.from('segment'));
      await target.put('top.json', Buffer.from('top'));
      await target.put('top.json.old', Buffer.from('old'));
      expect(await target.list('')).toEqual(['erasure-ledger/', 'top.json', 'top.json.old']);
      expect(await target.list('erasure-ledger/')).toEqual(['00000001.json']);
      await target.remove('top.json');
      expect(await target.list('')).toEqual(['erasure-ledger/', 'top.json.old']);
      expect(await parent.list('')).toEqual(['target/']);
    } finally {
      await target.close();
      await parent.close();
    }
  });

  it('a missing object is a TargetMissingError; a path that climbs out of the prefix is refused before any request', async () => {
    const target = s3Target('s3', settingsFor(server, { prefix: 'missing' }));
    try {
      await expect(target.get('backups/none/manifest.json')).rejects.toBeInstanceOf(TargetMissingError);
      await expect(target.get('backups/none/manifest.json')).rejects.toThrow(/is missing from target s3/);
      const seen = (await server.requests()).length;
      for (const bad of ['../escape', 'backups/../../escape', '/absolute', 'a/./b'])
        for (const attempt of [() => target.put(bad, Buffer.from('x')), () => target.get(bad), () => target.remove(bad), () => target.list(`${bad}/`)])
          await expect(attempt()).rejects.toThrow(/leaves the backup prefix of target s3/);
      expect((await server.requests()).length).toBe(seen);
    } finally {
      await target.close();
    }
  });

  it('lists and removes more than 1000 objects: pages of the listing are followed and deletes go in batches of 1000', async () => {
    const settings = settingsFor(server, { prefix: 'many' });
    const client = createS3Client(settings);
    // What the client finally sends for each DeleteObjects (after signing): its body and Content-MD5.
    const deleteBodies: { body: string; md5: string | undefined }[] = [];
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const request = args.request as { body?: unknown; headers: Record<string, string> };
        if (context.commandName === 'DeleteObjectsCommand') deleteBodies.push({ body: String(request.body), md5: request.headers['content-md5'] });
        return next(args);
      },
      { step: 'finalizeRequest', priority: 'low', name: 'recordDeleteObjects' },
    );
    const target = s3Target('s3', settings, client);
    try {
      const names = Array.from({ length: 1001 }, (_, i) => `f${String(i).padStart(5, '0')}`);
      await inParallel(names, 16, (n) => target.put(`big/${n}`, Buffer.from(n)));
      await target.put('big/sub/inner', Buffer.from('inner'));
      await target.put('keep/one', Buffer.from('kept'));

      const seen = (await server.requests()).length;
      const listed = await target.list('big/');
      expect(listed).toEqual([...names, 'sub/'].sort());
      const listings = (await server.requests()).slice(seen).filter((r) => r.method === 'GET' && r.url.includes('list-type=2'));
      expect(listings.length).toBeGreaterThanOrEqual(2);
      expect(listings.some((r) => r.url.includes('continuation-token='))).toBe(true);

      const beforeRemove = (await server.requests()).length;
      await target.remove('big/');
      const deletes = (await server.requests()).slice(beforeRemove).filter(isDeleteObjects);
      // Two batches (the SDK may resend one when a kept-alive connection was closed under it).
      const batches = [...new Set(deleteBodies.map((d) => d.body))];
      expect(batches.map((body) => body.split('<Key>').length - 1)).toEqual([1000, 2]);
      for (const d of deleteBodies) expect(d.md5).toBe(createHash('md5').update(d.body).digest('base64'));
      expect(new Set(deletes.map((r) => r.headers['content-md5']))).toEqual(new Set(deleteBodies.map((d) => d.md5)));
      expect(await target.list('big/')).toEqual([]);
      expect(await target.list('')).toEqual(['keep/']);
    } finally {
      await target.close();
    }
  });

  it('an append-only target refuses to remove, and nothing is deleted', async () => {
    const target = s3Target('s3', settingsFor(server, { prefix: 'worm', appendOnly: true }));
    try {
      expect(target.appendOnly).toBe(true);
      await target.put('backups/00000001-abcdefgh/manifest.json', Buffer.from('{}'));
      const seen = (await server.requests()).length;
      await expect(target.remove('backups/00000001-abcdefgh/')).rejects.toThrow(/append-only .*CASTELLAN_BACKUP_S3_APPEND_ONLY/);
      expect((await server.requests()).slice(seen).filter(isDeleteObjects)).toEqual([]);
      expect(await target.exists('backups/00000001-abcdefgh/manifest.json')).toBe(true);
    } finally {
      await target.close();
    }
  });

  it('wrong credentials fail with a clear error that does not contain the secret', async () => {
    // s3rver checks the access key id of a signature V4 request but not the signature itself, so the
    // wrong pair here has an unknown key id; a real service answers a wrong secret with SignatureDoesNotMatch.
    const secret = 'Wrong-Secret-Key-Material-0123456789';
    const target = s3Target('s3', settingsFor(server, { prefix: 'creds', accessKeyId: 'AKIDNOTKNOWN', secretAccessKey: secret }));
    try {
      for (const attempt of [() => target.put('backups/x', Buffer.from('x')), () => target.list(''), () => target.get('backups/x')]) {
        const error = await attempt().then(
          () => undefined,
          (e: Error) => e,
        );
        expect(error).toBeInstanceOf(Error);
        expect(error).not.toBeInstanceOf(TargetMissingError);
        expect(error?.message).toMatch(
          /^S3 target s3: (PutObject|ListObjectsV2|GetObject) \S* ?failed \(InvalidAccessKeyId, HTTP 403\): The AWS Access Key Id you provided does not exist/,
        );
        expect(JSON.stringify(error, Object.getOwnPropertyNames(error))).not.toContain(secret);
      }
      expect(await target.exists('backups/x').catch((e: Error) => e.message)).toMatch(/HeadObject backups\/x failed \(.*HTTP 403\)/);
    } finally {
      await target.close();
    }
  });
});

describe('the configured targets', () => {
  it('CASTELLAN_BACKUP_S3_* adds an s3 target after the local folder, and it reaches the bucket', async () => {
    expect(configuredTargets(loadConfig({ CASTELLAN_DATA_DIR: scratch })).map((t) => t.name)).toEqual(['local']);
    const config = loadConfig({
      CASTELLAN_DATA_DIR: scratch,
      CASTELLAN_BACKUP_S3_ENDPOINT: server.endpoint,
      CASTELLAN_BACKUP_S3_BUCKET: server.bucket,
      CASTELLAN_BACKUP_S3_PREFIX: 'configured',
      CASTELLAN_BACKUP_S3_ACCESS_KEY_ID: server.accessKeyId,
      CASTELLAN_BACKUP_S3_SECRET_ACCESS_KEY: server.secretAccessKey,
      CASTELLAN_BACKUP_S3_APPEND_ONLY: 'true',
    });
    const targets = configuredTargets(config);
    expect(targets.map((t) => [t.name, t.kind, t.appendOnly])).toEqual([
      ['local', 'local', false],
      ['s3', 's3', true],
    ]);
    const s3 = targets[1];
    try {
      const seen = (await server.requests()).length;
      await s3?.put('backups/probe', Buffer.from('configured'));
      expect((await s3?.get('backups/probe'))?.toString()).toBe('configured');
      const put = (await server.requests()).slice(seen).find((r) => r.method === 'PUT');
      expect(put?.url.split('?')[0]).toBe(`/${server.bucket}/configured/backups/probe`);
    } finally {
      await s3?.close?.();
    }
  });
});

describe('virtual-host addressing', () => {
  it('with forcePathStyle false the bucket is in the Host name and not in the path, and the contract holds', async () => {
    // `<bucket>.s3.localhost` does not resolve on this machine (no *.localhost in /etc/hosts or NSS), so the
    // client gets an agent whose lookup sends *.localhost to 127.0.0.1; the requests are real, over TCP.
    const lookup = (host: string, options: { all?: boolean }, callback: (...args: unknown[]) => void) => {
      if (!host.endsWith('.localhost')) return dnsLookup(host, options as never, callback as never);
      if (options.all) return callback(null, [{ address: '127.0.0.1', family: 4 }] as LookupAddress[]);
      return callback(null, '127.0.0.1', 4);
    };
    const settings = settingsFor(server, { endpoint: server.vhostEndpoint, prefix: 'vhost', forcePathStyle: false });
    const agent = new Agent({ keepAlive: true, lookup: lookup as never });
    const target = s3Target('s3', settings, createS3Client(settings, { httpAgent: agent }));
    try {
      const seen = (await server.requests()).length;
      await target.put('backups/a', Buffer.from('virtual host'));
      expect((await target.get('backups/a')).toString()).toBe('virtual host');
      expect(await target.list('')).toEqual(['backups/']);
      expect(await target.exists('backups/a')).toBe(true);
      await target.remove('backups/');
      expect(await target.exists('backups/a')).toBe(false);
      const sent = (await server.requests()).slice(seen);
      expect(sent.length).toBeGreaterThanOrEqual(6);
      for (const r of sent) {
        expect(r.headers.host).toBe(`${server.bucket}.s3.localhost:${server.port}`);
        expect(r.url.startsWith(`/${server.bucket}`)).toBe(false);
      }
      expect(sent[0]?.url.split('?')[0]).toBe('/vhost/backups/a');
    } finally {
      await target.close();
      agent.destroy();
    }
  });
});

describe('a backup through the S3 target', () => {
  let install: TestInstall;
  beforeAll(async () => {
    install = await createTestInstall('sqlite');
  });
  afterAll(async () => {
    await install?.cleanup();
  });

  it('is written to the local folder and the bucket, verifies from the bucket with every chunk read, and restores from it', async () => {
    const { kernel } = install;
    const local = localFolderTarget('local', path.join(scratch, 'local'));
    const s3 = s3Target('s3', settingsFor(server, { prefix: 'whole' }));
    try {
      const run = await createBackup(kernel, operatorActor('backup create'), noRequest, [local, s3], { kind: 'manual', chunkBytes: 4096 });
      expect(run.status).toBe('good');
      expect(run.chunks).toBeGreaterThan(3);
      expect(run.targets).toEqual([
        { target: 'local', ok: true, retries: 0 },
        { target: 's3', ok: true, retries: 0 },
      ]);
      const keys = { signing: SigningKeyTrust.of([kernel.keyring.auditPublicKey]), provider: kernel.keyring.provider };
      const verified = await verifyBackup(s3, 'latest', keys, { readData: true });
      expect(verified.manifest.backupId).toBe(run.id);
      expect(verified.manifest.totals).toEqual({ rows: run.rows, chunks: run.chunks, bytes: run.bytes });

      const file = path.join(scratch, 'restored.db');
      const report = await restoreBackup(s3, verified, { kind: 'sqlite', file });
      expect(report.rows).toBe(run.rows);
      const restored = new SQLite(file, { readonly: true });
      try {
        for (const table of verified.manifest.tables) {
          const row = restored.prepare(`SELECT count(*) AS n FROM "${table.name}"`).get() as { n: number };
          expect({ table: table.name, rows: row.n }).toEqual({ table: table.name, rows: table.rows });
        }
      } finally {
        restored.close();
      }
    } finally {
      await s3.close();
    }
  });

  it('a bucket that goes away mid-upload drops out after retries; the run is still good on the local folder', async () => {
    const { kernel } = install;
    const failing = await startS3Server('castellan-failing');
    // The same local folder as the backup before it: the chain of manifests continues there.
    const local = localFolderTarget('local', path.join(scratch, 'local'));
    const s3 = s3Target('s3', settingsFor(failing, { prefix: 'failing' }));
    try {
      const run = await createBackup(kernel, operatorActor('backup create'), noRequest, [local, s3], {
        kind: 'manual',
        chunkBytes: 4096,
        afterChunk: async (written) => {
          if (written === 3) await failing.stop();
        },
      });
      expect(run.status).toBe('good');
      expect(run.chunks).toBeGreaterThan(3);
      const [localOutcome, s3Outcome] = run.targets;
      expect(localOutcome).toEqual({ target: 'local', ok: true, retries: 0 });
      expect(s3Outcome?.ok).toBe(false);
      expect(s3Outcome?.retries).toBeGreaterThan(0);
      expect(s3Outcome?.failure).toMatch(/^S3 target s3: PutObject backups\/.*\/chunks\/.* failed/);
      expect(s3Outcome?.failure).not.toContain(failing.secretAccessKey);
      await verifyBackup(
        local,
        'latest',
        { signing: SigningKeyTrust.of([kernel.keyring.auditPublicKey]), provider: kernel.keyring.provider },
        { readData: true },
      );
    } finally {
      await s3.close();
      await failing.stop();
    }
  });
});
