import { once } from 'node:events';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { encodeCopyRow } from './copy-text-codec.js';
import { BackupRefused } from './read-backup.js';
import { quoteName as quote, type TableLoad } from './table-load.js';

/** COPY rows are sent in pieces of about 1 MiB, waiting when the socket is full. */
const PIECE = 1024 * 1024;

/**
 * Loads a backup's rows into a freshly migrated PostgreSQL database in one transaction on one
 * connection (the owner's, when a separate owner is configured), with COPY … FROM STDIN. As
 * `pg_restore` does, the rows are loaded before the constraints and indexes that would check or
 * update them row by row (some tables also reference each other): the foreign keys, then the
 * primary and unique keys and the other indexes are dropped, the rows loaded, and the same
 * definitions added again in reverse order, which checks every row at once (a broken reference or
 * a duplicate key fails the restore and rolls everything back). Each serial column's sequence then
 * continues after the highest id loaded. `clear` names the tables, children first, whose seeded
 * rows give way to the backup's.
 */
export async function loadIntoPostgres(url: string, clear: string[], tables: AsyncIterable<TableLoad>): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  client.on('error', () => undefined);
  try {
    await client.query('BEGIN');
    const restore = await withoutConstraints(client);
    for (const name of clear) {
      const any = await client.query(`SELECT 1 FROM ${quote(name)} LIMIT 1`);
      if (any.rowCount) await client.query(`DELETE FROM ${quote(name)}`);
    }
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

async function copyTable(client: pg.Client, table: TableLoad): Promise<number> {
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

/** Drops the foreign, primary and unique keys and the other indexes; returns the step that adds them all back. */
async function withoutConstraints(client: pg.Client): Promise<() => Promise<void>> {
  const constraints = (
    await client.query<{ t: string; name: string; def: string }>(
      `SELECT c.relname AS t, k.conname AS name, pg_get_constraintdef(k.oid) AS def FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid
        WHERE k.contype IN ('f', 'p', 'u') AND c.relnamespace = current_schema()::regnamespace
        ORDER BY CASE k.contype WHEN 'f' THEN 0 ELSE 1 END, c.relname, k.conname`,
    )
  ).rows;
  const indexes = (
    await client.query<{ name: string; def: string }>(
      `SELECT ic.relname AS name, pg_get_indexdef(i.indexrelid) AS def FROM pg_index i
        JOIN pg_class ic ON ic.oid = i.indexrelid JOIN pg_class t ON t.oid = i.indrelid
        WHERE t.relnamespace = current_schema()::regnamespace
          AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid AND k.contype IN ('p', 'u', 'x'))
        ORDER BY ic.relname`,
    )
  ).rows;
  for (const k of constraints) await client.query(`ALTER TABLE ${quote(k.t)} DROP CONSTRAINT ${quote(k.name)}`);
  for (const index of indexes) await client.query(`DROP INDEX ${quote(index.name)}`);
  return async () => {
    await client.query(`SET LOCAL maintenance_work_mem = '256MB'`);
    for (const index of indexes) await rebuild(client, index.def, `index ${index.name}`);
    for (const k of [...constraints].reverse())
      await rebuild(client, `ALTER TABLE ${quote(k.t)} ADD CONSTRAINT ${quote(k.name)} ${k.def}`, `constraint ${k.name}`);
  };
}

async function rebuild(client: pg.Client, statement: string, what: string): Promise<void> {
  try {
    await client.query(statement);
  } catch (error) {
    throw new BackupRefused(`the restored rows break ${what}: ${(error as Error).message}`);
  }
}

/** After rows were loaded with their own ids, each serial column's sequence continues after the highest. */
async function resetSequences(client: pg.Client): Promise<void> {
  const serials = (
    await client.query<{ t: string; c: string }>(
      "SELECT table_name AS t, column_name AS c FROM information_schema.columns WHERE table_schema = current_schema() AND column_default LIKE 'nextval(%'",
    )
  ).rows;
  for (const { t, c } of serials)
    await client.query(`SELECT setval(pg_get_serial_sequence($1, $2), COALESCE((SELECT MAX(${quote(c)}) FROM ${quote(t)}), 0) + 1, false)`, [t, c]);
}
