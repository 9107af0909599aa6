/**
 * The database privilege model, attacked from the application's own connection. On PostgreSQL the
 * test databases are owned by an owner role (CASTELLAN_DATABASE_OWNER_URL) and used by an ordinary
 * application role (CASTELLAN_DATABASE_URL) that owns nothing: it must not be able to change the
 * audit trail, give itself the privilege to, or switch the guards off; retention removes expired
 * events as the owner. On SQLite the triggers are the guard.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type Kysely, sql } from 'kysely';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ConfigKey } from '../../src/config/config.schema.js';
import { type ConfigError, loadConfig } from '../../src/config/load-config.js';
import { noRequest } from '../../src/platform/audit/audit-event.js';
import { writeCheckpoint } from '../../src/platform/audit/checkpoints.js';
import { archiveExpiredEvents } from '../../src/platform/audit/retention.js';
import { verifyAuditChain } from '../../src/platform/audit/verify-audit-chain.js';
import { ProtectedStore } from '../../src/platform/data/protected-store.js';
import { openDatabase } from '../../src/platform/db/database.js';
import { migrateToLatest } from '../../src/platform/db/migrate.js';
import type { Database } from '../../src/platform/db/schema.js';
import { initialiseInstallation } from '../../src/platform/install/initialise-installation.js';
import { type Kernel, openKernel } from '../../src/platform/kernel.js';
import { createScratchPostgres, testDialects, withPgClient } from '../helpers/databases.js';
import { ADMIN_PASSWORD, addUser, createTestInstall, type TestInstall } from '../helpers/test-install.js';

const DAY = 86_400_000;
type Privilege = 'SELECT' | 'INSERT' | 'UPDATE' | 'DELETE' | 'TRUNCATE' | 'REFERENCES' | 'TRIGGER';
const ALL: Privilege[] = ['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE', 'REFERENCES', 'TRIGGER'];

async function privilegesOf(db: Kysely<any>, role: string, table: string): Promise<Privilege[]> {
  const held: Privilege[] = [];
  for (const p of ALL) {
    const { rows } = await sql<{ has: boolean }>`SELECT has_table_privilege(${role}::name, ${table}::text, ${p}::text) AS has`.execute(db);
    if (rows[0]?.has) held.push(p);
  }
  return held;
}

async function eventCount(kernel: Kernel): Promise<number> {
  const row = await kernel.db.kysely
    .selectFrom('audit_events')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Each statement, run alone on the application's connection, must fail with `refusal`. */
async function expectRefused(db: Kysely<Database>, statements: ReturnType<typeof sql>[], refusal: RegExp): Promise<void> {
  for (const statement of statements) {
    await expect(statement.execute(db), statement.compile(db).sql).rejects.toThrow(refusal);
  }
}

describe.each(testDialects)('the database privilege model on %s', (dialect) => {
  let install: TestInstall | undefined;
  afterEach(async () => {
    vi.useRealTimers();
    await install?.cleanup();
    install = undefined;
  });

  it('works for the application role, which cannot change, truncate, re-grant or unguard the audit trail', async () => {
    install = await createTestInstall(dialect);
    const kernel = install.kernel;
    // Normal operation on the application role: writes, reads, updates, deletes, audit, checkpoints.
    const manager = await addUser(kernel, ['sales_manager'], 'Privileges');
    const store = new ProtectedStore(kernel);
    const contact = await store.create(manager.actor, noRequest, 'contacts', { name: 'Grant Tester', email: 'grant.tester@example.com' });
    await store.update(manager.actor, noRequest, 'contacts', String(contact.id), { phone: '13800138000' });
    expect(await store.get(manager.actor, noRequest, 'contacts', String(contact.id))).toMatchObject({ email: 'grant.tester@example.com' });
    await store.remove(manager.actor, noRequest, 'contacts', String(contact.id));
    expect(await writeCheckpoint(kernel)).toBeDefined();
    const before = await eventCount(kernel);
    const db = kernel.db.kysely;

    const changes = [
      sql`UPDATE audit_events SET outcome = 'forged'`,
      sql`DELETE FROM audit_events`,
      sql`UPDATE audit_subjects SET subject_id = 'someone-else'`,
      sql`DELETE FROM audit_subjects`,
      sql`UPDATE audit_checkpoints SET signature = 'AAAA'`,
      sql`DELETE FROM audit_checkpoints`,
    ];
    if (dialect === 'sqlite') {
      await expectRefused(db, changes.slice(0, 2), /append-only/);
    } else {
      const app = install.postgres?.appRole ?? '';
      const owner = install.postgres?.ownerRole ?? '';
      await expectRefused(db, changes, /permission denied/);
      await expectRefused(
        db,
        [sql`TRUNCATE audit_events`, sql`TRUNCATE contacts`, sql`SELECT setval('audit_events_seq_seq', 1)`, sql`CREATE TABLE audit_events_shadow (seq bigint)`],
        /permission denied/,
      );
      await expectRefused(
        db,
        [
          sql`DROP TRIGGER audit_events_append_only ON audit_events`,
          sql`DROP TRIGGER audit_events_no_truncate ON audit_events`,
          sql`ALTER TABLE audit_events DISABLE TRIGGER USER`,
          sql`ALTER TABLE audit_events OWNER TO CURRENT_USER`,
          sql`DROP TABLE audit_events`,
        ],
        /must be owner/,
      );
      // Replacing the trigger's function: refused for the schema (PostgreSQL 15+) or else for the function's owner.
      await expectRefused(
        db,
        [sql`CREATE OR REPLACE FUNCTION audit_events_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN OLD; END $$`],
        /permission denied|must be owner/,
      );
      // Granting itself the privileges back does nothing: PostgreSQL only warns that nothing was granted
      // (a role holding no grant option), so the proof is that the privilege is still missing after it.
      for (const grant of [
        sql`GRANT DELETE ON audit_events TO CURRENT_USER`,
        sql`GRANT UPDATE, DELETE, TRUNCATE ON audit_events, audit_subjects, audit_checkpoints TO PUBLIC`,
        sql`GRANT ALL ON ALL TABLES IN SCHEMA public TO CURRENT_USER`,
      ]) {
        await grant.execute(db).catch((error: Error) => expect(error.message).toMatch(/permission denied/));
        expect(await privilegesOf(db, app, 'audit_events')).toEqual(['SELECT', 'INSERT']);
        await expect(sql`DELETE FROM audit_events`.execute(db)).rejects.toThrow(/permission denied/);
      }
      // The retention guard is a setting anyone may set: without the privilege it opens nothing.
      await expect(
        db.transaction().execute(async (trx) => {
          await sql`SELECT set_config('castellan.audit_retention_upto', '999999999', true)`.execute(trx);
          await trx.deleteFrom('audit_events').execute();
        }),
      ).rejects.toThrow(/permission denied/);

      // What the application role holds: read and append on the audit trail, no more; no TRUNCATE anywhere.
      for (const table of ['audit_events', 'audit_subjects', 'audit_checkpoints'])
        expect(await privilegesOf(db, app, table), table).toEqual(['SELECT', 'INSERT']);
      for (const table of ['contacts', 'users', 'sessions', 'settings', 'data_keys'])
        expect(await privilegesOf(db, app, table), table).toEqual(['SELECT', 'INSERT', 'UPDATE', 'DELETE']);
      expect(await privilegesOf(db, app, 'kysely_migration')).toEqual(['SELECT']);
      expect(await privilegesOf(db, app, 'kysely_migration_lock')).toEqual([]);
      const { rows: owners } = await sql<{ owner: string }>`SELECT DISTINCT tableowner AS owner FROM pg_tables WHERE schemaname = current_schema()`.execute(db);
      expect(owners.map((o) => o.owner)).toEqual([owner]);
    }
    expect(await eventCount(kernel)).toBe(before);
    expect((await verifyAuditChain(kernel)).intact).toBe(true);
  });

  it('retention archives and removes expired events as the owner, and leaves no role holding DELETE on the log', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const start = Date.now();
    install = await createTestInstall(dialect);
    const kernel = install.kernel;
    const manager = await addUser(kernel, ['sales_manager'], 'Retention Rights');
    const store = new ProtectedStore(kernel);
    for (let i = 0; i < 3; i++) await store.create(manager.actor, noRequest, 'contacts', { name: `Old Rights ${i}` });
    vi.setSystemTime(new Date(start + 200 * DAY));
    await store.create(manager.actor, noRequest, 'contacts', { name: 'New Rights' });
    const result = await archiveExpiredEvents(kernel, new Date(start + 400 * DAY));
    expect(result?.count).toBeGreaterThan(0);
    const oldest = await kernel.db.kysely.selectFrom('audit_events').select('seq').orderBy('seq').limit(1).executeTakeFirstOrThrow();
    expect(Number(oldest.seq)).toBeGreaterThan(result?.toSeq ?? 0);
    const archived = await kernel.db.kysely.selectFrom('audit_events').select('action').where('action', '=', 'audit.archived').execute();
    expect(archived).toHaveLength(1);
    expect((await verifyAuditChain(kernel)).intact).toBe(true);

    if (dialect === 'sqlite') {
      const triggers = await sql<{ name: string }>`SELECT name FROM sqlite_master WHERE type = 'trigger' ORDER BY name`.execute(kernel.db.kysely);
      expect(triggers.rows.map((t) => t.name)).toEqual(expect.arrayContaining(['audit_events_no_delete', 'audit_events_no_update']));
    } else {
      const app = install.postgres?.appRole ?? '';
      const owner = install.postgres?.ownerRole ?? '';
      expect(await privilegesOf(kernel.db.kysely, app, 'audit_events')).toEqual(['SELECT', 'INSERT']);
      // The owner took DELETE back for its own transaction only.
      expect(await privilegesOf(kernel.db.kysely, owner, 'audit_events')).not.toContain('DELETE');
      await expect(kernel.db.kysely.deleteFrom('audit_events').execute()).rejects.toThrow(/permission denied/);
    }
  });

  it.runIf(dialect === 'postgres')(
    'a server given only the application role serves, cannot remove audit events, and refuses a schema that needs migrating',
    async () => {
      vi.useFakeTimers({ toFake: ['Date'] });
      const start = Date.now();
      install = await createTestInstall(dialect);
      const manager = await addUser(install.kernel, ['sales_manager'], 'App Only');
      await install.kernel.close();
      const { CASTELLAN_DATABASE_OWNER_URL: ownerUrl, ...appOnly } = install.env;
      const config = loadConfig({}, appOnly as Partial<Record<ConfigKey, string>>);
      install.kernel = await openKernel(config);
      const store = new ProtectedStore(install.kernel);
      await store.create(manager.actor, noRequest, 'contacts', { name: 'Served Without Owner' });

      vi.setSystemTime(new Date(start + 400 * DAY));
      const before = await eventCount(install.kernel);
      const failure = await archiveExpiredEvents(install.kernel).catch((e: Error) => e);
      expect(failure).toBeInstanceOf(Error);
      expect((failure as Error).message).toMatch(/CASTELLAN_DATABASE_OWNER_URL/);
      // Refused before anything was written: no archive, nothing removed.
      const dir = install.config.auditRetention.archiveDir;
      expect(existsSync(dir) ? readdirSync(dir) : []).toEqual([]);
      expect(await eventCount(install.kernel)).toBe(before);
      await install.kernel.close();

      // A migration the owner has not applied yet: the application role cannot apply it, and says so.
      const owner = loadConfig({}, install.env as Partial<Record<ConfigKey, string>>);
      const newest = await withPgClient(ownerUrl ?? '', async (c) => String((await c.query('SELECT max(name) AS name FROM kysely_migration')).rows[0].name));
      await withPgClient(ownerUrl ?? '', (c) => c.query('DELETE FROM kysely_migration WHERE name = $1', [newest]));
      const refused = await openKernel(config).catch((e: Error) => e);
      expect(String(refused)).toMatch(new RegExp(`needs migrations \\(${newest}\\).*castellan migrate.*CASTELLAN_DATABASE_OWNER_URL`));
      await withPgClient(ownerUrl ?? '', (c) => c.query(`INSERT INTO kysely_migration (name, timestamp) VALUES ($1, now()::text)`, [newest]));
      install.kernel = await openKernel(owner);
    },
  );

  it.runIf(dialect === 'postgres')('lets several processes migrate and grant at once (a server and CLI verbs starting together)', async () => {
    install = await createTestInstall(dialect);
    const dbs = Array.from({ length: 4 }, () => openDatabase(install?.config.database ?? { kind: 'sqlite', file: '' }));
    try {
      await Promise.all(dbs.map((db) => migrateToLatest(db)));
    } finally {
      for (const db of dbs) await db.close();
    }
    expect(await privilegesOf(install.kernel.db.kysely, install.postgres?.appRole ?? '', 'audit_events')).toEqual(['SELECT', 'INSERT']);
  });

  it.runIf(dialect === 'postgres')('refuses an application role that is a superuser or a member of the owner role, without echoing a URL', async () => {
    install = await createTestInstall(dialect);
    await install.kernel.close();
    const scratch = install.postgres;
    if (!scratch) throw new Error('no scratch database');
    const secrets = [new URL(scratch.ownerUrl).password, new URL(scratch.url).password];
    const open = async (settings: Record<string, string>) => {
      const error = await openKernel(loadConfig({}, { ...install?.env, ...settings } as Partial<Record<ConfigKey, string>>)).then(
        async (k) => {
          await k.close();
          return undefined;
        },
        (e: Error) => e,
      );
      for (const secret of secrets) expect(String(error)).not.toContain(secret);
      return error;
    };
    expect(String(await open({ CASTELLAN_DATABASE_URL: scratch.superuserUrl }))).toMatch(/is a superuser/);
    await withPgClient(scratch.superuserUrl, (c) => c.query(`GRANT ${scratch.ownerRole} TO ${scratch.appRole}`));
    expect(String(await open({}))).toMatch(/member of the owner role/);
    await withPgClient(scratch.superuserUrl, (c) => c.query(`REVOKE ${scratch.ownerRole} FROM ${scratch.appRole}`));
    expect(await open({})).toBeUndefined();
    install.kernel = await openKernel(install.config);
  });

  it.runIf(dialect === 'postgres')('upgrades a one-role installation once its tables are reassigned to the owner role', async () => {
    const scratch = await createScratchPostgres();
    const root = mkdtempSync(path.join(tmpdir(), 'castellan-upgrade-'));
    try {
      // Before: the application role created and owns everything (it may create in the schema).
      await withPgClient(scratch.superuserUrl, (c) => c.query(`GRANT CREATE ON SCHEMA public TO ${scratch.appRole}`));
      const env = { CASTELLAN_DATA_DIR: path.join(root, 'data'), CASTELLAN_LOG_LEVEL: 'silent', CASTELLAN_DATABASE_URL: scratch.url };
      mkdirSync(root, { recursive: true });
      await initialiseInstallation(loadConfig({}, env), { adminEmail: 'admin@example.com', adminPassword: ADMIN_PASSWORD });
      // One role for both: it can undo the REVOKE of migration 008 (the triggers still refuse).
      await withPgClient(scratch.url, async (c) => {
        await c.query('GRANT DELETE ON audit_events TO CURRENT_USER');
        await expect(c.query('DELETE FROM audit_events')).rejects.toThrow(/append-only/);
        await c.query('REVOKE DELETE ON audit_events FROM CURRENT_USER');
      });

      const withOwner = loadConfig({}, { ...env, CASTELLAN_DATABASE_OWNER_URL: scratch.ownerUrl });
      const refused = await openKernel(withOwner).catch((e: Error) => e);
      expect(String(refused)).toMatch(new RegExp(`owned by "${scratch.appRole}".*REASSIGN OWNED BY "${scratch.appRole}" TO "${scratch.ownerRole}"`));

      await withPgClient(scratch.superuserUrl, async (c) => {
        await c.query(`REASSIGN OWNED BY ${scratch.appRole} TO ${scratch.ownerRole}`);
        await c.query(`REVOKE CREATE ON SCHEMA public FROM ${scratch.appRole}`);
      });
      const kernel = await openKernel(withOwner);
      try {
        expect(await privilegesOf(kernel.db.kysely, scratch.appRole, 'audit_events')).toEqual(['SELECT', 'INSERT']);
        await sql`GRANT DELETE ON audit_events TO CURRENT_USER`.execute(kernel.db.kysely).catch(() => undefined);
        await expect(kernel.db.kysely.deleteFrom('audit_events').execute()).rejects.toThrow(/permission denied/);
        expect((await verifyAuditChain(kernel)).intact).toBe(true);
      } finally {
        await kernel.close();
      }
    } finally {
      await scratch.drop();
      rmSync(root, { recursive: true, force: true });
    }
  });
});

describe('database settings', () => {
  it('validate the owner URL, and never echo a database URL (it can carry a password)', () => {
    const bad = (env: Record<string, string>) => {
      try {
        loadConfig(env);
      } catch (error) {
        return error as ConfigError;
      }
      throw new Error(`accepted ${JSON.stringify(Object.keys(env))}`);
    };
    const owner = bad({ CASTELLAN_DATABASE_URL: 'postgres://app@db/castellan', CASTELLAN_DATABASE_OWNER_URL: 'mysql://owner:owner-pw-123@db/castellan' });
    expect(owner.message).toMatch(/^CASTELLAN_DATABASE_OWNER_URL/);
    expect(owner.message).not.toContain('owner-pw-123');
    const app = bad({ CASTELLAN_DATABASE_URL: 'mysql://app:app-pw-456@db/castellan' });
    expect(app.message).toMatch(/^CASTELLAN_DATABASE_URL/);
    expect(app.message).not.toContain('app-pw-456');
    expect(bad({ CASTELLAN_DATABASE_OWNER_URL: 'postgres://owner@db/castellan' }).message).toMatch(
      /^CASTELLAN_DATABASE_OWNER_URL: only applies with a PostgreSQL CASTELLAN_DATABASE_URL/,
    );
    expect(loadConfig({ CASTELLAN_DATABASE_URL: 'postgres://app@db/c', CASTELLAN_DATABASE_OWNER_URL: 'postgresql://owner@db/c' }).database).toEqual({
      kind: 'postgres',
      url: 'postgres://app@db/c',
      ownerUrl: 'postgresql://owner@db/c',
    });
  });
});
