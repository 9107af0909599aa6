import SQLite from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import type { Database } from './schema.js';
import { cachedStatements } from './sqlite-statement-cache.js';

export type DialectKind = 'sqlite' | 'postgres';

export interface Db {
  readonly kysely: Kysely<Database>;
  readonly dialect: DialectKind;
  /** Where the SQLite file lives (undefined on PostgreSQL). */
  readonly file?: string;
  close(): Promise<void>;
}

export type DatabaseTarget = { kind: 'sqlite'; file: string } | { kind: 'postgres'; url: string };

// PostgreSQL returns int8 as a string; our int8 values (sequence numbers, counts) fit a JS number.
pg.types.setTypeParser(20, (value) => Number.parseInt(value, 10));

/** Opens the database. SQLite: WAL, foreign keys, busy timeout, synchronous=NORMAL, 64 MiB page cache; planner statistics are refreshed after bulk writes (refreshPlannerStatistics), never on a near-empty database where they would mislead the planner. */
export function openDatabase(target: DatabaseTarget): Db {
  if (target.kind === 'sqlite') {
    const sqlite = new SQLite(target.file);
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = NORMAL');
    sqlite.pragma('foreign_keys = ON');
    sqlite.pragma('busy_timeout = 10000');
    sqlite.pragma('secure_delete = ON');
    sqlite.pragma('cache_size = -65536');
    sqlite.pragma('analysis_limit = 2000');
    const kysely = new Kysely<Database>({ dialect: new SqliteDialect({ database: cachedStatements(sqlite) }) });
    return { kysely, dialect: 'sqlite', file: target.file, close: () => kysely.destroy() };
  }
  const pool = new pg.Pool({ connectionString: target.url, max: 10 });
  // An idle connection dropped by the server (restart, failover) must not crash the process:
  // the pool discards it and the next query opens a new one.
  pool.on('error', () => undefined);
  const kysely = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return { kysely, dialect: 'postgres', close: () => kysely.destroy() };
}
