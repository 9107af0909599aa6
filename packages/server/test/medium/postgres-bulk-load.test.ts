import pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeCopyRow, encodeCopyRow } from '../../src/platform/backup/copy-text-codec.js';
import { loadIntoPostgres } from '../../src/platform/backup/postgres-bulk-load.js';
import { loadIntoPostgresStaged, RESTORE_LOCK } from '../../src/platform/backup/postgres-staged-load.js';
import { BackupRefused } from '../../src/platform/backup/read-backup.js';
import type { LoadValue } from '../../src/platform/backup/table-load.js';
import { createScratchPostgres, type ScratchPostgres, testDialects, withPgClient } from '../helpers/databases.js';
import { tableLoads } from '../helpers/table-loads.js';

/**
 * The PostgreSQL restore's bulk load (COPY … FROM STDIN) on a real server: awkward text (tabs, line
 * ends, backslashes, \N, CJK) and bytes arrive exactly; the keys and indexes dropped for the load are
 * all back; a duplicate key or a broken reference is refused and rolls the whole load back; serial
 * sequences continue after the highest id. Defined only where PostgreSQL runs (CI sets CASTELLAN_TEST_PG_URL).
 */
const scratches: ScratchPostgres[] = [];
afterAll(async () => {
  for (const s of scratches) await s.drop();
});

async function schema(): Promise<ScratchPostgres> {
  const db = await createScratchPostgres();
  scratches.push(db);
  await withPgClient(db.ownerUrl, async (c) => {
    await c.query(`CREATE TABLE teams (id TEXT PRIMARY KEY, name TEXT NOT NULL);
      CREATE TABLE people (id TEXT PRIMARY KEY, team_id TEXT NOT NULL REFERENCES teams(id), email_bidx BYTEA, age INTEGER, note TEXT);
      CREATE UNIQUE INDEX people_email ON people (email_bidx);
      CREATE INDEX people_team ON people (team_id);
      CREATE TABLE events (seq SERIAL PRIMARY KEY, what TEXT);
      INSERT INTO teams VALUES ('seeded', 'from a migration');`);
  });
  return db;
}

const awkward = 'tab\there\nline\r\nback\\slash \\N 北京 "quoted" \u0001';
const teams: [string, string[], LoadValue[][]] = ['teams', ['id', 'name'], [['t1', 'News']]];

describe.runIf(testDialects.includes('postgres'))('loadIntoPostgres', () => {
  it('loads awkward text and bytes exactly, puts every key and index back, and moves sequences on', async () => {
    const db = await schema();
    const bytes = Buffer.from([0, 9, 10, 13, 92, 255]);
    const rows = await loadIntoPostgres(
      db.ownerUrl,
      ['events', 'people', 'teams'],
      tableLoads([
        teams,
        [
          'people',
          ['id', 'team_id', 'email_bidx', 'age', 'note'],
          [
            ['p1', 't1', bytes, 41, awkward],
            ['p2', 't1', null, null, ''],
          ],
        ],
        ['events', ['seq', 'what'], [[7, 'x']]],
      ]),
    );
    expect(rows).toBe(4);
    await withPgClient(db.ownerUrl, async (c) => {
      expect((await c.query('SELECT id FROM teams')).rows).toEqual([{ id: 't1' }]);
      const p = (await c.query('SELECT email_bidx, age, note FROM people ORDER BY id')).rows;
      expect([...(p[0].email_bidx as Buffer)]).toEqual([...bytes]);
      expect(p[0].age).toBe(41);
      expect(p[0].note).toBe(awkward);
      expect([p[1].email_bidx, p[1].age, p[1].note]).toEqual([null, null, '']);
      const indexes = (await c.query("SELECT indexname FROM pg_indexes WHERE schemaname = 'public' ORDER BY indexname")).rows.map((r) => r.indexname);
      expect(indexes).toEqual(['events_pkey', 'people_email', 'people_pkey', 'people_team', 'teams_pkey']);
      const fks = (await c.query("SELECT conname FROM pg_constraint WHERE contype = 'f'")).rows.map((r) => r.conname);
      expect(fks).toEqual(['people_team_id_fkey']);
      expect((await c.query("INSERT INTO events (what) VALUES ('next') RETURNING seq")).rows[0].seq).toBe(8);
    });
  });

  it("writes rows as PostgreSQL's own COPY TO does, byte for byte, so its lines load and checksum as they are", async () => {
    const db = await schema();
    const controls = '\b\t\n\v\f\r\\ \u0007';
    const row: LoadValue[] = ['p1', 't1', Buffer.from([0, 9, 10, 13, 92, 255]), -2147483648, `${awkward}${controls}\\x41 \\N`];
    const text = `${encodeCopyRow(teams[2][0] as LoadValue[])}\n`;
    const people = `${encodeCopyRow(row)}\n${encodeCopyRow(['p2', 't1', null, null, ''])}\n`;
    const rows = await loadIntoPostgres(
      db.ownerUrl,
      ['people', 'teams'],
      [
        {
          name: 'teams',
          columns: ['id', 'name'],
          rows: (async function* () {})(),
          copyText: (async function* () {
            yield Buffer.from(text);
          })(),
        },
        {
          name: 'people',
          columns: ['id', 'team_id', 'email_bidx', 'age', 'note'],
          rows: (async function* () {})(),
          copyText: (async function* () {
            yield Buffer.from(people);
          })(),
        },
      ],
    );
    expect(rows).toBe(3);
    const dumped = await withPgClient(db.ownerUrl, async (c) => {
      const stream = c.query(copyTo('COPY (SELECT id, team_id, email_bidx, age, note FROM people ORDER BY id) TO STDOUT'));
      const parts: Buffer[] = [];
      for await (const part of stream) parts.push(part as Buffer);
      return Buffer.concat(parts).toString('utf8');
    });
    expect(dumped).toBe(people);
    expect(decodeCopyRow(dumped.split('\n')[0] as string, ['text', 'text', 'bytes', 'integer', 'text'])).toEqual(row);
  });

  it('refuses a duplicate under a unique index or a broken reference, and leaves nothing loaded', async () => {
    const duplicate = await schema();
    await expect(
      loadIntoPostgres(
        duplicate.ownerUrl,
        ['people', 'teams'],
        tableLoads([
          teams,
          [
            'people',
            ['id', 'team_id', 'email_bidx', 'age', 'note'],
            [
              ['p1', 't1', Buffer.from([9]), 1, null],
              ['p2', 't1', Buffer.from([9]), 2, null],
            ],
          ],
        ]),
      ),
    ).rejects.toThrow(/break index people_email/);
    const orphan = await schema();
    const load = loadIntoPostgres(
      orphan.ownerUrl,
      ['people', 'teams'],
      tableLoads([teams, ['people', ['id', 'team_id', 'email_bidx', 'age', 'note'], [['p1', 'nobody', null, 1, null]]]]),
    );
    await expect(load).rejects.toBeInstanceOf(BackupRefused);
    await expect(load).rejects.toThrow(/break constraint people_team_id_fkey/);
    for (const db of [duplicate, orphan])
      await withPgClient(db.ownerUrl, async (c) => {
        expect((await c.query('SELECT id FROM teams')).rows).toEqual([{ id: 'seeded' }]);
        expect((await c.query('SELECT count(*)::int AS n FROM people')).rows[0].n).toBe(0);
        expect((await c.query("SELECT count(*)::int AS n FROM pg_indexes WHERE schemaname = 'public'")).rows[0].n).toBe(5);
      });
  });

  it('names a value PostgreSQL cannot take by its error code only, never the value', async () => {
    const db = await schema();
    const load = loadIntoPostgres(
      db.ownerUrl,
      ['people', 'teams'],
      tableLoads([teams, ['people', ['id', 'team_id', 'email_bidx', 'age', 'note'], [['p1', 't1', null, 'secret-4711', null]]]]),
    );
    await expect(load).rejects.toThrow(/table people does not load \(PostgreSQL error 22P02\)/);
    await expect(load).rejects.not.toThrow(/secret-4711/);
  });
});

/** The staged load (restore's default where the role may make a schema): the same rows, nothing left in a staging schema, an interrupted one's dropped. */
describe.runIf(testDialects.includes('postgres'))('loadIntoPostgresStaged', () => {
  const ddl = `CREATE TABLE teams (id TEXT PRIMARY KEY, name TEXT NOT NULL);
    CREATE TABLE people (id TEXT PRIMARY KEY, team_id TEXT NOT NULL REFERENCES teams(id), email_bidx BYTEA, age INTEGER, note TEXT);
    CREATE UNIQUE INDEX people_email ON people (email_bidx);
    CREATE INDEX people_team ON people (team_id);
    CREATE TABLE events (seq SERIAL PRIMARY KEY, what TEXT);
    CREATE FUNCTION events_guard() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'events are append-only'; END $$;
    CREATE TRIGGER events_no_update BEFORE UPDATE ON events FOR EACH ROW EXECUTE FUNCTION events_guard();
    INSERT INTO teams VALUES ('seeded', 'from a migration');`;
  const options = (rows: Record<string, number>) => ({
    rows: new Map(Object.entries(rows)),
    prepare: async (c: { query: (q: string) => Promise<unknown> }) => void (await c.query(ddl)),
  });
  const empty = async () => {
    const db = await createScratchPostgres();
    scratches.push(db);
    return db;
  };
  const state = (url: string) =>
    withPgClient(url, async (c) => ({
      tables: (await c.query("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1")).rows.map((r) => r.table_name),
      staging: (await c.query("SELECT count(*)::int AS n FROM pg_namespace WHERE starts_with(nspname, 'castellan_restore_')")).rows[0].n,
    }));

  it("builds the schema aside, loads, adds every key and index back, then moves it all into place; an interrupted restore's schema goes", async () => {
    const db = await empty();
    await withPgClient(db.ownerUrl, (c) => c.query('CREATE SCHEMA castellan_restore_deadbeef; CREATE TABLE castellan_restore_deadbeef.t (x int)'));
    const people = Array.from({ length: 1500 }, (_, i) => [`p${i}`, 't1', Buffer.from([i % 256, i >> 8]), i, awkward] as LoadValue[]);
    const rows = await loadIntoPostgresStaged(
      db.ownerUrl,
      ['events', 'people', 'teams'],
      tableLoads([teams, ['people', ['id', 'team_id', 'email_bidx', 'age', 'note'], people], ['events', ['seq', 'what'], [[7, 'x']]]]),
      options({ teams: 1, people: 1500, events: 1 }),
    );
    expect(rows).toBe(1502);
    expect(await state(db.ownerUrl)).toEqual({ tables: ['events', 'people', 'teams'], staging: 0 });
    await withPgClient(db.ownerUrl, async (c) => {
      expect((await c.query('SELECT id FROM teams')).rows).toEqual([{ id: 't1' }]);
      expect((await c.query('SELECT count(*)::int AS n FROM people')).rows[0].n).toBe(1500);
      const indexes = (await c.query("SELECT indexname FROM pg_indexes WHERE schemaname = 'public' ORDER BY indexname")).rows.map((r) => r.indexname);
      expect(indexes).toEqual(['events_pkey', 'people_email', 'people_pkey', 'people_team', 'teams_pkey']);
      expect((await c.query("SELECT conname FROM pg_constraint WHERE contype = 'f'")).rows.map((r) => r.conname)).toEqual(['people_team_id_fkey']);
      expect((await c.query("INSERT INTO events (what) VALUES ('next') RETURNING seq")).rows[0].seq).toBe(8);
      // The trigger and its function came along.
      await expect(c.query("UPDATE events SET what = 'changed'")).rejects.toThrow(/append-only/);
      expect((await c.query("SELECT count(*)::int AS n FROM pg_proc WHERE proname = 'events_guard' AND pronamespace = 'public'::regnamespace")).rows[0].n).toBe(
        1,
      );
    });
  });

  it('refuses a duplicate key or a broken reference and leaves no table and no staging schema', async () => {
    const duplicate = await empty();
    const twins = Array.from(
      { length: 1200 },
      (_, i) => [`p${i}`, 't1', Buffer.from([i === 1199 ? 0 : i % 256, i === 1199 ? 0 : i >> 8]), i, null] as LoadValue[],
    );
    await expect(
      loadIntoPostgresStaged(
        duplicate.ownerUrl,
        ['people', 'teams'],
        tableLoads([teams, ['people', ['id', 'team_id', 'email_bidx', 'age', 'note'], twins]]),
        options({ teams: 1, people: 1200 }),
      ),
    ).rejects.toThrow(/break index people_email/);
    const orphan = await empty();
    await expect(
      loadIntoPostgresStaged(
        orphan.ownerUrl,
        ['people', 'teams'],
        tableLoads([teams, ['people', ['id', 'team_id', 'email_bidx', 'age', 'note'], [['p1', 'nobody', null, 1, null]]]]),
        options({ teams: 1, people: 1 }),
      ),
    ).rejects.toThrow(/break constraint people_team_id_fkey/);
    for (const db of [duplicate, orphan]) expect(await state(db.ownerUrl)).toEqual({ tables: [], staging: 0 });
  });

  it("refuses to run beside another restore into the same database, touching neither the other's staging schema nor anything else", async () => {
    const db = await empty();
    const other = new pg.Client({ connectionString: db.ownerUrl });
    await other.connect();
    try {
      // The other restore: its lock, and its staging schema mid-load.
      await other.query('SELECT pg_advisory_lock($1)', [RESTORE_LOCK]);
      await other.query('CREATE SCHEMA castellan_restore_0123456789ab');
      const load = loadIntoPostgresStaged(db.ownerUrl, ['people', 'teams'], tableLoads([teams]), options({ teams: 1 }));
      await expect(load).rejects.toBeInstanceOf(BackupRefused);
      await expect(load).rejects.toThrow(/another restore into this database is running/);
      expect(await state(db.ownerUrl)).toEqual({ tables: [], staging: 1 });
      await other.query('SELECT pg_advisory_unlock($1)', [RESTORE_LOCK]);
    } finally {
      await other.end();
    }
    // Once it has ended, the next restore drops what it left and loads.
    expect(await loadIntoPostgresStaged(db.ownerUrl, ['people', 'teams'], tableLoads([teams]), options({ teams: 1 }))).toBe(1);
    expect(await state(db.ownerUrl)).toEqual({ tables: ['events', 'people', 'teams'], staging: 0 });
  });
});
