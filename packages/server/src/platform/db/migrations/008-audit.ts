import { type Kysely, sql } from 'kysely';
import type { DialectKind } from '../database.js';

/**
 * Audit trail: an index of data subjects per event ("who has seen this customer"), signed
 * checkpoints, and on PostgreSQL the application role loses UPDATE/DELETE/TRUNCATE on the log.
 */
export function auditMigration(dialect: DialectKind) {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable('audit_events').addColumn('seal', 'text').execute();
      await db.schema
        .createTable('audit_subjects')
        .addColumn('subject_id', 'text', (c) => c.notNull())
        .addColumn('seq', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('audit_subjects_pk', ['subject_id', 'seq'])
        .execute();
      await db.schema
        .createTable('audit_checkpoints')
        .addColumn('seq', 'bigint', (c) => c.primaryKey())
        .addColumn('hash', 'text', (c) => c.notNull())
        .addColumn('at', 'text', (c) => c.notNull())
        .addColumn('key_id', 'text', (c) => c.notNull())
        .addColumn('signature', 'text', (c) => c.notNull())
        .execute();
      if (dialect === 'postgres') {
        // Only the retention job may delete, inside its own transaction (SET LOCAL), and only what it archived.
        await sql
          .raw(
            `CREATE OR REPLACE FUNCTION audit_events_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
             BEGIN
               IF TG_OP = 'DELETE' AND current_setting('castellan.audit_retention_upto', true) IS NOT NULL
                  AND current_setting('castellan.audit_retention_upto', true) <> ''
                  AND OLD.seq <= current_setting('castellan.audit_retention_upto', true)::bigint THEN
                 RETURN OLD;
               END IF;
               RAISE EXCEPTION 'audit_events is append-only';
             END $$`,
          )
          .execute(db);
        await sql`REVOKE UPDATE, DELETE, TRUNCATE ON audit_events FROM PUBLIC`.execute(db);
        await sql`REVOKE UPDATE, DELETE, TRUNCATE ON audit_events FROM CURRENT_USER`.execute(db);
      }
    },
  };
}
