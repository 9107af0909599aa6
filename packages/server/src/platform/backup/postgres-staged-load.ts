import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { copyTable, dropForLoad, type PostgresLoadOptions, REBUILD_FROM_ROWS, type Rebuild, rebuild, resetSequences } from './postgres-bulk-load.js';
import { BackupRefused } from './read-backup.js';
import { quoteName as quote, type TableLoad } from './table-load.js';

/** Schemas of this prefix are a restore's staging area: only a restore makes them, and a restore drops what an interrupted one left. */
const STAGING_PREFIX = 'castellan_restore_';
/** The advisory lock a staged restore holds on its database while it runs (a fixed 64-bit key: "castellan restore"). */
export const RESTORE_LOCK = '7233582478463710578';

/** Whether the role may make a schema in the database (the owner of the database may): the staged load needs it. */
export async function canStage(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<{ ok: boolean }>("SELECT has_database_privilege(current_database(), 'CREATE') AS ok")).rows[0]?.ok === true;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * Loads a backup into an empty PostgreSQL database the way `pg_restore -j2` does — two connections,
 * each building a loaded table's keys and indexes when there are some to build and otherwise copying
 * the next table's rows (so both copy at the start) — and still leaves nothing behind when it fails.
 * Everything is made in a staging schema of its own (castellan_restore_<random>): the schema
 * (`prepare`, the migrations), each table's rows (COPY, one transaction per table, every chunk checked
 * as it is read), its indexes and primary and unique keys (on whichever connection is free, as soon as
 * its rows are in), then the foreign keys (split over both). The tables must each read their own
 * chunks, as both connections may be reading one. Only then, in one short transaction, does every
 * table, function and sequence move into the database's own schema and the staging schema go. A
 * refusal, a fault or a full disk at any point before that drops the staging schema: the database's
 * schema never held a row. An interrupted
 * restore's staging schema (a kill -9) is dropped by the next one.
 */
export async function loadIntoPostgresStaged(url: string, clear: string[], tables: AsyncIterable<TableLoad>, options: PostgresLoadOptions): Promise<number> {
  const loader = new pg.Client({ connectionString: url });
  const builder = new pg.Client({ connectionString: url });
  await loader.connect();
  await builder.connect();
  for (const c of [loader, builder]) c.on('error', () => undefined);
  const staging = `${STAGING_PREFIX}${randomBytes(6).toString('hex')}`;
  try {
    // One restore at a time into a database: a second would take the first's staging schema for one
    // an interrupted restore left, and drop it. The lock is the loader's session's, so it ends with it.
    const locked = (await loader.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1) AS ok', [RESTORE_LOCK])).rows[0]?.ok === true;
    if (!locked) throw new BackupRefused('another restore into this database is running: wait for it to end');
    const target = (await loader.query<{ schema: string }>('SELECT current_schema() AS schema')).rows[0]?.schema as string;
    await dropStaleStaging(loader);
    await loader.query(`CREATE SCHEMA ${quote(staging)}`);
    for (const c of [loader, builder]) {
      await c.query(`SET search_path TO ${quote(staging)}`);
      // PostgreSQL's own default: index builds on two connections at once sorted no faster with 256 MB each (name_tokens_row at 1M: 8.2 s vs 6.7 s).
      await c.query(`SET maintenance_work_mem = '64MB'`);
    }
    try {
      const rows = await stagedLoad(loader, builder, clear, tables, options);
      await moveInto(loader, staging, target);
      return rows;
    } catch (error) {
      await loader.query('ROLLBACK').catch(() => undefined);
      await builder.query('ROLLBACK').catch(() => undefined);
      await dropSchema(url, staging);
      throw error;
    }
  } finally {
    await loader.end().catch(() => undefined);
    await builder.end().catch(() => undefined);
  }
}

async function stagedLoad(
  loader: pg.Client,
  builder: pg.Client,
  clear: string[],
  tables: AsyncIterable<TableLoad>,
  options: PostgresLoadOptions,
): Promise<number> {
  await loader.query('BEGIN');
  await options.prepare?.(loader);
  const seeded: string[] = [];
  for (const name of clear) if ((await loader.query(`SELECT 1 FROM ${quote(name)} LIMIT 1`)).rowCount) seeded.push(name);
  const counts = options.rows;
  const { perTable, foreign } = await dropForLoad(
    loader,
    counts && {
      written: new Set([...[...counts].filter(([, n]) => n > 0).map(([t]) => t), ...seeded]),
      rebuilt: new Set([...counts].filter(([, n]) => n >= REBUILD_FROM_ROWS).map(([t]) => t)),
    },
  );
  for (const name of seeded) await loader.query(`DELETE FROM ${quote(name)}`);
  await loader.query('COMMIT');

  // Two lanes, one per connection, each taking what there is: a loaded table's keys and indexes first,
  // else the next table's rows (so both copy at the start, as pg_restore -j2 does, while no table is
  // in yet). The first failure stops both after the statement each is on.
  const queue: Rebuild[] = [];
  const next = tables[Symbol.asyncIterator]();
  let tablesLeft = true;
  let copying = 0;
  const inCopy = new Set<string>();
  let rows = 0;
  let failure: unknown;
  const waiting = new Set<() => void>();
  const wakeAll = () => {
    for (const wake of waiting) wake();
    waiting.clear();
  };
  const copy = async (client: pg.Client, table: TableLoad) => {
    inCopy.add(table.name);
    await client.query('BEGIN');
    // Not `rows += await …`: that reads rows before the other lane's copy adds to it.
    const copied = await copyTable(client, table);
    rows += copied;
    await client.query('COMMIT');
    inCopy.delete(table.name);
    queue.push(...(perTable.get(table.name) ?? []));
    perTable.delete(table.name);
  };
  const lane = async (client: pg.Client): Promise<void> => {
    try {
      for (;;) {
        if (failure) return;
        const job = queue.shift();
        if (job) {
          await rebuild(client, job);
          continue;
        }
        if (tablesLeft) {
          copying += 1;
          try {
            const step = await next.next();
            if (!step.done) await copy(client, step.value);
            else if (tablesLeft) {
              tablesLeft = false;
              // Keys and indexes of tables that received no rows (they were seeded, then cleared).
              for (const [name, rebuilds] of perTable)
                if (!inCopy.has(name)) {
                  queue.push(...rebuilds);
                  perTable.delete(name);
                }
            }
          } finally {
            copying -= 1;
            wakeAll();
          }
          continue;
        }
        if (copying === 0) return;
        await new Promise<void>((resolve) => waiting.add(resolve));
      }
    } catch (error) {
      failure ??= error;
      wakeAll();
    }
  };
  await Promise.all([lane(loader), lane(builder)]);
  if (failure) throw failure;
  // The foreign keys, every table's keys in place: half on each connection.
  const halves = [foreign.filter((_, i) => i % 2 === 0), foreign.filter((_, i) => i % 2 === 1)];
  await Promise.all([
    (async () => {
      for (const r of halves[0] ?? []) await rebuild(loader, r);
    })(),
    (async () => {
      for (const r of halves[1] ?? []) await rebuild(builder, r);
    })(),
  ]);
  await resetSequences(loader);
  return rows;
}

/** One transaction: every table (with its indexes, constraints, triggers and owned sequences) and function moves into the target schema; the staging schema goes. */
async function moveInto(client: pg.Client, staging: string, target: string): Promise<void> {
  await client.query('BEGIN');
  const tables = await client.query<{ name: string }>(
    "SELECT c.relname AS name FROM pg_class c WHERE c.relnamespace = $1::regnamespace AND c.relkind IN ('r', 'p')",
    [staging],
  );
  for (const t of tables.rows) await client.query(`ALTER TABLE ${quote(staging)}.${quote(t.name)} SET SCHEMA ${quote(target)}`);
  const loose = await client.query<{ name: string }>(
    `SELECT c.relname AS name FROM pg_class c WHERE c.relnamespace = $1::regnamespace AND c.relkind = 'S'
       AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.deptype IN ('a', 'i'))`,
    [staging],
  );
  for (const s of loose.rows) await client.query(`ALTER SEQUENCE ${quote(staging)}.${quote(s.name)} SET SCHEMA ${quote(target)}`);
  const functions = await client.query<{ signature: string }>(
    'SELECT p.oid::regprocedure::text AS signature FROM pg_proc p WHERE p.pronamespace = $1::regnamespace',
    [staging],
  );
  for (const f of functions.rows) await client.query(`ALTER FUNCTION ${f.signature} SET SCHEMA ${quote(target)}`);
  // RESTRICT: anything of a kind not moved above stops the restore here, rather than being lost.
  try {
    await client.query(`DROP SCHEMA ${quote(staging)} RESTRICT`);
  } catch (error) {
    throw new BackupRefused(`the restore's staging schema still holds objects it does not know how to move: ${(error as Error).message}`);
  }
  await client.query('COMMIT');
}

async function dropStaleStaging(client: pg.Client): Promise<void> {
  const stale = await client.query<{ name: string }>('SELECT nspname AS name FROM pg_namespace WHERE starts_with(nspname, $1)', [STAGING_PREFIX]);
  for (const s of stale.rows) await client.query(`DROP SCHEMA ${quote(s.name)} CASCADE`);
}

/** On a connection of its own: the loader's may be the one that failed. */
async function dropSchema(url: string, schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  try {
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS ${quote(schema)} CASCADE`);
  } catch {
    // Left for the next restore to drop (dropStaleStaging).
  } finally {
    await client.end().catch(() => undefined);
  }
}
