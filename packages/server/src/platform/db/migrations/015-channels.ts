import type { Kysely } from 'kysely';
import { columnTypes, recordTable } from '../record-table.js';

/** Ad sales: channels (频道/频率), organisation-wide reference data. */
export function channelsMigration() {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await recordTable(db, 'channels', { owned: false })
        .addColumn('code', 'text', (c) => c.notNull().unique())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('active', columnTypes.boolean, (c) => c.notNull().defaultTo(1))
        .execute();
    },
  };
}
