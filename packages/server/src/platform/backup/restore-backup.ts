import { existsSync, renameSync, rmSync, statSync } from 'node:fs';
import { type Kysely, sql } from 'kysely';
import { type DatabaseTarget, type Db, kyselyOnClient, openDatabase } from '../db/database.js';
import { migrateOnly, migrateOnlyOn, migrateToLatest } from '../db/migrate.js';
import type { BackupTable } from './backup-manifest.js';
import type { BackupTarget } from './backup-target.js';
import { loadIntoPostgres } from './postgres-bulk-load.js';
import { canStage, loadIntoPostgresStaged } from './postgres-staged-load.js';
import { BackupRefused, checkedChunks, chunksInOrder, decodedPages, tableChunks, type VerifiedBackup } from './read-backup.js';
import { loadIntoSqlite } from './sqlite-bulk-load.js';
import type { TableLoad } from './table-load.js';

type AnyDb = Kysely<any>;

export interface RestoreReport {
  backupId: string;
  sequence: number;
  tables: number;
  rows: number;
  into: DatabaseTarget['kind'];
  ms: number;
}

/**
 * Writes a backup whose signature, chain and key were verified into an empty database of either
 * dialect, checking every chunk as it is loaded (checkedChunks: each authenticated before its
 * rows are written, each table's count and checksum compared after its last). The schema is rebuilt
 * with the migrations the backup was taken with, every table's rows are loaded in one transaction, and
 * the remaining migrations run after. Nothing half-written is left: SQLite is restored into a temporary
 * file renamed into place only at the end; on PostgreSQL the schema and the rows are made in one
 * transaction, which a failure rolls back.
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
    const rows = await loadPostgres(into, target, backup);
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

/** The backup's tables in its order, every chunk checked as it is read (checkedChunks), the chunks read ahead across tables. */
async function* tablesOf(target: BackupTarget, backup: VerifiedBackup): AsyncGenerator<TableLoad> {
  const chunksOf = chunksInOrder(target, backup);
  for (const table of backup.manifest.tables) yield tableLoad(backup, table, checkedChunks(table, chunksOf(table.name)));
}

/** The same, but each table's chunks read on their own, so that two loaders may each be reading a table at once (the staged PostgreSQL load). */
async function* tablesEachOnTheirOwn(target: BackupTarget, backup: VerifiedBackup): AsyncGenerator<TableLoad> {
  for (const table of backup.manifest.tables) yield tableLoad(backup, table, checkedChunks(table, tableChunks(target, backup, table.name)));
}

function tableLoad(backup: VerifiedBackup, table: BackupTable, checked: AsyncIterable<Buffer>): TableLoad {
  // Only one of them is read, and none starts reading before it is.
  return {
    name: table.name,
    columns: table.columns,
    rows: decodedPages(backup, table, checked),
    ...(backup.manifest.version === 2 ? { copyText: checked } : {}),
    text: checked,
    format: { version: backup.manifest.version, kinds: table.kinds ?? [] },
  };
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

/**
 * The schema the backup was taken with is built by the load itself: in a staging schema moved into
 * place only when every row, key and index is in (postgres-staged-load.ts, two connections), or — when
 * the role may not make a schema — inside the load's one transaction. Either way a refused backup
 * leaves no table behind.
 */
async function loadPostgres(into: Extract<DatabaseTarget, { kind: 'postgres' }>, target: BackupTarget, backup: VerifiedBackup): Promise<number> {
  const order = backup.manifest.tables.map((t) => t.name);
  const url = into.ownerUrl ?? into.url;
  const staged = await canStage(url);
  const load = staged ? loadIntoPostgresStaged : loadIntoPostgres;
  return load(url, [...order].reverse(), staged ? tablesEachOnTheirOwn(target, backup) : tablesOf(target, backup), {
    rows: new Map(backup.manifest.tables.map((t) => [t.name, t.rows])),
    prepare: async (client) => {
      const owner = kyselyOnClient(client);
      await migrateOnlyOn(owner, 'postgres', backup.manifest.migrations, true);
      await checkColumns(owner as unknown as AnyDb, 'postgres', backup);
    },
  });
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
