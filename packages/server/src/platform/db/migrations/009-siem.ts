import type { Kysely } from 'kysely';

/** SIEM export: how far each shipper got (the last audit seq written to its receiver). */
export function siemMigration() {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('siem_cursors')
        .addColumn('name', 'text', (c) => c.primaryKey())
        .addColumn('last_seq', 'bigint', (c) => c.notNull().defaultTo(0))
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
    },
  };
}
