import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { operatorActor } from '../../src/cli/cli-context.js';
import type { Config } from '../../src/config/load-config.js';
import { runRestoreDrill } from '../../src/modules/backups/restore-drill.js';
import { restoreInstallation } from '../../src/modules/backups/restore-installation.js';
import { complianceChecks } from '../../src/modules/compliance/compliance.service.js';
import { eraseSubject } from '../../src/modules/subject-data/erase-subject.js';
import { noRequest } from '../../src/platform/audit/audit-event.js';
import { SigningKeyTrust } from '../../src/platform/audit/signing-keys.js';
import { userActor } from '../../src/platform/authz/actor.js';
import { manifestHash } from '../../src/platform/backup/backup-manifest.js';
import { createBackup } from '../../src/platform/backup/create-backup.js';
import { readErasureLedger, syncErasureLedger } from '../../src/platform/backup/erasure-ledger.js';
import { localFolderTarget } from '../../src/platform/backup/local-folder.target.js';
import { BackupRefused, chunksInOrder, listBackups, verifyBackup } from '../../src/platform/backup/read-backup.js';
import { chunkLines } from '../../src/platform/backup/row-format.js';
import { asSystem } from '../../src/platform/data/as-system.js';
import { ProtectedStore } from '../../src/platform/data/protected-store.js';
import { type Kernel, openKernel } from '../../src/platform/kernel.js';
import { apiCallers } from '../helpers/api-callers.js';
import { type ScratchPostgres, testDialects } from '../helpers/databases.js';
import { emptyInstallation as emptyInstallationOf } from '../helpers/empty-installation.js';
import { type App, startTestApp, stopTestApp } from '../helpers/test-app.js';
import type { TestInstall } from '../helpers/test-install.js';

/**
 * Backups on both databases, end to end in one process: two backups chained by sequence and hash,
 * no planted value readable on the target, every chunk opened by verify; a restore into an empty
 * SQLite file and into an empty PostgreSQL database (so SQLite → PostgreSQL and back); a person
 * erased after the backup is erased again by the ledger and the audit chain verifies after; a
 * restore into a database holding data is refused; a crash during create leaves no backup that
 * lists as good; a drill is recorded and turns the compliance check green.
 */
const PLANTED = { kept: 'Kestrel Backupsworth', keptEmail: 'kestrel.backup@plant.example', gone: 'Gideon Erasmoor', goneEmail: 'gideon.erased@plant.example' };

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((f) => path.join(dir, f))
    .filter((f) => statSync(f).isFile());
}

describe.each(testDialects)('backup and restore on %s', (dialect) => {
  let install: TestInstall;
  let app: App;
  const { created, addCallers } = apiCallers(() => app);
  let targetDir: string;
  let scratch: string;
  const kernel = () => install.kernel;
  const target = () => localFolderTarget('local', targetDir);
  const keys = () => ({ signing: SigningKeyTrust.of([kernel().keyring.auditPublicKey]), provider: kernel().keyring.provider });
  const operator = operatorActor('backup test');
  let keptId: string;
  let goneSubject: string;
  const pgDatabases: ScratchPostgres[] = [];

  /** A new, empty installation's configuration with this one's master key: a SQLite file, or a fresh PostgreSQL database. */
  const emptyInstallation = (kind: 'sqlite' | 'postgres'): Promise<Config> =>
    emptyInstallationOf(install, kind, scratch, pgDatabases, { CASTELLAN_BACKUP_DIR: targetDir });

  beforeAll(async () => {
    ({ install, app } = await startTestApp(dialect));
    scratch = mkdtempSync(path.join(tmpdir(), 'castellan-backup-test-'));
    targetDir = path.join(scratch, 'target');
    await addCallers(install.kernel, { manager: [['sales_manager'], 'Desk'] });
    keptId = (await created('manager', '/api/v1/contacts', { name: PLANTED.kept, email: PLANTED.keptEmail, phone: '13911112222' })).id;
    const gone = await created('manager', '/api/v1/contacts', { name: PLANTED.gone, email: PLANTED.goneEmail, phone: '13933334444' });
    const db = kernel().db.kysely as unknown as Kysely<any>;
    goneSubject = String((await db.selectFrom('contacts').select('subject_id').where('id', '=', gone.id).executeTakeFirstOrThrow()).subject_id);
  });
  afterAll(async () => {
    await stopTestApp({ install, app });
    for (const pg of pgDatabases) await pg.drop().catch(() => undefined);
    rmSync(scratch, { recursive: true, force: true });
  });

  it('writes signed backups chained by sequence and hash; verify opens every chunk; no planted value on the target', async () => {
    const first = await createBackup(kernel(), operator, noRequest, [target()], { kind: 'manual', chunkBytes: 2048 });
    const second = await createBackup(kernel(), operator, noRequest, [target()], { kind: 'manual', chunkBytes: 2048 });
    expect([first.status, second.status]).toEqual(['good', 'good']);
    expect(second.sequence).toBe(first.sequence + 1);
    expect(first.chunks).toBeGreaterThan(10);
    const verified = await verifyBackup(target(), 'latest', keys(), { readData: true });
    expect(verified.manifest.backupId).toBe(second.id);
    expect(verified.manifest.previousManifestHash).toBe(first.manifestHash);
    expect(manifestHash(readFileSync(path.join(targetDir, 'backups', `${String(first.sequence).padStart(8, '0')}-${first.id}`, 'manifest.json')))).toBe(
      first.manifestHash,
    );
    expect(verified.manifest.tables.map((t) => t.name)).toEqual(expect.arrayContaining(['contacts', 'data_subjects', 'audit_events', 'users']));
    expect(verified.manifest.tables.find((t) => t.name === 'contacts')?.rows).toBe(2);
    const listed = await listBackups(target(), SigningKeyTrust.of([kernel().keyring.auditPublicKey]));
    expect(listed.map((b) => b.state)).toEqual(['good', 'good']);
    for (const file of filesUnder(targetDir)) {
      const bytes = readFileSync(file);
      for (const value of Object.values(PLANTED)) expect(bytes.includes(Buffer.from(value)), `${value} in ${file}`).toBe(false);
    }
    const backupCheck = (await complianceChecks(kernel(), { refresh: true })).checks.find((c) => c.id === 'backup_age');
    expect(backupCheck?.status).toBe('passing');
    // Read ahead across tables, the chunks still come table by table, and only in the manifest's order.
    const chunksOf = chunksInOrder(target(), verified);
    const [a, b, c] = verified.manifest.tables.filter((t) => t.rows > 0);
    if (!a || !b || !c) throw new Error('expected three tables with rows');
    const lines = async (name: string) => {
      let n = 0;
      for await (const text of chunksOf(name)) n += chunkLines(text).length;
      return n;
    };
    const order = verified.manifest.tables.map((t) => t.name);
    for (const name of order.slice(0, order.indexOf(c.name) + 1)) {
      const table = verified.manifest.tables.find((t) => t.name === name);
      expect(await lines(name), name).toBe(table?.rows);
    }
    await expect(lines(b.name)).rejects.toThrow(/out of the backup's order/);
    const tables = verified.manifest.tables;
    const big = tables.reduce((x, y) => (y.chunks.length > x.chunks.length ? y : x));
    const after = tables[tables.indexOf(big) + 1];
    if (big.chunks.length < 2 || !after) throw new Error('expected a table of several chunks that is not the last');
    const skipping = chunksInOrder(target(), verified);
    for (const t of tables.slice(0, tables.indexOf(big))) for await (const _ of skipping(t.name));
    for await (const _ of skipping(big.name)) break;
    await expect(
      (async () => {
        for await (const _ of skipping(after.name));
      })(),
    ).rejects.toThrow(new RegExp(`table ${big.name} was not read to its end`));
  });

  // PostgreSQL: only where the run has a PostgreSQL server (CI's PostgreSQL stage); reported as skipped elsewhere, never passed empty.
  it.each(testDialects.includes('postgres') ? (['sqlite', 'postgres'] as const) : (['sqlite'] as const))(
    'restores into an empty %s database; a person erased after the backup is erased again; the audit chain verifies',
    async (into) => {
      const officer = userActor({ id: 'backup-test-officer', teamId: null }, ['privacy_officer'], {
        id: 'test-session',
        kind: 'full',
        mfaAt: new Date().toISOString(),
      });
      const db = kernel().db.kysely as unknown as Kysely<any>;
      const erased = await db.selectFrom('data_subjects').select('wrapped_key').where('id', '=', goneSubject).executeTakeFirstOrThrow();
      if (erased.wrapped_key !== null) await eraseSubject(kernel(), officer, noRequest, goneSubject);
      await syncErasureLedger(kernel(), target());
      expect((await readErasureLedger(target(), SigningKeyTrust.of([kernel().keyring.auditPublicKey]))).erased.has(goneSubject)).toBe(true);

      const config = await emptyInstallation(into);
      const restored = await restoreInstallation(target(), 'latest', keys(), config);
      expect(restored.erasedAgain).toBe(1);
      expect(restored.audit.intact, JSON.stringify(restored.audit.problem)).toBe(true);
      expect(restored.into).toBe(into);

      const copy: Kernel = await openKernel(config);
      try {
        const cdb = copy.db.kysely as unknown as Kysely<any>;
        const subject = await cdb.selectFrom('data_subjects').select(['wrapped_key', 'erased_at']).where('id', '=', goneSubject).executeTakeFirstOrThrow();
        expect(subject.wrapped_key).toBeNull();
        expect(subject.erased_at).not.toBeNull();
        const kept = await new ProtectedStore(copy).get(asSystem('test: read the restored contact'), noRequest, 'contacts', keptId);
        expect(kept.name).toBe(PLANTED.kept);
        expect(kept.email).toBe(PLANTED.keptEmail);
        const search = (value: string) =>
          new ProtectedStore(copy).list(asSystem('test: search the restored contacts'), noRequest, 'contacts', {
            limit: 10,
            search: { field: 'email', value },
          });
        expect((await search(PLANTED.keptEmail)).items.length).toBe(1);
        expect((await search(PLANTED.goneEmail)).items.length).toBe(0);
      } finally {
        await copy.close();
      }
      if (into === 'sqlite') {
        const raw = readFileSync((config.database as { file: string }).file);
        for (const value of Object.values(PLANTED)) expect(raw.includes(Buffer.from(value)), value).toBe(false);
      }
    },
    180_000,
  );

  it('refuses to restore into a database that holds data, and changes nothing', async () => {
    const before = await (kernel().db.kysely as unknown as Kysely<any>)
      .selectFrom('audit_events')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirst();
    await expect(restoreInstallation(target(), 'latest', keys(), install.config)).rejects.toThrow(BackupRefused);
    await expect(restoreInstallation(target(), 'latest', keys(), install.config)).rejects.toThrow(/not empty/);
    const after = await (kernel().db.kysely as unknown as Kysely<any>)
      .selectFrom('audit_events')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirst();
    expect(Number(after?.n)).toBe(Number(before?.n));
  });

  it('a crash during create leaves no backup that lists as good; the next run goes on from the good one', async () => {
    const good = await verifyBackup(target(), 'latest', keys(), { readData: false });
    await expect(
      createBackup(kernel(), operator, noRequest, [target()], {
        kind: 'manual',
        chunkBytes: 2048,
        afterChunk: (n) => {
          if (n === 3) throw new Error('simulated crash');
        },
      }),
    ).rejects.toThrow('simulated crash');
    const listed = await listBackups(target(), SigningKeyTrust.of([kernel().keyring.auditPublicKey]));
    expect(listed.at(-1)?.state).toBe('incomplete');
    expect((await verifyBackup(target(), 'latest', keys(), { readData: false })).manifest.backupId).toBe(good.manifest.backupId);
    await expect(verifyBackup(target(), listed.at(-1)?.backupId ?? '', keys(), { readData: false })).rejects.toThrow(/never finished/);
    const next = await createBackup(kernel(), operator, noRequest, [target()], { kind: 'manual' });
    expect(next.status).toBe('good');
    expect((await verifyBackup(target(), 'latest', keys(), { readData: true })).manifest.previousManifestHash).toBe(
      manifestHash(readFileSync(path.join(targetDir, good.folder, 'manifest.json'))),
    );
  });

  it('a drill restores the newest backup into a scratch database, checks it, signs and records it; the dashboard sees it', async () => {
    const before = (await complianceChecks(kernel(), { refresh: true })).checks.find((c) => c.id === 'restore_drill');
    expect(before?.status).toBe('failing');
    await createBackup(kernel(), operator, noRequest, [target()], { kind: 'manual' });
    const drill = await runRestoreDrill(kernel(), operator, noRequest, target(), { kind: 'manual' });
    expect(drill.status, JSON.stringify(drill.checks)).toBe('passed');
    expect(drill.checks.map((c) => c.name).sort()).toEqual(['audit_chain', 'checksums', 'row_counts', 'sentinel', 'verified']);
    expect(drill.rtoMs).toBeGreaterThan(0);
    expect(drill.rpoSeconds).toBeGreaterThanOrEqual(0);
    const db = kernel().db.kysely as unknown as Kysely<any>;
    const row = await db.selectFrom('backup_drills').selectAll().where('id', '=', drill.drillId).executeTakeFirstOrThrow();
    expect(row.status).toBe('passed');
    const event = await db.selectFrom('audit_events').select(['action', 'outcome']).where('resource_id', '=', drill.drillId).executeTakeFirstOrThrow();
    expect(event).toEqual({ action: 'backup.drill', outcome: 'success' });
    const after = (await complianceChecks(kernel(), { refresh: true })).checks.find((c) => c.id === 'restore_drill');
    expect(after?.status).toBe('passing');
  });
});
