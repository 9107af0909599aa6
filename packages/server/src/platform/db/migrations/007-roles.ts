import { defaultRoles, roleKeys } from '@castellan/shared';
import type { Kysely } from 'kysely';

/** The editable role matrix, seeded with the default roles of a broadcast company. */
export function roleMatrixMigration() {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('roles')
        .addColumn('key', 'text', (c) => c.primaryKey())
        .addColumn('permissions', 'text', (c) => c.notNull())
        .addColumn('scope', 'text', (c) => c.notNull())
        .addColumn('fields', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addColumn('updated_by', 'text')
        .execute();
      const now = new Date().toISOString();
      await (db as Kysely<Record<string, Record<string, unknown>>>)
        .insertInto('roles')
        .values(
          roleKeys.map((key) => ({
            key,
            permissions: JSON.stringify(defaultRoles[key].permissions),
            scope: JSON.stringify(defaultRoles[key].scope),
            fields: JSON.stringify(defaultRoles[key].fields),
            updated_at: now,
            updated_by: null,
          })),
        )
        .execute();
    },
  };
}
