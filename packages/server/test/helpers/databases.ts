import { randomBytes } from 'node:crypto';
import { appendFileSync } from 'node:fs';
import pg from 'pg';
import { expect } from 'vitest';

/**
 * Which databases the tests run on.
 *
 * - CASTELLAN_TEST_PG_URL: a PostgreSQL superuser URL (it creates a scratch database and two roles
 *   per test install). Unset, the medium tier runs on SQLite only, unless CASTELLAN_TEST_REQUIRE_PG=1
 *   (CI sets it for its PostgreSQL run), which makes the missing URL an error instead of a silent skip.
 * - CASTELLAN_TEST_DB=postgres switches the end-to-end tier to PostgreSQL (and needs the URL).
 * - CASTELLAN_TEST_PG_LOG: a file to which every scratch database appends one line (CI counts them).
 */
export interface TestDatabases {
  /** Dialects the medium tier runs on. */
  testDialects: ('sqlite' | 'postgres')[];
  /** The dialect of the end-to-end tier. */
  e2eDialect: 'sqlite' | 'postgres';
  pgUrl: string | undefined;
}

/** Reads the test environment; throws where a tier would otherwise silently not run. */
export function resolveTestDatabases(env: NodeJS.ProcessEnv): TestDatabases {
  const pgUrl = env.CASTELLAN_TEST_PG_URL || undefined;
  const e2eDb = env.CASTELLAN_TEST_DB || 'sqlite';
  if (!pgUrl && env.CASTELLAN_TEST_REQUIRE_PG === '1') {
    throw new Error('CASTELLAN_TEST_REQUIRE_PG=1 but CASTELLAN_TEST_PG_URL is not set: the PostgreSQL tier would silently not run');
  }
  if (e2eDb !== 'sqlite' && e2eDb !== 'postgres') throw new Error(`CASTELLAN_TEST_DB must be sqlite or postgres, not ${JSON.stringify(e2eDb)}`);
  if (e2eDb === 'postgres' && !pgUrl) {
    throw new Error('CASTELLAN_TEST_DB=postgres needs CASTELLAN_TEST_PG_URL (a superuser URL, e.g. postgres://postgres@127.0.0.1:5432/test)');
  }
  return { testDialects: pgUrl ? ['sqlite', 'postgres'] : ['sqlite'], e2eDialect: e2eDb, pgUrl };
}

const resolved = resolveTestDatabases(process.env);
const pgUrl = resolved.pgUrl;

/** Dialects the medium tier runs on: SQLite always, PostgreSQL when CASTELLAN_TEST_PG_URL is set. */
export const testDialects: ('sqlite' | 'postgres')[] = resolved.testDialects;

/** The dialect the end-to-end tier runs on (CASTELLAN_TEST_DB=postgres switches it). */
export const e2eDialect: 'sqlite' | 'postgres' = resolved.e2eDialect;

export interface ScratchPostgres {
  /** URL of the application role: LOGIN, NOSUPERUSER, owns nothing (CASTELLAN_DATABASE_URL). */
  url: string;
  /** URL of the role that owns the database and its schema (CASTELLAN_DATABASE_OWNER_URL). */
  ownerUrl: string;
  /** The superuser URL (CASTELLAN_TEST_PG_URL) pointed at this database: for setting up attacks and upgrades. */
  superuserUrl: string;
  /** The two role names (for assertions about privileges). */
  appRole: string;
  ownerRole: string;
  /** Drops the database and both roles. */
  drop(): Promise<void>;
}

async function asSuperuser<T>(base: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: base });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

function urlFor(base: string, database: string, role: string, password: string): string {
  const url = new URL(base);
  url.pathname = `/${database}`;
  url.username = role;
  url.password = password;
  return url.toString();
}

function recordScratchDatabase(name: string): void {
  const log = process.env.CASTELLAN_TEST_PG_LOG;
  if (!log) return;
  let testPath = '';
  try {
    testPath = expect.getState().testPath ?? '';
  } catch {
    /* outside a test file */
  }
  appendFileSync(log, `${name} ${testPath}\n`);
}

/**
 * A fresh, empty PostgreSQL database for one test, as production should run it: owned by a fresh
 * owner role (LOGIN, NOSUPERUSER, NOCREATEDB, NOCREATEROLE), used by a separate application role
 * (LOGIN, NOSUPERUSER) that owns nothing, so that REVOKE and the grants are really exercised.
 * `url` is the application role's (what CASTELLAN_DATABASE_URL gets), `ownerUrl` the owner's.
 */
export async function createScratchPostgres(): Promise<ScratchPostgres> {
  const base = pgUrl;
  if (!base) throw new Error('CASTELLAN_TEST_PG_URL is not set');
  const name = `castellan_t_${randomBytes(6).toString('hex')}`;
  const ownerRole = `${name}_owner`;
  const appRole = `${name}_app`;
  const ownerPassword = randomBytes(12).toString('hex');
  const appPassword = randomBytes(12).toString('hex');
  await asSuperuser(base, async (c) => {
    await c.query(`CREATE ROLE ${ownerRole} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD '${ownerPassword}'`);
    await c.query(`CREATE ROLE ${appRole} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD '${appPassword}'`);
    await c.query(`CREATE DATABASE ${name} OWNER ${ownerRole}`);
  });
  recordScratchDatabase(name);
  return {
    url: urlFor(base, name, appRole, appPassword),
    ownerUrl: urlFor(base, name, ownerRole, ownerPassword),
    superuserUrl: Object.assign(new URL(base), { pathname: `/${name}` }).toString(),
    appRole,
    ownerRole,
    async drop() {
      await asSuperuser(base, async (c) => {
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await c.query(`DROP ROLE IF EXISTS ${appRole}`);
        await c.query(`DROP ROLE IF EXISTS ${ownerRole}`);
      });
    },
  };
}

/** Runs `work` on one plain pg connection (e.g. as the owner, to act as a database administrator would). */
export async function withPgClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  return asSuperuser(url, work);
}
