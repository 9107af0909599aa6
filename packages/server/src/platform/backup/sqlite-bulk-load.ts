import SQLite from 'better-sqlite3';
import { BackupRefused } from './read-backup.js';
import { quoteName as quote, type TableLoad } from './table-load.js';

/**
 * Loads a backup's rows into a freshly migrated SQLite file that only this restore has open (the
 * temporary file restore renames into place at the end; on any failure it is deleted). As
 * `pg_restore` does, the indexes are dropped before the load and built again after it, which checks
 * every unique index at once; the rows go through one prepared positional insert per table, in one
 * transaction, with no rollback journal and no fsync (the file is scratch until the rename, and the
 * migrations that follow close it durably). `clear` names the tables, children first, whose seeded rows
 * give way to the backup's. Foreign keys are checked over the whole file at the end. The page cache is
 * kept to 48 MiB (more bought no speed, and the restore's peak memory is bounded, SPEC 5).
 */
export async function loadIntoSqlite(file: string, clear: string[], tables: AsyncIterable<TableLoad>, cacheMiB = 48): Promise<number> {
  const db = new SQLite(file, { fileMustExist: true });
  try {
    db.pragma('journal_mode = OFF');
    db.pragma('synchronous = OFF');
    db.pragma('foreign_keys = OFF');
    db.pragma(`cache_size = -${cacheMiB * 1024}`);
    // Index builds sort in temporary files, not in memory: a restore's peak memory must not grow with the database.
    db.pragma('temp_store = FILE');
    const indexes = db.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL").all() as { name: string; sql: string }[];
    db.exec('BEGIN');
    for (const index of indexes) db.exec(`DROP INDEX ${quote(index.name)}`);
    // Rows the migrations seeded (default roles, settings) give way to the backup's: children first.
    for (const name of clear) if (db.prepare(`SELECT 1 FROM ${quote(name)} LIMIT 1`).get()) db.exec(`DELETE FROM ${quote(name)}`);
    let rows = 0;
    const loaded: string[] = [];
    for await (const table of tables) {
      loaded.push(table.name);
      const insert = db.prepare(
        `INSERT INTO ${quote(table.name)} (${table.columns.map(quote).join(', ')}) VALUES (${table.columns.map(() => '?').join(', ')})`,
      );
      for await (const page of table.rows)
        for (const values of page) {
          insert.run(values);
          rows += 1;
        }
    }
    for (const index of indexes) {
      try {
        db.exec(index.sql);
      } catch (error) {
        throw new BackupRefused(`the restored rows break index ${index.name}: ${(error as Error).message}`);
      }
    }
    const broken = db.prepare('PRAGMA foreign_key_check').all() as { table: string }[];
    if (broken.length > 0) throw new BackupRefused(`the restored rows break ${broken.length} foreign keys (first in table ${broken[0]?.table})`);
    db.exec('COMMIT');
    return rows;
  } finally {
    db.close();
  }
}
