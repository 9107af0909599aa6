import type { Kysely } from 'kysely';
import { columnTypes, recordIndexes, recordTable } from '../record-table.js';

/**
 * The consent ledger grows its legal fields (lawful basis, notice version, who recorded it, the GPC
 * conflict an entry resolves); privacy notices are versioned texts in both languages (a new version
 * is a new row); a GPC conflict is a case for the privacy officer, resolved by a ledger entry.
 */
export function consentLedgerMigration() {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await recordTable(db, 'privacy_notices', { owned: false })
        .addColumn('purpose', 'text', (c) => c.notNull())
        .addColumn('version', columnTypes.integer, (c) => c.notNull())
        .addColumn('title_zh', 'text', (c) => c.notNull())
        .addColumn('title_en', 'text', (c) => c.notNull())
        .addColumn('text_zh', 'text', (c) => c.notNull())
        .addColumn('text_en', 'text', (c) => c.notNull())
        .addColumn('published_at', columnTypes.datetime, (c) => c.notNull())
        .addColumn('published_by', 'text')
        .addUniqueConstraint('privacy_notices_purpose_version', ['purpose', 'version'])
        .execute();

      await db.schema
        .alterTable('consents')
        .addColumn('lawful_basis', 'text', (c) => c.notNull().defaultTo('consent'))
        .execute();
      await db.schema
        .alterTable('consents')
        .addColumn('notice_id', 'text', (c) => c.references('privacy_notices.id'))
        .execute();
      await db.schema.alterTable('consents').addColumn('recorded_by', 'text').execute();
      await db.schema.alterTable('consents').addColumn('conflict_id', 'text').execute();

      await recordTable(db, 'gpc_conflicts', { owned: true, subject: 'via' })
        .addColumn('contact_id', 'text', (c) => c.notNull().references('contacts.id'))
        .addColumn('signal_consent_id', 'text', (c) => c.notNull().references('consents.id'))
        .addColumn('opt_in_consent_id', 'text', (c) => c.notNull().references('consents.id'))
        .addColumn('status', 'text', (c) => c.notNull().defaultTo('open'))
        .addColumn('resolution_consent_id', 'text')
        .addColumn('resolved_at', columnTypes.datetime)
        .addColumn('resolved_by', 'text')
        .execute();
      await recordIndexes(db, 'gpc_conflicts', { owned: true, subject: 'via' }, ['contact_id', 'status']);
      // A data subject's access export and erasure find a conflict through each ledger entry it names (EXPLAIN test).
      for (const column of ['signal_consent_id', 'opt_in_consent_id', 'resolution_consent_id'])
        await db.schema.createIndex(`gpc_conflicts_${column}`).on('gpc_conflicts').column(column).execute();
    },
  };
}
