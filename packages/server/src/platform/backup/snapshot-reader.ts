import SQLite from 'better-sqlite3';
import pg from 'pg';
import type { DatabaseTarget } from '../db/database.js';
import type { RowValue } from './row-codec.js';

/**
 * Reads every table of the database in one consistent snapshot, streaming: SQLite in one read
 * transaction on its own read-only connection (WAL keeps the snapshot while the server writes);
 * PostgreSQL in one REPEATABLE READ, READ ONLY transaction with a cursor per table. Kysely's own
 * bookkeeping tables are left out: the manifest records the migrations applied instead.
 */
export interface SnapshotTable {
  name: string;
  columns: string[];
  /** The rows in pages (2 000 on SQLite, 5 000 on PostgreSQL: one await per page, not per row). */
  rows: AsyncIterable<RowValue[][]>;
}

export interface Snapshot {
  tables(): AsyncIterable<SnapshotTable>;
  /** One small query inside the snapshot (audit head, migrations, the sentinel). */
  query(sqlText: string): Promise<RowValue[][]>;
  close(): Promise<void>;
}

const skipped = new Set(['kysely_migration', 'kysely_migration_lock']);
const FETCH = 2000;
/** PostgreSQL pages are larger: each FETCH is a round trip. */
const PG_FETCH = 5000;

export async function openSnapshot(target: DatabaseTarget): Promise<Snapshot> {
  return target.kind === 'sqlite' ? sqliteSnapshot(target.file) : postgresSnapshot(target.url);
}

function sqliteSnapshot(file: string): Snapshot {
  const db = new SQLite(file, { readonly: true, fileMustExist: true });
  db.pragma('busy_timeout = 10000');
  db.exec('BEGIN');
  // The first read fixes the snapshot for the whole transaction.
  const names = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").raw().all() as string[][])
    .map(([n]) => n as string)
    .filter((n) => !skipped.has(n));
  return {
    async *tables() {
      for (const name of names) {
        const columns = (db.prepare(`SELECT name FROM pragma_table_info(?) ORDER BY cid`).raw().all(name) as string[][]).map(([c]) => c as string);
        const statement = db.prepare(`SELECT ${columns.map((c) => `"${c}"`).join(', ')} FROM "${name}"`).raw();
        async function* rows() {
          let page: RowValue[][] = [];
          for (const row of statement.iterate()) {
            page.push(row as RowValue[]);
            if (page.length >= FETCH) {
              yield page;
              page = [];
            }
          }
          if (page.length > 0) yield page;
        }
        yield { name, columns, rows: rows() };
      }
    },
    async query(sqlText) {
      return db.prepare(sqlText).raw().all() as RowValue[][];
    },
    async close() {
      if (db.inTransaction) db.exec('COMMIT');
      db.close();
    },
  };
}

async function postgresSnapshot(url: string): Promise<Snapshot> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  client.on('error', () => undefined);
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
  } catch (error) {
    await client.end();
    throw error;
  }
  const names = (
    await client.query<{ table_name: string }>(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name",
    )
  ).rows
    .map((r) => r.table_name)
    .filter((n) => !skipped.has(n));
  return {
    async *tables() {
      for (const name of names) {
        const columns = (
          await client.query<{ column_name: string }>(
            'SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position',
            [name],
          )
        ).rows.map((r) => r.column_name);
        async function* rows() {
          await client.query(`DECLARE backup_rows NO SCROLL CURSOR FOR SELECT ${columns.map((c) => `"${c}"`).join(', ')} FROM "${name}"`);
          const fetchPage = () => client.query({ text: `FETCH ${PG_FETCH} FROM backup_rows`, rowMode: 'array' });
          try {
            // The next page is asked for before this one is encoded, so the server reads it meanwhile.
            let next: ReturnType<typeof fetchPage> | null = fetchPage();
            while (next) {
              const page: Awaited<ReturnType<typeof fetchPage>> = await next;
              next = page.rows.length < PG_FETCH ? null : fetchPage();
              next?.catch(() => undefined);
              if (page.rows.length > 0) yield page.rows as RowValue[][];
            }
          } finally {
            await client.query('CLOSE backup_rows');
          }
        }
        yield { name, columns, rows: rows() };
      }
    },
    async query(sqlText) {
      return (await client.query({ text: sqlText, rowMode: 'array' })).rows as RowValue[][];
    },
    async close() {
      await client.query('COMMIT').catch(() => undefined);
      await client.end();
    },
  };
}
