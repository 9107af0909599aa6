import type { Kysely } from 'kysely';
import type { DialectKind } from '../database.js';
import { blobType, columnTypes, recordIndexes, recordTable } from '../record-table.js';

/**
 * Data-subject requests: the case (sealed under a data-subject key of its own), its append-only
 * history (no personal value: who, when, which step, from and to which status), and the one-time
 * identity-verification code (only a keyed MAC of it; attempts counted down by one conditional update).
 */
export function privacyRequestsMigration(dialect: DialectKind) {
  const blob = blobType(dialect);
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await recordTable(db, 'privacy_requests', { owned: true, subject: 'own' })
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('law', 'text', (c) => c.notNull())
        .addColumn('format', 'text')
        .addColumn('source', 'text', (c) => c.notNull().defaultTo('staff'))
        .addColumn('requester_name_enc', blob)
        .addColumn('requester_email_enc', blob)
        .addColumn('requester_email_bidx', 'text')
        .addColumn('details_enc', blob)
        .addColumn('contact_id', 'text', (c) => c.references('contacts.id'))
        .addColumn('status', 'text', (c) => c.notNull().defaultTo('unverified'))
        .addColumn('received_at', columnTypes.datetime, (c) => c.notNull())
        .addColumn('verified_at', columnTypes.datetime)
        .addColumn('due_at', columnTypes.datetime)
        .addColumn('due_day', columnTypes.date)
        .addColumn('extended', columnTypes.boolean, (c) => c.notNull().defaultTo(0))
        .addColumn('extension_reason_enc', blob)
        .addColumn('paused_since', columnTypes.datetime)
        .addColumn('paused_seconds', columnTypes.integer, (c) => c.notNull().defaultTo(0))
        .addColumn('reminder_stage', columnTypes.integer, (c) => c.notNull().defaultTo(0))
        .addColumn('overdue', columnTypes.boolean, (c) => c.notNull().defaultTo(0))
        .addColumn('response_enc', blob)
        .addColumn('has_response', columnTypes.boolean, (c) => c.notNull().defaultTo(0))
        .addColumn('closed_at', columnTypes.datetime)
        .execute();
      await recordIndexes(db, 'privacy_requests', { owned: true, subject: 'own' }, ['requester_email_bidx', 'contact_id', 'status', 'due_at']);

      await db.schema
        .createTable('privacy_request_events')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('request_id', 'text', (c) => c.notNull().references('privacy_requests.id'))
        .addColumn('at', 'text', (c) => c.notNull())
        .addColumn('actor_user_id', 'text')
        .addColumn('step', 'text', (c) => c.notNull())
        .addColumn('from_status', 'text')
        .addColumn('to_status', 'text')
        .addColumn('detail', 'text', (c) => c.notNull().defaultTo('{}'))
        .execute();
      await db.schema.createIndex('privacy_request_events_request').on('privacy_request_events').columns(['request_id', 'id']).execute();

      await db.schema
        .createTable('privacy_request_codes')
        .addColumn('request_id', 'text', (c) => c.primaryKey().references('privacy_requests.id'))
        .addColumn('code_mac', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'text', (c) => c.notNull())
        .addColumn('attempts_left', 'integer', (c) => c.notNull())
        .addColumn('used_at', 'text')
        .addColumn('status_token_mac', 'text')
        .execute();
    },
  };
}
