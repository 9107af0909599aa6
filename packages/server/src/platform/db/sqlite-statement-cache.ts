import type BetterSqlite3 from 'better-sqlite3';
import type { SqliteDatabase, SqliteStatement } from 'kysely';

/**
 * What Kysely's SQLite driver sees instead of the raw better-sqlite3 handle:
 * - prepared statements are cached by SQL text (Kysely prepares every query anew, which costs more
 *   than running it); safe because the driver holds one connection behind a mutex;
 * - `begin` becomes `begin immediate`: every Castellan transaction writes (at least its audit event),
 *   and taking the write lock up front lets busy_timeout wait for another process (CLI vs server)
 *   instead of failing with SQLITE_BUSY on a read-to-write upgrade.
 */
export function cachedStatements(db: BetterSqlite3.Database, limit = 500): SqliteDatabase {
  const cache = new Map<string, BetterSqlite3.Statement>();
  return {
    prepare(sql: string): SqliteStatement {
      const text = sql === 'begin' ? 'begin immediate' : sql;
      let statement = cache.get(text);
      if (statement) {
        cache.delete(text);
      } else {
        statement = db.prepare(text);
        if (cache.size >= limit) {
          const oldest = cache.keys().next().value;
          if (oldest !== undefined) cache.delete(oldest);
        }
      }
      cache.set(text, statement);
      return statement as unknown as SqliteStatement;
    },
    close() {
      cache.clear();
      db.close();
    },
  };
}
