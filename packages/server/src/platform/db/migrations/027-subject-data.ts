import type { Kysely } from 'kysely';
import type { DialectKind } from '../database.js';
import { blobType } from '../record-table.js';

/**
 * Data-subject rights (access, erasure, restriction):
 * - `subject_restrictions`: one row per restricted data subject (GDPR Art. 18): their records are kept
 *   but may not be edited, exported or put in a campaign audience while the row exists.
 * - `subject_legal_holds`: a record (table + row) of a subject that an erasure must keep, with a reason
 *   code and the officer's note sealed under the audit data key (free text typed by staff).
 * - `subject_erasures`: an erasure as resumable steps; `steps_done` lists the finished steps, so an
 *   erasure interrupted half way is completed by running it again (at start-up and on retry).
 * - `access_packages`: an access / portability package, encrypted under a key derived (scrypt) from a
 *   passphrase shown once to the officer; downloadable once through a random token kept only as a hash.
 * - indexes on the columns that lead a subject's export to rows that name it only through another table.
 */
export function subjectDataMigration(dialect: DialectKind) {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('subject_restrictions')
        .addColumn('subject_id', 'text', (c) => c.primaryKey().references('data_subjects.id'))
        .addColumn('reason_code', 'text', (c) => c.notNull())
        .addColumn('request_id', 'text')
        .addColumn('restricted_by', 'text')
        .addColumn('restricted_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('subject_legal_holds')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('subject_id', 'text', (c) => c.notNull().references('data_subjects.id'))
        .addColumn('table_name', 'text', (c) => c.notNull())
        .addColumn('row_id', 'text', (c) => c.notNull())
        .addColumn('reason_code', 'text', (c) => c.notNull())
        .addColumn('note_enc', blobType(dialect))
        .addColumn('placed_by', 'text')
        .addColumn('placed_at', 'text', (c) => c.notNull())
        .addColumn('released_at', 'text')
        .execute();
      await db.schema.createIndex('subject_legal_holds_subject_id').on('subject_legal_holds').columns(['subject_id', 'table_name', 'row_id']).execute();
      await db.schema
        .createTable('subject_erasures')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('subject_id', 'text', (c) => c.notNull().references('data_subjects.id'))
        .addColumn('request_id', 'text')
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('steps_done', 'text', (c) => c.notNull())
        .addColumn('held', 'integer', (c) => c.notNull())
        .addColumn('requested_by', 'text')
        .addColumn('started_at', 'text', (c) => c.notNull())
        .addColumn('finished_at', 'text')
        .execute();
      await db.schema.createIndex('subject_erasures_subject_id').on('subject_erasures').column('subject_id').execute();
      await db.schema.createIndex('subject_erasures_status').on('subject_erasures').column('status').execute();
      await db.schema
        .createTable('access_packages')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('subject_id', 'text', (c) => c.notNull().references('data_subjects.id'))
        .addColumn('request_id', 'text')
        .addColumn('token_hash', 'text', (c) => c.notNull().unique())
        .addColumn('format', 'text', (c) => c.notNull())
        .addColumn('package_enc', blobType(dialect), (c) => c.notNull())
        .addColumn('size', 'integer', (c) => c.notNull())
        .addColumn('created_by', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'text', (c) => c.notNull())
        .addColumn('downloaded_at', 'text')
        .execute();
      await db.schema.createIndex('access_packages_subject_id').on('access_packages').column('subject_id').execute();
      // The export plan reads every personal table by subject_id, and the tables that name a subject's
      // rows only through another table by that column: each needs an index (EXPLAIN test).
      await db.schema.createIndex('users_subject_id').ifNotExists().on('users').column('subject_id').execute();
      await db.schema.createIndex('subscriptions_billing_account_id').ifNotExists().on('subscriptions').column('billing_account_id').execute();
    },
  };
}
