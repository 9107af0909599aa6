import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** Dialects the medium tier runs on: SQLite always, PostgreSQL when CASTELLAN_TEST_PG_URL is set. */
export const testDialects: ('sqlite' | 'postgres')[] = process.env.CASTELLAN_TEST_PG_URL ? ['sqlite', 'postgres'] : ['sqlite'];

/** The dialect the end-to-end tier runs on (CASTELLAN_TEST_DB=postgres switches it). */
export const e2eDialect: 'sqlite' | 'postgres' = process.env.CASTELLAN_TEST_DB === 'postgres' ? 'postgres' : 'sqlite';

/** Creates a fresh, empty PostgreSQL database for one test; returns its URL and a drop function. */
export async function createScratchPostgres(): Promise<{ url: string; drop(): Promise<void> }> {
  const base = process.env.CASTELLAN_TEST_PG_URL;
  if (!base) throw new Error('CASTELLAN_TEST_PG_URL is not set');
  const name = `castellan_t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(base);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: base });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}
