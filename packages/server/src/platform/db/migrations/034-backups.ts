import type { Kysely } from 'kysely';

/**
 * Backups and restore drills, as this installation knows them (the targets hold the backups
 * themselves): each run with its sequence number, status, size and per-target outcome; each drill
 * with its backup, RTO / RPO, the checks it made and the signature of its result. Counts, times and
 * ids only: no value of a record is ever written here.
 */
export function backupsMigration() {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('backup_runs')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('sequence', 'integer', (c) => c.notNull().unique())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('started_at', 'text', (c) => c.notNull())
        .addColumn('finished_at', 'text')
        .addColumn('manifest_hash', 'text')
        .addColumn('key_mode', 'text', (c) => c.notNull())
        .addColumn('rows', 'bigint', (c) => c.notNull().defaultTo(0))
        .addColumn('bytes', 'bigint', (c) => c.notNull().defaultTo(0))
        .addColumn('chunks', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('targets', 'text', (c) => c.notNull().defaultTo('[]'))
        .addColumn('failure', 'text')
        .execute();
      await db.schema.createIndex('backup_runs_started').on('backup_runs').column('started_at').execute();
      await db.schema
        .createTable('backup_drills')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('backup_id', 'text')
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('started_at', 'text', (c) => c.notNull())
        .addColumn('finished_at', 'text', (c) => c.notNull())
        .addColumn('rto_ms', 'bigint')
        .addColumn('rpo_seconds', 'bigint')
        .addColumn('checks', 'text', (c) => c.notNull())
        .addColumn('failure', 'text')
        .addColumn('signature', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('backup_drills_finished').on('backup_drills').column('finished_at').execute();
    },
  };
}
