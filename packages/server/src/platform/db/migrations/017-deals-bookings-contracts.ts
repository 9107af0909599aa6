import type { Kysely } from 'kysely';
import { newId } from '../../data/ids.js';
import type { DialectKind } from '../database.js';
import { blobType, columnTypes, recordIndexes, recordTable } from '../record-table.js';

/** The pipeline a new installation starts with; sales managers change it (deal stages are reference data). */
const defaultStages = [
  { code: 'enquiry', name: '线索 Enquiry', position: 10, probability: 10, is_won: 0, is_lost: 0 },
  { code: 'proposal', name: '方案 Proposal', position: 20, probability: 30, is_won: 0, is_lost: 0 },
  { code: 'negotiation', name: '谈判 Negotiation', position: 30, probability: 60, is_won: 0, is_lost: 0 },
  { code: 'won', name: '赢单 Won', position: 40, probability: 100, is_won: 1, is_lost: 0 },
  { code: 'lost', name: '输单 Lost', position: 50, probability: 0, is_won: 0, is_lost: 1 },
];

/**
 * Ad sales, the pipeline: configurable deal stages (seeded), deals (notes sealed under the deal's
 * contact person), bookings of spots (derived price, airtime and hour) and contracts with approval.
 */
export function dealsBookingsContractsMigration(dialect: DialectKind) {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await recordTable(db, 'deal_stages', { owned: false })
        .addColumn('code', 'text', (c) => c.notNull().unique())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('position', columnTypes.integer, (c) => c.notNull())
        .addColumn('probability', columnTypes.integer, (c) => c.notNull())
        .addColumn('is_won', columnTypes.boolean, (c) => c.notNull().defaultTo(0))
        .addColumn('is_lost', columnTypes.boolean, (c) => c.notNull().defaultTo(0))
        .execute();
      const now = new Date().toISOString();
      await (db as Kysely<Record<string, Record<string, unknown>>>)
        .insertInto('deal_stages')
        .values(defaultStages.map((stage) => ({ id: newId(), ...stage, created_at: now, updated_at: now })))
        .execute();

      const deal = { owned: true, subject: 'via' } as const;
      await recordTable(db, 'deals', deal)
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
        .addColumn('agency_id', 'text', (c) => c.references('accounts.id'))
        .addColumn('contact_id', 'text', (c) => c.references('contacts.id'))
        .addColumn('stage_id', 'text', (c) => c.notNull().references('deal_stages.id'))
        .addColumn('amount', columnTypes.integer, (c) => c.notNull())
        .addColumn('currency', 'text', (c) => c.notNull().defaultTo('CNY'))
        .addColumn('flight_start', columnTypes.date)
        .addColumn('flight_end', columnTypes.date)
        .addColumn('notes_enc', blobType(dialect))
        .execute();
      await recordIndexes(db, 'deals', deal, ['account_id', 'stage_id', 'contact_id']);

      const owned = { owned: true } as const;
      await recordTable(db, 'bookings', owned)
        .addColumn('deal_id', 'text', (c) => c.notNull().references('deals.id'))
        .addColumn('channel_id', 'text', (c) => c.notNull().references('channels.id'))
        .addColumn('break_id', 'text', (c) => c.notNull().references('breaks.id'))
        .addColumn('air_date', columnTypes.date, (c) => c.notNull())
        .addColumn('spot_length', columnTypes.integer, (c) => c.notNull())
        .addColumn('count', columnTypes.integer, (c) => c.notNull())
        .addColumn('discount_percent', columnTypes.integer, (c) => c.notNull().defaultTo(0))
        .addColumn('commission_percent', columnTypes.integer, (c) => c.notNull().defaultTo(0))
        .addColumn('public_service', columnTypes.boolean, (c) => c.notNull().defaultTo(0))
        .addColumn('status', 'text', (c) => c.notNull().defaultTo('booked'))
        .addColumn('make_good_of', 'text', (c) => c.references('bookings.id'))
        .addColumn('aired_count', columnTypes.integer, (c) => c.notNull().defaultTo(0))
        .addColumn('missed_count', columnTypes.integer, (c) => c.notNull().defaultTo(0))
        .addColumn('misaired_count', columnTypes.integer, (c) => c.notNull().defaultTo(0))
        .addColumn('aired_at', columnTypes.datetime)
        .addColumn('daypart_id', 'text', (c) => c.references('dayparts.id'))
        .addColumn('air_hour', columnTypes.integer, (c) => c.notNull())
        .addColumn('air_month', 'text', (c) => c.notNull())
        .addColumn('seconds', columnTypes.integer, (c) => c.notNull())
        .addColumn('list_price', columnTypes.integer, (c) => c.notNull())
        .addColumn('net_amount', columnTypes.integer, (c) => c.notNull())
        .execute();
      await recordIndexes(db, 'bookings', owned, ['deal_id', 'make_good_of', 'break_id']);
      await db.schema.createIndex('bookings_airtime').on('bookings').columns(['channel_id', 'air_date']).execute();

      await recordTable(db, 'contracts', owned)
        .addColumn('deal_id', 'text', (c) => c.notNull().references('deals.id'))
        .addColumn('number', 'text', (c) => c.notNull().unique())
        .addColumn('total', columnTypes.integer, (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull().defaultTo('draft'))
        .addColumn('created_by', 'text', (c) => c.references('users.id'))
        .addColumn('submitted_by', 'text', (c) => c.references('users.id'))
        .addColumn('submitted_at', columnTypes.datetime)
        .addColumn('approved_by', 'text', (c) => c.references('users.id'))
        .addColumn('decided_at', columnTypes.datetime)
        .execute();
      await recordIndexes(db, 'contracts', owned, ['deal_id']);
    },
  };
}
