import { type Kysely, sql } from 'kysely';
import type { DialectKind } from '../database.js';
import { blobType } from '../record-table.js';

/**
 * The records of processing: the controller's details (the contact and the DPO sealed: they name
 * people), the record of processing activities (GDPR Art. 30) as numbered immutable versions, the
 * personal-information protection impact assessments (PIPL Arts. 55–56) with their versions (the
 * assessor's findings sealed under the audit data key), and the cross-border transfer register.
 * The database itself refuses to change a RoPA version or an approved assessment version.
 */
export function processingRecordsMigration(dialect: DialectKind) {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('records_controller')
        .addColumn('key', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('country', 'text', (c) => c.notNull())
        .addColumn('contact_enc', blobType(dialect))
        .addColumn('dpo_enc', blobType(dialect))
        .addColumn('revision', 'integer', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addColumn('updated_by', 'text')
        .execute();
      await db.schema
        .createTable('ropa_versions')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('number', 'integer', (c) => c.notNull().unique())
        .addColumn('content', 'text', (c) => c.notNull())
        .addColumn('content_hash', 'text', (c) => c.notNull())
        .addColumn('catalogue_fingerprint', 'text', (c) => c.notNull())
        .addColumn('controller_enc', blobType(dialect))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('created_by', 'text')
        .execute();
      await db.schema
        .createTable('pipias')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('activity', 'text', (c) => c.notNull().unique())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('created_by', 'text')
        .execute();
      await db.schema
        .createTable('pipia_versions')
        .addColumn('pipia_id', 'text', (c) => c.notNull().references('pipias.id').onDelete('cascade'))
        .addColumn('version', 'integer', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('content', 'text', (c) => c.notNull())
        .addColumn('content_hash', 'text', (c) => c.notNull())
        .addColumn('catalogue_fingerprint', 'text', (c) => c.notNull())
        .addColumn('findings_enc', blobType(dialect))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('created_by', 'text')
        .addColumn('approved_at', 'text')
        .addColumn('approved_by', 'text')
        .addPrimaryKeyConstraint('pipia_versions_pk', ['pipia_id', 'version'])
        .execute();
      await db.schema
        .createTable('transfers')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('recipient', 'text', (c) => c.notNull())
        .addColumn('country', 'text', (c) => c.notNull())
        .addColumn('mechanism', 'text')
        .addColumn('categories', 'text', (c) => c.notNull())
        .addColumn('activity', 'text', (c) => c.notNull())
        .addColumn('subjects_per_year', 'bigint', (c) => c.notNull())
        .addColumn('start_date', 'text', (c) => c.notNull())
        .addColumn('pipia_id', 'text', (c) => c.references('pipias.id'))
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('created_by', 'text')
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      await immutableVersions(db, dialect);
    },
  };
}

/** Triggers: a RoPA version never changes; an approved assessment version never changes. */
async function immutableVersions(db: Kysely<unknown>, dialect: DialectKind): Promise<void> {
  if (dialect === 'sqlite') {
    await sql`CREATE TRIGGER ropa_versions_immutable BEFORE UPDATE ON ropa_versions
      BEGIN SELECT RAISE(ABORT, 'a RoPA version is immutable'); END`.execute(db);
    await sql`CREATE TRIGGER pipia_versions_approved_immutable BEFORE UPDATE ON pipia_versions WHEN OLD.status = 'approved'
      BEGIN SELECT RAISE(ABORT, 'an approved PIPIA version is immutable'); END`.execute(db);
    return;
  }
  await sql`CREATE FUNCTION records_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN RAISE EXCEPTION '% is immutable', TG_ARGV[0]; END $$`.execute(db);
  await sql`CREATE TRIGGER ropa_versions_immutable BEFORE UPDATE ON ropa_versions
    FOR EACH ROW EXECUTE FUNCTION records_refuse_change('a RoPA version')`.execute(db);
  await sql`CREATE TRIGGER pipia_versions_approved_immutable BEFORE UPDATE ON pipia_versions
    FOR EACH ROW WHEN (OLD.status = 'approved') EXECUTE FUNCTION records_refuse_change('an approved PIPIA version')`.execute(db);
}
