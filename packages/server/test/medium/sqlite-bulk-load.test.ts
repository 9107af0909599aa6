import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { BackupRefused } from '../../src/platform/backup/read-backup.js';
import { loadIntoSqlite } from '../../src/platform/backup/sqlite-bulk-load.js';
import type { LoadValue } from '../../src/platform/backup/table-load.js';
import { tableLoads } from '../helpers/table-loads.js';

/**
 * The SQLite restore's bulk load on a real file: indexes dropped for the load are all built again
 * (a duplicate under a unique index is refused by name), a broken foreign key is refused, seeded rows
 * give way, and the rows arrive with their types.
 */
const scratch = mkdtempSync(path.join(tmpdir(), 'castellan-bulk-load-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

let n = 0;
function schemaFile(): string {
  n += 1;
  const file = path.join(scratch, `db-${n}.sqlite`);
  const db = new SQLite(file);
  db.exec(`CREATE TABLE teams (id TEXT PRIMARY KEY, name TEXT NOT NULL);
    CREATE TABLE people (id TEXT PRIMARY KEY, team_id TEXT NOT NULL REFERENCES teams(id), email_bidx BLOB, age INTEGER);
    CREATE UNIQUE INDEX people_email ON people (email_bidx);
    CREATE INDEX people_team ON people (team_id);
    INSERT INTO teams VALUES ('seeded', 'from a migration');`);
  db.close();
  return file;
}

const indexNames = (file: string) => {
  const db = new SQLite(file, { readonly: true });
  try {
    return (db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL ORDER BY name").all() as { name: string }[]).map((r) => r.name);
  } finally {
    db.close();
  }
};

/** Loads team t1 and these people (id, team_id, email_bidx, age) into a fresh schema file, as lines of a backup of `version`. */
const loadPeople = (file: string, people: LoadValue[][], version: 1 | 2 = 2) =>
  loadIntoSqlite(
    file,
    ['people', 'teams'],
    tableLoads(
      [
        ['teams', ['id', 'name'], [['t1', 'News']]],
        ['people', ['id', 'team_id', 'email_bidx', 'age'], people],
      ],
      version,
    ),
  );

/** The file as a refused load must leave it: the seeded row, no people, every index. */
const untouched = (file: string) => {
  const db = new SQLite(file, { readonly: true });
  try {
    expect(db.prepare('SELECT id FROM teams').all()).toEqual([{ id: 'seeded' }]);
    expect(db.prepare('SELECT count(*) AS n FROM people').get()).toEqual({ n: 0 });
  } finally {
    db.close();
  }
  expect(indexNames(file)).toEqual(['people_email', 'people_team']);
};

describe('loadIntoSqlite', () => {
  it('loads every row, replaces seeded rows and builds every index again', async () => {
    const file = schemaFile();
    const rows = await loadPeople(file, [
      ['p1', 't1', Buffer.from([1, 2, 3]), 41],
      ['p2', 't1', null, null],
    ]);
    expect(rows).toBe(3);
    expect(indexNames(file)).toEqual(['people_email', 'people_team']);
    const db = new SQLite(file, { readonly: true });
    try {
      expect(db.prepare('SELECT id FROM teams').all()).toEqual([{ id: 't1' }]);
      const p1 = db.prepare("SELECT email_bidx, age, typeof(age) AS kind FROM people WHERE id = 'p1'").get() as {
        email_bidx: Buffer;
        age: number;
        kind: string;
      };
      expect([...p1.email_bidx]).toEqual([1, 2, 3]);
      expect([p1.age, p1.kind]).toEqual([41, 'integer']);
    } finally {
      db.close();
    }
  });

  it('loads the JSON lines of a version 1 backup the same way', async () => {
    const file = schemaFile();
    expect(await loadPeople(file, [['p1', 't1', Buffer.from([7, 8]), 5]], 1)).toBe(2);
    const db = new SQLite(file, { readonly: true });
    try {
      expect(db.prepare('SELECT id, team_id, hex(email_bidx) AS bidx, age FROM people').all()).toEqual([{ id: 'p1', team_id: 't1', bidx: '0708', age: 5 }]);
    } finally {
      db.close();
    }
  });

  it('refuses a line that does not decode, naming its table, and commits nothing', async () => {
    const file = schemaFile();
    const load = loadIntoSqlite(
      file,
      ['people', 'teams'],
      (async function* () {
        for await (const table of tableLoads([['teams', ['id', 'name'], [['t1', 'News']]]])) yield table;
        yield {
          name: 'people',
          columns: ['id', 'team_id', 'email_bidx', 'age'],
          rows: (async function* () {})(),
          text: (async function* () {
            yield Buffer.from('p1\tt1\t\\\\x0g\t1\n');
          })(),
          format: { version: 2 as const, kinds: ['text' as const, 'text' as const, 'bytes' as const, 'integer' as const] },
        };
      })(),
    );
    await expect(load).rejects.toBeInstanceOf(BackupRefused);
    await expect(load).rejects.toThrow(/table people: a row holds bytes that are not in hex form/);
    untouched(file);
  });

  it('commits nothing when the rows stop with a fault on the reading side (a checksum that does not match)', async () => {
    const file = schemaFile();
    const load = loadIntoSqlite(
      file,
      ['people', 'teams'],
      (async function* () {
        for await (const table of tableLoads([['teams', ['id', 'name'], [['t1', 'News']]]]))
          yield {
            ...table,
            text: (async function* () {
              yield* table.text;
              throw new BackupRefused("table teams: the rows do not match the manifest's checksum");
            })(),
          };
      })(),
    );
    await expect(load).rejects.toThrow(/does not match|do not match/);
    untouched(file);
  });

  it('refuses rows that break a unique index, naming it', async () => {
    const file = schemaFile();
    const load = loadPeople(file, [
      ['p1', 't1', Buffer.from([9]), 1],
      ['p2', 't1', Buffer.from([9]), 2],
    ]);
    await expect(load).rejects.toBeInstanceOf(BackupRefused);
    await expect(load).rejects.toThrow(/index people_email/);
    untouched(file);
  });

  it('refuses rows that break a foreign key', async () => {
    const file = schemaFile();
    const load = loadPeople(file, [['p1', 'no-such-team', null, 1]]);
    await expect(load).rejects.toThrow(/break 1 foreign keys \(first in table people\)/);
  });
});
