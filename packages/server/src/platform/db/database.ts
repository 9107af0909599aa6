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
  /**
   * PostgreSQL: true when a separate owner role is configured (CASTELLAN_DATABASE_OWNER_URL). The
   * application role then holds only the privileges the owner granted it after migrating.
   */
  readonly separateOwner: boolean;
  /**
   * Runs `work` as the role that owns the schema (migrations, the audit retention's delete step): on
   * a separate short-lived connection with CASTELLAN_DATABASE_OWNER_URL, or on this database when
   * no owner URL is set (SQLite; PostgreSQL with one role for both). The connection is closed after.
   */
  withOwner<T>(work: (owner: Kysely<Database>) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export type DatabaseTarget = { kind: 'sqlite'; file: string; cacheMiB?: number } | { kind: 'postgres'; url: string; ownerUrl?: string };

// PostgreSQL returns int8 as a string; our int8 values (sequence numbers, counts) fit a JS number.
pg.types.setTypeParser(20, (value) => Number.parseInt(value, 10));

function postgresKysely(url: string, max: number): Kysely<Database> {
  const pool = new pg.Pool({ connectionString: url, max });
  // An idle connection dropped by the server (restart, failover) must not crash the process:
  // the pool discards it and the next query opens a new one.
  pool.on('error', () => undefined);
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
}

/**
 * A Kysely that runs every query on one open pg client (its transaction, if one is open), never
 * releasing or ending it: for work that must share a transaction with COPY on that client.
 */
export function kyselyOnClient(client: pg.Client): Kysely<Database> {
  // Kysely hands back what it borrowed with release(): a no-op on this client, which its caller ends.
  const borrowed = Object.assign(client, { release: () => undefined });
  const pool = { connect: async () => borrowed, end: async () => undefined };
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool: pool as unknown as pg.Pool }) });
}

/** Opens the database. SQLite: WAL, foreign keys, busy timeout, synchronous=NORMAL, 64 MiB page cache (CASTELLAN_SQLITE_CACHE_MIB); planner statistics are refreshed after bulk writes (refreshPlannerStatistics), never on a near-empty database where they would mislead the planner. */
export function openDatabase(target: DatabaseTarget): Db {
  if (target.kind === 'sqlite') {
    const sqlite = new SQLite(target.file);
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = NORMAL');
    sqlite.pragma('foreign_keys = ON');
    sqlite.pragma('busy_timeout = 10000');
    sqlite.pragma('secure_delete = ON');
    sqlite.pragma(`cache_size = -${(target.cacheMiB ?? 64) * 1024}`);
    sqlite.pragma('analysis_limit = 2000');
    const kysely = new Kysely<Database>({ dialect: new SqliteDialect({ database: cachedStatements(sqlite) }) });
    return { kysely, dialect: 'sqlite', file: target.file, separateOwner: false, withOwner: (work) => work(kysely), close: () => kysely.destroy() };
  }
  const kysely = postgresKysely(target.url, 10);
  const ownerUrl = target.ownerUrl;
  return {
    kysely,
    dialect: 'postgres',
    separateOwner: ownerUrl !== undefined,
    async withOwner(work) {
      if (ownerUrl === undefined) return work(kysely);
      const owner = postgresKysely(ownerUrl, 1);
      try {
        return await work(owner);
      } finally {
        await owner.destroy();
      }
    },
    close: () => kysely.destroy(),
  };
}
