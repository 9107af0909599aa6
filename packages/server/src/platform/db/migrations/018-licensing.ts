import type { CreateTableBuilder, Kysely } from 'kysely';
import { columnTypes, recordIndexes, recordTable } from '../record-table.js';

/** The columns a rights-in record and a licence share: territories × media × window × exclusivity. */
function withWindow<T extends string>(table: CreateTableBuilder<T, 'id'>): CreateTableBuilder<T, 'id'> {
  return table
    .addColumn('territories', 'text', (c) => c.notNull())
    .addColumn('media', 'text', (c) => c.notNull())
    .addColumn('window_start', columnTypes.date, (c) => c.notNull())
    .addColumn('window_end', columnTypes.date, (c) => c.notNull())
    .addColumn('exclusive', columnTypes.boolean, (c) => c.notNull().defaultTo(0));
}

/** Licensing (版权发行): titles (reference data), rights held, licences sold, their payment schedules. */
export function licensingMigration() {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await recordTable(db, 'titles', { owned: false })
        .addColumn('title_zh', 'text', (c) => c.notNull())
        .addColumn('title_en', 'text')
        .addColumn('original_title', 'text')
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('genre', 'text')
        .addColumn('episodes', columnTypes.integer)
        .addColumn('minutes_per_episode', columnTypes.integer)
        .addColumn('year', columnTypes.integer)
        .addColumn('distribution_licence_no', 'text')
        .addColumn('screening_licence_no', 'text')
        .addColumn('producer_account_id', columnTypes.id, (c) => c.references('accounts.id'))
        .execute();
      await recordIndexes(db, 'titles', { owned: false }, ['producer_account_id']);

      const rightsShape = { owned: true } as const;
      await withWindow(
        recordTable(db, 'rights', rightsShape)
          .addColumn('title_id', columnTypes.id, (c) => c.notNull().references('titles.id'))
          .addColumn('licensor_account_id', columnTypes.id, (c) => c.notNull().references('accounts.id'))
          .addColumn('contract_number', 'text', (c) => c.notNull()),
      ).execute();
      await recordIndexes(db, 'rights', rightsShape, ['title_id', 'licensor_account_id']);

      await withWindow(
        recordTable(db, 'licenses', rightsShape)
          .addColumn('title_id', columnTypes.id, (c) => c.notNull().references('titles.id'))
          .addColumn('licensee_account_id', columnTypes.id, (c) => c.notNull().references('accounts.id'))
          .addColumn('contract_number', 'text', (c) => c.notNull().unique()),
      )
        .addColumn('runs', columnTypes.integer)
        .addColumn('fee_fen', columnTypes.integer, (c) => c.notNull())
        .addColumn('currency', 'text', (c) => c.notNull().defaultTo('CNY'))
        .addColumn('status', 'text', (c) => c.notNull().defaultTo('draft'))
        .addColumn('signed_on', columnTypes.date)
        .execute();
      await recordIndexes(db, 'licenses', rightsShape, ['title_id', 'licensee_account_id']);

      await recordTable(db, 'license_payments', rightsShape)
        .addColumn('license_id', columnTypes.id, (c) => c.notNull().references('licenses.id'))
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('due_date', columnTypes.date, (c) => c.notNull())
        .addColumn('amount_fen', columnTypes.integer, (c) => c.notNull())
        .addColumn('currency', 'text')
        .addColumn('paid_on', columnTypes.date)
        .execute();
      await recordIndexes(db, 'license_payments', rightsShape, ['license_id', 'due_date']);
    },
  };
}
