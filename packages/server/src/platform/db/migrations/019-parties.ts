import type { Kysely } from 'kysely';
import type { DialectKind } from '../database.js';
import { blobType, columnTypes, recordIndexes, recordTable } from '../record-table.js';

/**
 * Parties (issue 8, item 1): accounts gain their 统一社会信用代码 (unique when present), credit limit
 * and parent account; agency ↔ advertiser links and brands; households (service addresses, sealed
 * under the head of household's key); contacts gain the minor flag, a guardian and a household.
 */
export function partiesMigration(dialect: DialectKind) {
  const blob = blobType(dialect);
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable('accounts').addColumn('uscc', 'text').execute();
      await db.schema.alterTable('accounts').addColumn('credit_limit', columnTypes.integer).execute();
      await db.schema
        .alterTable('accounts')
        .addColumn('parent_id', 'text', (c) => c.references('accounts.id'))
        .execute();
      await db.schema.createIndex('accounts_uscc').on('accounts').column('uscc').unique().execute();
      await db.schema.createIndex('accounts_parent_id').on('accounts').column('parent_id').execute();

      await recordTable(db, 'agency_links', { owned: true })
        .addColumn('agency_id', 'text', (c) => c.notNull().references('accounts.id'))
        .addColumn('advertiser_id', 'text', (c) => c.notNull().references('accounts.id'))
        .addColumn('valid_from', columnTypes.date, (c) => c.notNull())
        .addColumn('valid_to', columnTypes.date)
        .execute();
      await recordIndexes(db, 'agency_links', { owned: true }, ['agency_id', 'advertiser_id']);

      await recordTable(db, 'brands', { owned: true })
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('advertiser_id', 'text', (c) => c.notNull().references('accounts.id'))
        .execute();
      await db.schema.createIndex('brands_advertiser_name').on('brands').columns(['advertiser_id', 'name']).unique().execute();
      await recordIndexes(db, 'brands', { owned: true });

      await recordTable(db, 'households', { owned: true, subject: 'via' })
        .addColumn('head_contact_id', 'text', (c) => c.notNull().references('contacts.id'))
        .addColumn('address_enc', blob)
        .execute();
      await recordIndexes(db, 'households', { owned: true, subject: 'via' }, ['head_contact_id']);

      await db.schema
        .alterTable('contacts')
        .addColumn('is_minor', columnTypes.boolean, (c) => c.notNull().defaultTo(0))
        .execute();
      await db.schema
        .alterTable('contacts')
        .addColumn('guardian_id', 'text', (c) => c.references('contacts.id'))
        .execute();
      await db.schema
        .alterTable('contacts')
        .addColumn('household_id', 'text', (c) => c.references('households.id'))
        .execute();
      await db.schema.createIndex('contacts_guardian_id').on('contacts').column('guardian_id').execute();
      await db.schema.createIndex('contacts_household_id').on('contacts').column('household_id').execute();
    },
  };
}
