import { once } from 'node:events';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { encodeCopyRow } from './copy-text-codec.js';
import { BackupRefused } from './read-backup.js';
import { quoteName as quote, type TableLoad } from './table-load.js';

/** COPY rows are sent in pieces of about 1 MiB, waiting when the socket is full. */
const PIECE = 1024 * 1024;

/** Tables of fewer rows keep their primary and unique keys and indexes while loading: maintaining them row by row costs less than rebuilding them. */
export const REBUILD_FROM_ROWS = 1000;

export interface PostgresLoadOptions {
  /** Rows the backup holds per table (default: every table treated as large): which keys and indexes are dropped while loading. */
  rows?: ReadonlyMap<string, number>;
  /** Work on the same connection inside the load's transaction before anything is loaded (the restore builds the schema there). */
  prepare?: (client: pg.Client) => Promise<void>;
}

/**
 * Loads a backup's rows into a freshly migrated PostgreSQL database in one transaction on one
 * connection (the owner's, when a separate owner is configured), with COPY … FROM STDIN. As
 * `pg_restore` does, the rows are loaded before the constraints and indexes that would check or
 * update them row by row (some tables also reference each other): the foreign keys from or to a
 * table that receives rows, then its primary and unique keys and other indexes are dropped, the rows
 * loaded, and the same definitions added again in reverse order, which checks every row at once (a
 * broken reference or a duplicate key fails the restore and rolls everything back). Given the rows per
 * table, only what loading touches is dropped: the foreign keys of the tables that receive rows (or
 * give up seeded ones) and those to a table whose keys are dropped; the keys and indexes of tables of
 * REBUILD_FROM_ROWS rows or more. Each serial column's sequence then
 * continues after the highest id loaded. `clear` names the tables, children first, whose seeded
 * rows give way to the backup's.
 */
export async function loadIntoPostgres(url: string, clear: string[], tables: AsyncIterable<TableLoad>, options: PostgresLoadOptions = {}): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  client.on('error', () => undefined);
  try {
    await client.query('BEGIN');
    await options.prepare?.(client);
    const seeded: string[] = [];
    for (const name of clear) if ((await client.query(`SELECT 1 FROM ${quote(name)} LIMIT 1`)).rowCount) seeded.push(name);
    const counts = options.rows;
    const restore = await withoutConstraints(
      client,
      counts && {
        written: new Set([...[...counts].filter(([, n]) => n > 0).map(([t]) => t), ...seeded]),
        rebuilt: new Set([...counts].filter(([, n]) => n >= REBUILD_FROM_ROWS).map(([t]) => t)),
      },
    );
    for (const name of seeded) await client.query(`DELETE FROM ${quote(name)}`);
    let rows = 0;
    for await (const table of tables) rows += await copyTable(client, table);
    await restore();
    await resetSequences(client);
    await client.query('COMMIT');
    return rows;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    await client.end().catch(() => undefined);
  }
}

function countLines(text: Buffer): number {
  let n = 0;
  for (let at = text.indexOf(10); at !== -1; at = text.indexOf(10, at + 1)) n += 1;
  return n;
}

export async function copyTable(client: pg.Client, table: TableLoad): Promise<number> {
  const stream = client.query(copyFrom(`COPY ${quote(table.name)} (${table.columns.map(quote).join(', ')}) FROM STDIN`));
  const done = once(stream, 'finish');
  done.catch(() => undefined);
  let rows = 0;
  let piece = '';
  try {
    if (table.copyText) {
      // Verified COPY text chunks go to PostgreSQL as they are.
      for await (const text of table.copyText) {
        rows += countLines(text);
        if (!stream.write(text)) await Promise.race([once(stream, 'drain'), done]);
      }
    } else
      for await (const page of table.rows) {
        for (const values of page) piece += `${encodeCopyRow(values)}\n`;
        rows += page.length;
        if (piece.length >= PIECE) {
          if (!stream.write(piece)) await Promise.race([once(stream, 'drain'), done]);
          piece = '';
        }
      }
    stream.end(piece);
    await done;
  } catch (error) {
    stream.destroy();
    if (error instanceof BackupRefused) throw error;
    // PostgreSQL's message may quote the value it refused: only its code is named.
    throw new BackupRefused(`table ${table.name} does not load (PostgreSQL error ${(error as { code?: string }).code ?? 'unknown'})`);
  }
  return rows;
}

/** A statement that adds back a key, index or foreign key dropped for the load, and what to call it in a refusal. */
export interface Rebuild {
  statement: string;
  what: string;
}

/**
 * Drops foreign keys, then primary and unique keys and other indexes: all of them, or with `only` the
 * foreign keys of the `written` tables and those to the `rebuilt` tables, and the keys and indexes of
 * the `rebuilt` tables. Returns what adds them back: per table its keys and indexes (once its rows are
 * in), then the foreign keys (once every table's are).
 */
export async function dropForLoad(
  client: pg.Client,
  only?: { written: ReadonlySet<string>; rebuilt: ReadonlySet<string> },
): Promise<{ perTable: Map<string, Rebuild[]>; foreign: Rebuild[] }> {
  const all = (
    await client.query<{ t: string; r: string | null; kind: string; name: string; def: string }>(
      `SELECT c.relname AS t, f.relname AS r, k.contype AS kind, k.conname AS name, pg_get_constraintdef(k.oid) AS def FROM pg_constraint k
        JOIN pg_class c ON c.oid = k.conrelid LEFT JOIN pg_class f ON f.oid = k.confrelid
        WHERE k.contype IN ('f', 'p', 'u') AND c.relnamespace = current_schema()::regnamespace
        ORDER BY CASE k.contype WHEN 'f' THEN 0 ELSE 1 END, c.relname, k.conname`,
    )
  ).rows;
  const rebuilt = (table: string | null) => !only || (table !== null && only.rebuilt.has(table));
  // A key of a rebuilt table can be dropped only once every foreign key to it is gone.
  const constraints = all.filter((k) => (k.kind === 'f' ? !only || only.written.has(k.t) || rebuilt(k.r) : rebuilt(k.t)));
  const indexes = (
    await client.query<{ t: string; name: string; def: string }>(
      `SELECT t.relname AS t, ic.relname AS name, pg_get_indexdef(i.indexrelid) AS def FROM pg_index i
        JOIN pg_class ic ON ic.oid = i.indexrelid JOIN pg_class t ON t.oid = i.indrelid
        WHERE t.relnamespace = current_schema()::regnamespace
          AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid AND k.contype IN ('p', 'u', 'x'))
        ORDER BY ic.relname`,
    )
  ).rows.filter((index) => rebuilt(index.t));
  for (const k of constraints) await client.query(`ALTER TABLE ${quote(k.t)} DROP CONSTRAINT ${quote(k.name)}`);
  for (const index of indexes) await client.query(`DROP INDEX ${quote(index.name)}`);
  const perTable = new Map<string, Rebuild[]>();
  const add = (table: string, rebuild: Rebuild) => perTable.set(table, [...(perTable.get(table) ?? []), rebuild]);
  const addConstraint = (k: (typeof all)[number]): Rebuild => ({
    statement: `ALTER TABLE ${quote(k.t)} ADD CONSTRAINT ${quote(k.name)} ${k.def}`,
    what: `constraint ${k.name}`,
  });
  // Keys first: adding one locks its table, which a build of another of its indexes on the other connection would wait for.
  for (const k of [...constraints].reverse()) if (k.kind !== 'f') add(k.t, addConstraint(k));
  for (const index of indexes) add(index.t, { statement: index.def, what: `index ${index.name}` });
  return {
    perTable,
    foreign: [...constraints]
      .reverse()
      .filter((k) => k.kind === 'f')
      .map(addConstraint),
  };
}

/** dropForLoad, with one step that adds everything back on the same connection (the one-transaction load). */
async function withoutConstraints(client: pg.Client, only?: { written: ReadonlySet<string>; rebuilt: ReadonlySet<string> }): Promise<() => Promise<void>> {
  const { perTable, foreign } = await dropForLoad(client, only);
  return async () => {
    await client.query(`SET LOCAL maintenance_work_mem = '256MB'`);
    for (const r of [...[...perTable.values()].flat(), ...foreign]) await rebuild(client, r);
  };
}

export async function rebuild(client: pg.Client, { statement, what }: Rebuild): Promise<void> {
  try {
    await client.query(statement);
  } catch (error) {
    throw new BackupRefused(`the restored rows break ${what}: ${(error as Error).message}`);
  }
}

/** After rows were loaded with their own ids, each serial column's sequence continues after the highest. */
export async function resetSequences(client: pg.Client): Promise<void> {
  const serials = (
    await client.query<{ t: string; c: string }>(
      "SELECT table_name AS t, column_name AS c FROM information_schema.columns WHERE table_schema = current_schema() AND column_default LIKE 'nextval(%'",
    )
  ).rows;
  for (const { t, c } of serials)
    await client.query(`SELECT setval(pg_get_serial_sequence($1, $2), COALESCE((SELECT MAX(${quote(c)}) FROM ${quote(t)}), 0) + 1, false)`, [t, c]);
}
