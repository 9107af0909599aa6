import { type Kysely, sql } from 'kysely';
import type { DialectKind } from '../database.js';

/**
 * PostgreSQL: every text column compares and sorts byte by byte (COLLATE "C"), as SQLite's BINARY
 * does, so both dialects order ids, codes and names the same way whatever locale the database was
 * created with. Castellan's text keys are ids, digests, blind indexes and codes — no value is ever
 * sorted by a person's language in SQL — and a "C" key is compared by memcmp with abbreviated keys:
 * building the indexes of a large restore is about three times faster than under a libc locale such
 * as C.UTF-8. Changing a column's collation rebuilds its indexes, not the table. A migration that
 * adds a text column writes `sql\`text collate "C"\`` (platform/db/text-type.ts); a test walks the
 * schema for any that does not.
 */
export function textCollationMigration(dialect: DialectKind) {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      if (dialect !== 'postgres') return;
      const { rows } = await sql<{ table_name: string; column_name: string }>`
        SELECT c.table_name, c.column_name FROM information_schema.columns c
        JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name AND t.table_type = 'BASE TABLE'
        WHERE c.table_schema = current_schema() AND c.data_type = 'text' AND c.collation_name IS DISTINCT FROM 'C'
          AND c.table_name NOT LIKE 'kysely\\_%'
        ORDER BY c.table_name, c.ordinal_position`.execute(db);
      const byTable = new Map<string, string[]>();
      for (const r of rows) byTable.set(r.table_name, [...(byTable.get(r.table_name) ?? []), r.column_name]);
      for (const [table, columns] of byTable) {
        // A trigger whose WHEN names a column holds the column's type: dropped and made again around the change.
        const { rows: triggers } = await sql<{ name: string; definition: string }>`
          SELECT tgname AS name, pg_get_triggerdef(oid) AS definition FROM pg_trigger
          WHERE tgrelid = ${table}::regclass AND NOT tgisinternal AND (tgqual IS NOT NULL OR cardinality(tgattr::int2[]) > 0)`.execute(db);
        for (const t of triggers) await sql`DROP TRIGGER ${sql.id(t.name)} ON ${sql.id(table)}`.execute(db);
        const clauses = columns.map((c) => sql`ALTER COLUMN ${sql.id(c)} TYPE text COLLATE "C"`);
        await sql`ALTER TABLE ${sql.id(table)} ${sql.join(clauses)}`.execute(db);
        for (const t of triggers) await sql.raw(t.definition).execute(db);
      }
    },
  };
}
