import type { Kysely } from 'kysely';
import type { DialectKind } from '../database.js';
import { blobType, columnTypes, recordIndexes, recordTable } from '../record-table.js';

/**
 * Subscribers (issue 8, item 4): billing accounts (the customer's key seals the billing address),
 * subscriptions, their lifecycle history (the reason sealed) and devices (serial, CA number and MAC
 * sealed; serial and CA number searchable through blind indexes).
 */
export function subscribersMigration(dialect: DialectKind) {
  const blob = blobType(dialect);
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await recordTable(db, 'billing_accounts', { owned: true, subject: 'via' })
        .addColumn('contact_id', 'text', (c) => c.notNull().references('contacts.id'))
        .addColumn('account_number', 'text', (c) => c.notNull().unique())
        .addColumn('status', 'text', (c) => c.notNull().defaultTo('active'))
        .addColumn('billing_address_enc', blob)
        .execute();
      await recordIndexes(db, 'billing_accounts', { owned: true, subject: 'via' }, ['contact_id']);

      await recordTable(db, 'subscriptions', { owned: true })
        .addColumn('billing_account_id', 'text', (c) => c.notNull().references('billing_accounts.id'))
        .addColumn('package_code', 'text', (c) => c.notNull())
        .addColumn('package_kind', 'text', (c) => c.notNull())
        .addColumn('price_fen', columnTypes.integer, (c) => c.notNull())
        .addColumn('start_date', columnTypes.date, (c) => c.notNull())
        .addColumn('end_date', columnTypes.date)
        .addColumn('auto_renew', columnTypes.boolean, (c) => c.notNull().defaultTo(0))
        .addColumn('status', 'text', (c) => c.notNull().defaultTo('pending'))
        .addColumn('household_id', 'text', (c) => c.references('households.id'))
        .addColumn('activated_on', columnTypes.date)
        .addColumn('cancelled_on', columnTypes.date)
        .execute();
      await recordIndexes(db, 'subscriptions', { owned: true }, ['billing_account_id', 'household_id']);

      await recordTable(db, 'subscription_history', { owned: true, subject: 'via' })
        .addColumn('subscription_id', 'text', (c) => c.notNull().references('subscriptions.id'))
        .addColumn('billing_account_id', 'text', (c) => c.notNull().references('billing_accounts.id'))
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('from_status', 'text', (c) => c.notNull())
        .addColumn('to_status', 'text', (c) => c.notNull())
        .addColumn('at', columnTypes.datetime, (c) => c.notNull())
        .addColumn('by_user_id', 'text', (c) => c.notNull().references('users.id'))
        .addColumn('detail', 'text')
        .addColumn('reason_enc', blob)
        .execute();
      await recordIndexes(db, 'subscription_history', { owned: true, subject: 'via' }, ['subscription_id', 'billing_account_id']);

      await recordTable(db, 'devices', { owned: true, subject: 'via' })
        .addColumn('subscription_id', 'text', (c) => c.notNull().references('subscriptions.id'))
        .addColumn('billing_account_id', 'text', (c) => c.notNull().references('billing_accounts.id'))
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('serial_number_enc', blob)
        .addColumn('serial_number_bidx', 'text')
        .addColumn('ca_number_enc', blob)
        .addColumn('ca_number_bidx', 'text')
        .addColumn('mac_address_enc', blob)
        .execute();
      await recordIndexes(db, 'devices', { owned: true, subject: 'via' }, ['subscription_id', 'billing_account_id', 'serial_number_bidx', 'ca_number_bidx']);
    },
  };
}
