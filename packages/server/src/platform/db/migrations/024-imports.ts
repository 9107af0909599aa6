import type { Kysely } from 'kysely';
import type { DialectKind } from '../database.js';
import { blobType } from '../record-table.js';

/**
 * Imports: one row per import job (its options, progress and where a chunked import stopped) and one
 * row per problem of its report (line, file column, reason — never the cell's value).
 */
export function importsMigration(dialect: DialectKind) {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('import_jobs')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('object', 'text', (c) => c.notNull())
        .addColumn('format', 'text', (c) => c.notNull())
        .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
        .addColumn('source', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('skip_invalid', 'integer', (c) => c.notNull())
        .addColumn('chunk_size', 'integer', (c) => c.notNull())
        .addColumn('mapping', 'text', (c) => c.notNull())
        .addColumn('file_size', 'bigint', (c) => c.notNull())
        .addColumn('file_fingerprint', 'text', (c) => c.notNull())
        .addColumn('spool_key', blobType(dialect))
        .addColumn('spool_key_version', 'integer')
        .addColumn('rows_read', 'bigint', (c) => c.notNull().defaultTo(0))
        .addColumn('rows_valid', 'bigint', (c) => c.notNull().defaultTo(0))
        .addColumn('rows_invalid', 'bigint', (c) => c.notNull().defaultTo(0))
        .addColumn('rows_duplicate', 'bigint', (c) => c.notNull().defaultTo(0))
        .addColumn('rows_imported', 'bigint', (c) => c.notNull().defaultTo(0))
        .addColumn('last_committed_line', 'bigint', (c) => c.notNull().defaultTo(0))
        .addColumn('error', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addColumn('finished_at', 'text')
        .execute();
      await db.schema.createIndex('import_jobs_user').on('import_jobs').columns(['user_id', 'created_at']).execute();
      await db.schema
        .createTable('import_problems')
        .addColumn('job_id', 'text', (c) => c.notNull().references('import_jobs.id').onDelete('cascade'))
        .addColumn('line', 'bigint', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('file_column', 'text')
        .addColumn('reason', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('import_problems_job_line').on('import_problems').columns(['job_id', 'line']).execute();
    },
  };
}
