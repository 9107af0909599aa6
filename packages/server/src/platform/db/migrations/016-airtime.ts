import type { Kysely } from 'kysely';
import { columnTypes, recordIndexes, recordTable } from '../record-table.js';

/**
 * Ad sales, airtime: dayparts (时段) and breaks (广告位) of a channel, and the rate card (刊例价) by
 * channel × daypart × spot length with validity dates. Organisation-wide reference data.
 */
export function airtimeMigration() {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      const reference = { owned: false } as const;
      await recordTable(db, 'dayparts', reference)
        .addColumn('channel_id', 'text', (c) => c.notNull().references('channels.id'))
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('start_time', 'text', (c) => c.notNull())
        .addColumn('end_time', 'text', (c) => c.notNull())
        .execute();
      await recordIndexes(db, 'dayparts', reference, ['channel_id']);
      await recordTable(db, 'breaks', reference)
        .addColumn('channel_id', 'text', (c) => c.notNull().references('channels.id'))
        .addColumn('daypart_id', 'text', (c) => c.notNull().references('dayparts.id'))
        .addColumn('name', 'text')
        .addColumn('start_time', 'text', (c) => c.notNull())
        .addColumn('max_duration', columnTypes.integer, (c) => c.notNull())
        .execute();
      await recordIndexes(db, 'breaks', reference, ['channel_id', 'daypart_id']);
      await recordTable(db, 'rate_cards', reference)
        .addColumn('channel_id', 'text', (c) => c.notNull().references('channels.id'))
        .addColumn('daypart_id', 'text', (c) => c.notNull().references('dayparts.id'))
        .addColumn('spot_length', columnTypes.integer, (c) => c.notNull())
        .addColumn('price', columnTypes.integer, (c) => c.notNull())
        .addColumn('valid_from', columnTypes.date, (c) => c.notNull())
        .addColumn('valid_to', columnTypes.date)
        .execute();
      await db.schema.createIndex('rate_cards_lookup').on('rate_cards').columns(['channel_id', 'daypart_id', 'spot_length']).execute();
    },
  };
}
