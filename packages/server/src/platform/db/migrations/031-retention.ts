import type { Kysely } from 'kysely';

/**
 * Retention: the rules (one per object × purpose, with every version kept in
 * `retention_rule_versions`), the runs (state, certificate and its signature) and, per run and rule,
 * the counts and the keyset cursor a batched purge commits with every batch — so a run stopped by a
 * crash continues after the last committed batch. The eligibility indexes — (updated_at, id) on every
 * object holding personal data ((purpose, updated_at, id) where rows name their purpose), (end_date, id) where the catalogue names a contract end — let a purge
 * page through due records without reading the rest (the EXPLAIN test checks each query plan).
 */
const inactivityTables = [
  'contacts',
  'households',
  'deals',
  'activities',
  'cases',
  'consents',
  'gpc_conflicts',
  'billing_accounts',
  'subscriptions',
  'subscription_history',
  'devices',
  'privacy_requests',
] as const;
const contractEndTables = [['subscriptions', 'end_date']] as const;
/** Rows that name their purpose: a rule for one purpose pages through (purpose, updated_at, id). */
const purposeTables: readonly string[] = ['consents'];

export function retentionMigration() {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('retention_rules')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('object', 'text', (c) => c.notNull())
        .addColumn('purpose', 'text', (c) => c.notNull())
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('trigger_kind', 'text', (c) => c.notNull())
        .addColumn('days', 'integer', (c) => c.notNull())
        .addColumn('enabled', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('version', 'integer', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addColumn('updated_by', 'text')
        .addUniqueConstraint('retention_rules_object_purpose', ['object', 'purpose'])
        .execute();
      await db.schema
        .createTable('retention_rule_versions')
        .addColumn('rule_id', 'text', (c) => c.notNull())
        .addColumn('version', 'integer', (c) => c.notNull())
        .addColumn('object', 'text', (c) => c.notNull())
        .addColumn('purpose', 'text', (c) => c.notNull())
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('trigger_kind', 'text', (c) => c.notNull())
        .addColumn('days', 'integer', (c) => c.notNull())
        .addColumn('enabled', 'integer', (c) => c.notNull())
        .addColumn('deleted', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('changed_at', 'text', (c) => c.notNull())
        .addColumn('changed_by', 'text')
        .addPrimaryKeyConstraint('retention_rule_versions_pk', ['rule_id', 'version'])
        .execute();
      await db.schema
        .createTable('retention_runs')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('dry_run', 'integer', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('as_of', 'text', (c) => c.notNull())
        .addColumn('started_at', 'text', (c) => c.notNull())
        .addColumn('finished_at', 'text')
        .addColumn('started_by', 'text')
        .addColumn('certificate', 'text')
        .addColumn('key_id', 'text')
        .addColumn('signature', 'text')
        .execute();
      await db.schema.createIndex('retention_runs_started').on('retention_runs').columns(['started_at', 'id']).execute();
      await db.schema.createIndex('retention_runs_finished').on('retention_runs').columns(['kind', 'dry_run', 'state', 'finished_at']).execute();
      // One run at a time, across processes (the scheduled job and a manual run).
      await db.schema.createIndex('retention_runs_one_running').on('retention_runs').column('state').unique().where('state', '=', 'running').execute();
      await db.schema
        .createTable('retention_run_rules')
        .addColumn('run_id', 'text', (c) => c.notNull().references('retention_runs.id').onDelete('cascade'))
        .addColumn('rule_id', 'text', (c) => c.notNull())
        .addColumn('position', 'integer', (c) => c.notNull())
        .addColumn('rule_version', 'integer', (c) => c.notNull())
        .addColumn('object', 'text', (c) => c.notNull())
        .addColumn('purpose', 'text', (c) => c.notNull())
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('trigger_kind', 'text', (c) => c.notNull())
        .addColumn('days', 'integer', (c) => c.notNull())
        .addColumn('cutoff', 'text', (c) => c.notNull())
        .addColumn('cursor_at', 'text')
        .addColumn('cursor_id', 'text')
        .addColumn('done', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('due', 'bigint', (c) => c.notNull().defaultTo(0))
        .addColumn('removed', 'bigint', (c) => c.notNull().defaultTo(0))
        .addColumn('anonymised', 'bigint', (c) => c.notNull().defaultTo(0))
        .addColumn('held', 'bigint', (c) => c.notNull().defaultTo(0))
        .addColumn('held_by_reason', 'text', (c) => c.notNull().defaultTo('{}'))
        .addColumn('restricted', 'bigint', (c) => c.notNull().defaultTo(0))
        .addColumn('referenced', 'bigint', (c) => c.notNull().defaultTo(0))
        .addColumn('batches', 'integer', (c) => c.notNull().defaultTo(0))
        .addPrimaryKeyConstraint('retention_run_rules_pk', ['run_id', 'rule_id'])
        .execute();
      for (const table of inactivityTables) {
        const columns = purposeTables.includes(table) ? ['purpose', 'updated_at', 'id'] : ['updated_at', 'id'];
        await db.schema.createIndex(`${table}_retention_updated`).on(table).columns(columns).execute();
      }
      for (const [table, column] of contractEndTables) await db.schema.createIndex(`${table}_retention_${column}`).on(table).columns([column, 'id']).execute();
      // Holds are looked up per record during a purge.
      await db.schema.createIndex('subject_legal_holds_record').on('subject_legal_holds').columns(['table_name', 'row_id']).execute();
    },
  };
}
