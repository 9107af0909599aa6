import SQLite from 'better-sqlite3';
import pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import type { DatabaseTarget } from '../db/database.js';
import { type ColumnKind, type CopyValue, columnKind, encodeCopyRow } from './copy-text-codec.js';
import type { RowValue } from './row-codec.js';
import { quoteName } from './table-load.js';

/**
 * Reads every table of the database in one consistent snapshot, streaming: SQLite in one read
 * transaction on its own read-only connection (WAL keeps the snapshot while the server writes), each
 * row encoded to a COPY text line; PostgreSQL in one REPEATABLE READ, READ ONLY transaction, each table
 * through `COPY … TO STDOUT`, whose lines are the backup's rows as they are (copy-text-codec.ts).
 * Kysely's own bookkeeping tables are left out: the manifest records the migrations applied instead.
 */
export interface SnapshotTable {
  name: string;
  columns: string[];
  kinds: ColumnKind[];
  /** The rows as COPY text lines, in pieces of whole lines (each line ends with a line feed). */
  lines: AsyncIterable<Buffer>;
}

export interface Snapshot {
  tables(): AsyncIterable<SnapshotTable>;
  /** One small query inside the snapshot (audit head, migrations, the sentinel). */
  query(sqlText: string): Promise<RowValue[][]>;
  close(): Promise<void>;
}

const skipped = new Set(['kysely_migration', 'kysely_migration_lock']);
/**
 * A piece ends after this many characters of lines (SQLite) or bytes (PostgreSQL): one await per
 * piece, not per row, and a table of large rows (audit events of bulk operations) never held whole.
 */
const PIECE_SIZE = 256 * 1024;

/**
 * Tables are written largest first (rows on SQLite, bytes on PostgreSQL; ties by name): a restore
 * loads them in the manifest's order, and on PostgreSQL builds a table's keys and indexes while the
 * next one loads, so the long builds start early and the last tables, the small ones, leave little
 * to build at the end.
 */
export const largestFirst = (names: string[], size: (name: string) => number): string[] =>
  [...names].sort((a, b) => size(b) - size(a) || (a < b ? -1 : a > b ? 1 : 0));

export async function openSnapshot(target: DatabaseTarget): Promise<Snapshot> {
  return target.kind === 'sqlite' ? sqliteSnapshot(target.file) : postgresSnapshot(target.url);
}

function sqliteSnapshot(file: string): Snapshot {
  const db = new SQLite(file, { readonly: true, fileMustExist: true });
  db.pragma('busy_timeout = 10000');
  db.exec('BEGIN');
  // The first read fixes the snapshot for the whole transaction.
  const all = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").raw().all() as string[][])
    .map(([n]) => n as string)
    .filter((n) => !skipped.has(n));
  const rowsOf = new Map(
    all.map((n) => [
      n,
      Number(
        (
          db
            .prepare(`SELECT count(*) FROM ${quoteName(n)}`)
            .raw()
            .get() as number[]
        )[0],
      ),
    ]),
  );
  const names = largestFirst(all, (n) => rowsOf.get(n) ?? 0);
  return {
    async *tables() {
      for (const name of names) {
        const info = db.prepare('SELECT name, type FROM pragma_table_info(?) ORDER BY cid').raw().all(name) as string[][];
        const columns = info.map(([c]) => c as string);
        const statement = db.prepare(`SELECT ${columns.map(quoteName).join(', ')} FROM ${quoteName(name)}${keyOrder(db, name)}`).raw();
        async function* lines() {
          let piece: string[] = [];
          let size = 0;
          for (const row of statement.iterate()) {
            const line = encodeCopyRow(row as CopyValue[]);
            piece.push(line);
            size += line.length + 1;
            if (size >= PIECE_SIZE) {
              yield Buffer.from(`${piece.join('\n')}\n`, 'utf8');
              piece = [];
              size = 0;
            }
          }
          if (piece.length > 0) yield Buffer.from(`${piece.join('\n')}\n`, 'utf8');
        }
        yield { name, columns, kinds: info.map(([, t]) => columnKind(t ?? '')), lines: lines() };
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

/**
 * A WITHOUT ROWID table is read in its primary key's order (its own b-tree's order, so no sort): left
 * to itself SQLite scans a smaller covering index instead, in an order that is random for the key, and
 * a restore into SQLite, which cannot drop that key while it loads, then inserts into it at random
 * (name_tokens at 1M contacts: 18 s instead of 6). Rowid tables are read in rowid order, as stored.
 */
function keyOrder(db: SQLite.Database, table: string): string {
  const withoutRowid = db.prepare('SELECT wr FROM pragma_table_list WHERE name = ? AND schema = ?').pluck().get(table, 'main') === 1;
  if (!withoutRowid) return '';
  const key = db.prepare('SELECT name FROM pragma_table_info(?) WHERE pk > 0 ORDER BY pk').pluck().all(table) as string[];
  return ` ORDER BY ${key.map(quoteName).join(', ')}`;
}

async function postgresSnapshot(url: string): Promise<Snapshot> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  client.on('error', () => undefined);
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    // COPY writes text in the client encoding and bytea in the output form set: both fixed here.
    await client.query("SET LOCAL client_encoding = 'UTF8'");
    await client.query("SET LOCAL bytea_output = 'hex'");
  } catch (error) {
    await client.end();
    throw error;
  }
  const listed = (
    await client.query<{ table_name: string; bytes: string }>(
      `SELECT table_name, pg_relation_size(quote_ident(table_name)) AS bytes FROM information_schema.tables
        WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name`,
    )
  ).rows.filter((r) => !skipped.has(r.table_name));
  const bytesOf = new Map(listed.map((r) => [r.table_name, Number(r.bytes)]));
  const names = largestFirst(
    listed.map((r) => r.table_name),
    (n) => bytesOf.get(n) ?? 0,
  );
  return {
    async *tables() {
      for (const name of names) {
        const info = (
          await client.query<{ column_name: string; data_type: string }>(
            'SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position',
            [name],
          )
        ).rows;
        const columns = info.map((r) => r.column_name);
        const copy = () => client.query(copyTo(`COPY ${quoteName(name)} (${columns.map(quoteName).join(', ')}) TO STDOUT`));
        yield { name, columns, kinds: info.map((r) => columnKind(r.data_type)), lines: wholeLines(copy) };
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

/** The bytes of a COPY TO stream in pieces of about PIECE_SIZE, each cut after a line feed. */
async function* wholeLines(open: () => AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  let parts: Buffer[] = [];
  let size = 0;
  for await (const data of open()) {
    parts.push(data);
    size += data.length;
    if (size < PIECE_SIZE) continue;
    const joined = Buffer.concat(parts, size);
    const end = joined.lastIndexOf(10) + 1;
    if (end === 0) continue;
    yield joined.subarray(0, end);
    parts = end < joined.length ? [joined.subarray(end)] : [];
    size = joined.length - end;
  }
  if (size > 0) {
    const rest = Buffer.concat(parts, size);
    if (rest[rest.length - 1] !== 10) throw new Error('COPY ended inside a row');
    yield rest;
  }
}
