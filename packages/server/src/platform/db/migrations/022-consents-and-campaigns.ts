import type { Kysely } from 'kysely';
import type { DialectKind } from '../database.js';
import { blobType, columnTypes, recordIndexes, recordTable } from '../record-table.js';

/** Marketing: the append-only consent ledger (sealed evidence under the person's key) and campaigns. */
export function consentsAndCampaignsMigration(dialect: DialectKind) {
  const blob = blobType(dialect);
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await recordTable(db, 'consents', { owned: true, subject: 'via' })
        .addColumn('contact_id', 'text', (c) => c.notNull().references('contacts.id'))
        .addColumn('purpose', 'text', (c) => c.notNull())
        .addColumn('channel', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('at', columnTypes.datetime, (c) => c.notNull())
        .addColumn('expires_at', columnTypes.datetime)
        .addColumn('source', 'text', (c) => c.notNull())
        .addColumn('given_by', 'text', (c) => c.notNull().defaultTo('subject'))
        .addColumn('evidence_enc', blob)
        .execute();
      await recordIndexes(db, 'consents', { owned: true, subject: 'via' }, ['contact_id']);
      await db.schema.createIndex('consents_purpose_channel').on('consents').columns(['purpose', 'channel', 'contact_id']).execute();

      await recordTable(db, 'campaigns', { owned: true })
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('purpose', 'text', (c) => c.notNull())
        .addColumn('channel', 'text', (c) => c.notNull())
        .addColumn('filters', 'text', (c) => c.notNull().defaultTo('{}'))
        .addColumn('status', 'text', (c) => c.notNull().defaultTo('draft'))
        .addColumn('start_date', columnTypes.date)
        .addColumn('end_date', columnTypes.date)
        .execute();
      await recordIndexes(db, 'campaigns', { owned: true });
    },
  };
}
