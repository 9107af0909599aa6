import type SQLite from 'better-sqlite3';
import type { ColumnKind } from './copy-text-codec.js';

/** The decoders a load session turns lines into values with (the row formats', passed in so the session's source stands alone). */
export interface LineDecoders {
  copy: (kinds: readonly ColumnKind[]) => (line: string) => unknown[];
  json: (columns: number) => (line: string) => unknown[];
}

export interface SqliteLoadOptions {
  file: string;
  clear: string[];
  cacheMiB: number;
}

/**
 * One load into a SQLite file, run by the load thread. As `pg_restore` does, the indexes are dropped
 * before the load and built again after it, which checks every unique index at once; the rows go
 * through one prepared positional insert per table, in one transaction, with no rollback journal and
 * no fsync (the file is scratch until the rename, and the migrations that follow close it durably).
 * `clear` names the tables, children first, whose seeded rows give way to the backup's. Foreign keys
 * are checked over the whole file at the end. The page cache is kept to 48 MiB (more bought no speed,
 * and the restore's peak memory is bounded, SPEC 5). A failure the backup is to blame for carries
 * `refused`. Self-contained (no outside name but its arguments), as the thread runs its source.
 */
export function openSqliteLoad(Database: typeof SQLite, options: SqliteLoadOptions, decoders: LineDecoders) {
  const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;
  const refuse = (message: string) => Object.assign(new Error(message), { refused: true });
  const db = new Database(options.file, { fileMustExist: true });
  db.pragma('journal_mode = OFF');
  db.pragma('synchronous = OFF');
  db.pragma('foreign_keys = OFF');
  db.pragma(`cache_size = -${options.cacheMiB * 1024}`);
  // Index builds sort in temporary files, not in memory: a restore's peak memory must not grow with the database.
  db.pragma('temp_store = FILE');
  const indexes = db.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL").all() as { name: string; sql: string }[];
  db.exec('BEGIN');
  for (const index of indexes) db.exec(`DROP INDEX ${quote(index.name)}`);
  // Rows the migrations seeded (default roles, settings) give way to the backup's: children first.
  for (const name of options.clear) if (db.prepare(`SELECT 1 FROM ${quote(name)} LIMIT 1`).get()) db.exec(`DELETE FROM ${quote(name)}`);
  let rows = 0;
  let current: { name: string; insert: SQLite.Statement; decode: (line: string) => unknown[] } | undefined;
  return {
    table(name: string, columns: string[], format: { version: 1 | 2; kinds: ColumnKind[] }) {
      current = {
        name,
        insert: db.prepare(`INSERT INTO ${quote(name)} (${columns.map(quote).join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`),
        decode: format.version === 1 ? decoders.json(columns.length) : decoders.copy(format.kinds),
      };
    },
    /** A chunk's text: whole lines, each ending with a line feed. */
    chunk(text: string) {
      if (!current) throw new Error('rows came before their table');
      const lines = text.slice(0, -1).split('\n');
      for (const line of lines) {
        let values: unknown[];
        try {
          values = current.decode(line);
        } catch (error) {
          throw refuse(`table ${current.name}: ${(error as Error).message}`);
        }
        current.insert.run(values);
        rows += 1;
      }
    },
    finish(): number {
      for (const index of indexes) {
        try {
          db.exec(index.sql);
        } catch (error) {
          throw refuse(`the restored rows break index ${index.name}: ${(error as Error).message}`);
        }
      }
      const broken = db.prepare('PRAGMA foreign_key_check').all() as { table: string }[];
      if (broken.length > 0) throw refuse(`the restored rows break ${broken.length} foreign keys (first in table ${broken[0]?.table})`);
      db.exec('COMMIT');
      return rows;
    },
    close() {
      if (db.open) db.close();
    },
  };
}
