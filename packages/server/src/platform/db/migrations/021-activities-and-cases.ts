import type { Kysely } from 'kysely';
import type { DialectKind } from '../database.js';
import { blobType, columnTypes, recordIndexes, recordTable } from '../record-table.js';

/**
 * Service: activities attached to any record (polymorphic about_object / about_id, sealed under the
 * key of the contact they concern) and service cases (工单) with their SLA clock fields.
 */
export function activitiesAndCasesMigration(dialect: DialectKind) {
  const blob = blobType(dialect);
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await recordTable(db, 'activities', { owned: true, subject: 'via' })
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('about_object', 'text', (c) => c.notNull())
        .addColumn('about_id', 'text', (c) => c.notNull())
        .addColumn('contact_id', 'text', (c) => c.references('contacts.id'))
        .addColumn('subject_enc', blob)
        .addColumn('body_enc', blob)
        .addColumn('due_date', columnTypes.date)
        .addColumn('done', columnTypes.boolean, (c) => c.notNull().defaultTo(0))
        .addColumn('done_at', columnTypes.datetime)
        .execute();
      await recordIndexes(db, 'activities', { owned: true, subject: 'via' }, ['contact_id']);
      await db.schema.createIndex('activities_about').on('activities').columns(['about_object', 'about_id', 'id']).execute();

      await recordTable(db, 'cases', { owned: true, subject: 'via' })
        .addColumn('contact_id', 'text', (c) => c.notNull().references('contacts.id'))
        .addColumn('account_id', 'text', (c) => c.references('accounts.id'))
        .addColumn('subscription_id', 'text')
        .addColumn('category', 'text', (c) => c.notNull())
        .addColumn('priority', 'text', (c) => c.notNull())
        .addColumn('channel', 'text', (c) => c.notNull())
        .addColumn('description_enc', blob)
        .addColumn('status', 'text', (c) => c.notNull().defaultTo('new'))
        .addColumn('resolution_enc', blob)
        .addColumn('satisfaction', columnTypes.integer)
        .addColumn('has_resolution', columnTypes.boolean, (c) => c.notNull().defaultTo(0))
        .addColumn('first_response_at', columnTypes.datetime)
        .addColumn('resolved_at', columnTypes.datetime)
        .addColumn('closed_at', columnTypes.datetime)
        .addColumn('paused_since', columnTypes.datetime)
        .addColumn('paused_seconds', columnTypes.integer, (c) => c.notNull().defaultTo(0))
        .addColumn('response_breached', columnTypes.boolean, (c) => c.notNull().defaultTo(0))
        .addColumn('resolution_breached', columnTypes.boolean, (c) => c.notNull().defaultTo(0))
        .addColumn('escalation_level', columnTypes.integer, (c) => c.notNull().defaultTo(0))
        .addColumn('escalated_at', columnTypes.datetime)
        .execute();
      await recordIndexes(db, 'cases', { owned: true, subject: 'via' }, ['contact_id', 'status']);
    },
  };
}
