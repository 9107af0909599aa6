import type { Kysely } from 'kysely';

/**
 * Attempt throttles keep the end of their hourly window beside its start, so that a failure can be
 * counted (and the hourly-cap lock set to the window's end) by one statement on SQLite and
 * PostgreSQL alike, without date arithmetic in SQL. Existing rows get their window's end.
 */
interface ThrottleRow {
  key: string;
  window_start: string;
  window_end: string | null;
}

export function throttleWindowMigration() {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable('login_throttle').addColumn('window_end', 'text').execute();
      const rows = await (db as Kysely<{ login_throttle: ThrottleRow }>).selectFrom('login_throttle').select(['key', 'window_start']).execute();
      for (const row of rows) {
        const start = Date.parse(row.window_start);
        const end = Number.isNaN(start) ? null : new Date(start + 3600_000).toISOString();
        await (db as Kysely<{ login_throttle: ThrottleRow }>).updateTable('login_throttle').set({ window_end: end }).where('key', '=', row.key).execute();
      }
    },
  };
}
