import { existsSync, renameSync, rmSync, statSync } from 'node:fs';
import { type Kysely, sql } from 'kysely';
import { type DatabaseTarget, type Db, openDatabase } from '../db/database.js';
import { migrateOnly, migrateToLatest } from '../db/migrate.js';
import type { BackupTarget } from './backup-target.js';
import { BackupRefused, tableRows, type VerifiedBackup } from './read-backup.js';
import { loadIntoSqlite, type TableLoad } from './sqlite-bulk-load.js';

type AnyDb = Kysely<any>;

export interface RestoreReport {
  backupId: string;
  sequence: number;
  tables: number;
  rows: number;
  into: DatabaseTarget['kind'];
  ms: number;
}

/** SQLite allows 32 766 bound values per statement, PostgreSQL 65 535: stay well below both. */
const VALUES_PER_INSERT = 16_000;

/**
 * Writes a verified backup into an empty database of either dialect. The schema is rebuilt with the
 * migrations the backup was taken with, every table's rows are loaded in one transaction, and the
 * remaining migrations run after. Nothing half-written is left: SQLite is restored into a temporary
 * file renamed into place only at the end; on PostgreSQL a failure rolls the one transaction back.
 */
export async function restoreBackup(target: BackupTarget, backup: VerifiedBackup, into: DatabaseTarget): Promise<RestoreReport> {
  const started = performance.now();
  if (into.kind === 'sqlite') {
    if (existsSync(into.file) && statSync(into.file).size > 0 && !(await sqliteIsEmpty(into.file)))
      throw new BackupRefused(`the database to restore into (${into.file}) is not empty: restore into a new data directory or an empty database`);
    const temporary = `${into.file}.restoring`;
    for (const suffix of ['', '-wal', '-shm']) rmSync(`${temporary}${suffix}`, { force: true });
    try {
      const schema = openDatabase({ ...into, file: temporary });
      try {
        await migrateOnly(schema, backup.manifest.migrations);
        await checkColumns(schema.kysely as unknown as AnyDb, 'sqlite', backup);
      } finally {
        await schema.close();
      }
      const order = backup.manifest.tables.map((t) => t.name);
      const rows = await loadIntoSqlite(temporary, [...order].reverse(), tablesOf(target, backup));
      const db = openDatabase({ ...into, file: temporary });
      try {
        await migrateToLatest(db);
      } finally {
        await db.close();
      }
      for (const suffix of ['-wal', '-shm']) rmSync(`${into.file}${suffix}`, { force: true });
      renameSync(temporary, into.file);
      return report(backup, into, rows, started);
    } catch (error) {
      for (const suffix of ['', '-wal', '-shm']) rmSync(`${temporary}${suffix}`, { force: true });
      throw error;
    }
  }
  const db = openDatabase(into);
  try {
    if (!(await postgresIsEmpty(db.kysely as unknown as AnyDb)))
      throw new BackupRefused('the PostgreSQL database to restore into is not empty: restore into a new, empty database');
    const rows = await loadPostgres(db, target, backup);
    await migrateToLatest(db);
    return report(backup, into, rows, started);
  } finally {
    await db.close();
  }
}

const report = (backup: VerifiedBackup, into: DatabaseTarget, rows: number, started: number): RestoreReport => ({
  backupId: backup.manifest.backupId,
  sequence: backup.manifest.sequence,
  tables: backup.manifest.tables.length,
  rows,
  into: into.kind,
  ms: Math.round(performance.now() - started),
});

async function sqliteIsEmpty(file: string): Promise<boolean> {
  const db = openDatabase({ kind: 'sqlite', file });
  try {
    return await hasNoData(
      db.kysely as unknown as AnyDb,
      (await sql<{ name: string }>`SELECT name FROM sqlite_master WHERE type = 'table'`.execute(db.kysely)).rows,
    );
  } finally {
    await db.close();
  }
}

async function postgresIsEmpty(db: AnyDb): Promise<boolean> {
  const tables = await sql<{
    name: string;
  }>`SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`.execute(db);
  return hasNoData(db, tables.rows);
}

/** Empty: no tables, or a schema whose key material and settings were never written (an earlier restore that rolled back). */
async function hasNoData(db: AnyDb, tables: { name: string }[]): Promise<boolean> {
  const names = new Set(tables.map((t) => t.name));
  for (const table of ['data_keys', 'settings', 'users']) {
    if (!names.has(table)) continue;
    const row = await db.selectFrom(table).select(sql`1`.as('one')).limit(1).executeTakeFirst();
    if (row) return false;
  }
  return true;
}

async function* tablesOf(target: BackupTarget, backup: VerifiedBackup): AsyncGenerator<TableLoad> {
  for (const table of backup.manifest.tables) yield { name: table.name, columns: table.columns, rows: tableRows(target, backup, table.name) };
}

/** The backup's tables and columns must all exist in the schema its migrations built here. */
async function checkColumns(db: AnyDb, dialect: Db['dialect'], backup: VerifiedBackup): Promise<void> {
  const present = await columnsOf(db, dialect);
  for (const table of backup.manifest.tables) {
    const known = present.get(table.name);
    if (!known) throw new BackupRefused(`the backup holds table ${table.name}, which its schema version does not create here`);
    const unknown = table.columns.filter((c) => !known.has(c));
    if (unknown.length > 0)
      throw new BackupRefused(`table ${table.name} of the backup has columns ${unknown.join(', ')} that its schema version does not create here`);
  }
}

async function loadPostgres(db: Db, target: BackupTarget, backup: VerifiedBackup): Promise<number> {
  await migrateOnly(db, backup.manifest.migrations);
  return db.withOwner(async (owner) => {
    await checkColumns(owner as unknown as AnyDb, 'postgres', backup);
    return owner.transaction().execute(async (trx) => {
      const tx = trx as unknown as AnyDb;
      return withoutConstraints(tx, () => loadRows(tx, target, backup));
    });
  });
}

async function loadRows(tx: AnyDb, target: BackupTarget, backup: VerifiedBackup): Promise<number> {
  const order = backup.manifest.tables.map((t) => t.name);
  // Rows the migrations seeded (default roles, settings) give way to the backup's: children first.
  for (const name of [...order].reverse()) {
    const any = await tx.selectFrom(name).select(sql`1`.as('one')).limit(1).executeTakeFirst();
    if (any) await tx.deleteFrom(name).execute();
  }
  let rows = 0;
  for (const table of backup.manifest.tables) {
    const perInsert = Math.max(1, Math.floor(VALUES_PER_INSERT / table.columns.length));
    let batch: Record<string, unknown>[] = [];
    for await (const values of tableRows(target, backup, table.name)) {
      batch.push(Object.fromEntries(table.columns.map((c, i) => [c, values[i]])));
      if (batch.length >= perInsert) {
        await tx.insertInto(table.name).values(batch).execute();
        rows += batch.length;
        batch = [];
      }
    }
    if (batch.length > 0) await tx.insertInto(table.name).values(batch).execute();
    rows += batch.length;
  }
  await resetSequences(tx);
  return rows;
}

async function columnsOf(db: AnyDb, dialect: Db['dialect']): Promise<Map<string, Set<string>>> {
  const rows =
    dialect === 'sqlite'
      ? (
          await sql<{
            t: string;
            c: string;
          }>`SELECT m.name AS t, p.name AS c FROM sqlite_master m JOIN pragma_table_info(m.name) p WHERE m.type = 'table'`.execute(db)
        ).rows
      : (
          await sql<{
            t: string;
            c: string;
          }>`SELECT table_name AS t, column_name AS c FROM information_schema.columns WHERE table_schema = current_schema()`.execute(db)
        ).rows;
  const map = new Map<string, Set<string>>();
  for (const r of rows) {
    if (!map.has(r.t)) map.set(r.t, new Set());
    map.get(r.t)?.add(r.c);
  }
  return map;
}

/**
 * As `pg_restore` does, the rows are loaded before the constraints and indexes that would check or
 * update them row by row (some tables also reference each other): inside the one transaction the
 * foreign keys, then the primary and unique keys and the other indexes are dropped, the rows loaded,
 * and the same definitions added again in reverse order, which checks every row at once (a broken
 * reference or a duplicate key fails the restore and rolls everything back).
 */
async function withoutConstraints<T>(db: AnyDb, work: () => Promise<T>): Promise<T> {
  const constraints = (
    await sql<{
      t: string;
      name: string;
      def: string;
      kind: string;
    }>`SELECT c.relname AS t, k.conname AS name, pg_get_constraintdef(k.oid) AS def, k.contype AS kind FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid
        WHERE k.contype IN ('f', 'p', 'u') AND c.relnamespace = current_schema()::regnamespace
        ORDER BY CASE k.contype WHEN 'f' THEN 0 ELSE 1 END, c.relname, k.conname`.execute(db)
  ).rows;
  const indexes = (
    await sql<{ name: string; def: string }>`SELECT ic.relname AS name, pg_get_indexdef(i.indexrelid) AS def FROM pg_index i
        JOIN pg_class ic ON ic.oid = i.indexrelid JOIN pg_class t ON t.oid = i.indrelid
        WHERE t.relnamespace = current_schema()::regnamespace
          AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid AND k.contype IN ('p', 'u', 'x'))
        ORDER BY ic.relname`.execute(db)
  ).rows;
  for (const k of constraints) await sql`ALTER TABLE ${sql.table(k.t)} DROP CONSTRAINT ${sql.ref(k.name)}`.execute(db);
  for (const index of indexes) await sql`DROP INDEX ${sql.ref(index.name)}`.execute(db);
  const result = await work();
  await sql`SET LOCAL maintenance_work_mem = '256MB'`.execute(db);
  for (const index of indexes) await sql.raw(index.def).execute(db);
  for (const k of [...constraints].reverse()) await sql`ALTER TABLE ${sql.table(k.t)} ADD CONSTRAINT ${sql.ref(k.name)} ${sql.raw(k.def)}`.execute(db);
  return result;
}

/** After rows were loaded with their own ids, each serial column's sequence continues after the highest. */
async function resetSequences(db: AnyDb): Promise<void> {
  const serials = (
    await sql<{
      t: string;
      c: string;
    }>`SELECT table_name AS t, column_name AS c FROM information_schema.columns WHERE table_schema = current_schema() AND column_default LIKE 'nextval(%'`.execute(
      db,
    )
  ).rows;
  for (const { t, c } of serials) {
    await sql`SELECT setval(pg_get_serial_sequence(${t}, ${c}), COALESCE((SELECT MAX(${sql.ref(c)}) FROM ${sql.table(t)}), 0) + 1, false)`.execute(db);
  }
}
