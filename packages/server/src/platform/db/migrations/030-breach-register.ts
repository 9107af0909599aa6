import type { Kysely } from 'kysely';
import type { DialectKind } from '../database.js';
import { blobType } from '../record-table.js';

/**
 * The breach register: one row per incident (grade, categories, clocks' notification times; the
 * description and notes typed by staff sealed under the audit data key), the data subjects found
 * affected (ids only, no value), and the escalation reminders recorded once each — the primary key of
 * `breach_escalations` makes "once" atomic across parallel job runs.
 */
export function breachRegisterMigration(dialect: DialectKind) {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('breaches')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('discovered_at', 'text', (c) => c.notNull())
        .addColumn('occurred_at', 'text')
        .addColumn('grade_input', 'text', (c) => c.notNull())
        .addColumn('people_affected', 'bigint', (c) => c.notNull().defaultTo(0))
        .addColumn('categories', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('description_enc', blobType(dialect))
        .addColumn('notes_enc', blobType(dialect))
        .addColumn('gdpr_notified_at', 'text')
        .addColumn('cac_notified_at', 'text')
        .addColumn('subjects_notified_at', 'text')
        .addColumn('compromised_user_id', 'text')
        .addColumn('window_from', 'text')
        .addColumn('window_to', 'text')
        .addColumn('affected_count', 'integer')
        .addColumn('affected_found_at', 'text')
        .addColumn('created_by', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('breaches_discovered').on('breaches').column('discovered_at').execute();
      await db.schema
        .createTable('breach_subjects')
        .addColumn('breach_id', 'text', (c) => c.notNull().references('breaches.id').onDelete('cascade'))
        .addColumn('subject_id', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('breach_subjects_pk', ['breach_id', 'subject_id'])
        .execute();
      await db.schema.createIndex('breach_subjects_subject').on('breach_subjects').column('subject_id').execute();
      await db.schema
        .createTable('breach_escalations')
        .addColumn('breach_id', 'text', (c) => c.notNull().references('breaches.id').onDelete('cascade'))
        .addColumn('clock', 'text', (c) => c.notNull())
        .addColumn('percent', 'integer', (c) => c.notNull())
        .addColumn('at', 'text', (c) => c.notNull())
        .addColumn('mailed', 'integer', (c) => c.notNull().defaultTo(0))
        .addPrimaryKeyConstraint('breach_escalations_pk', ['breach_id', 'clock', 'percent'])
        .execute();
    },
  };
}
