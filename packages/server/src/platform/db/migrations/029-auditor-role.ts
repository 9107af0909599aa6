import { defaultRoles } from '@castellan/shared';
import type { Kysely } from 'kysely';

/**
 * The `auditor` role (compliance evidence, no personal value) on installations made before it
 * existed: migration 007 seeds the roles of its own version, and default grants only ever extend
 * a role row that is already there. A fresh installation already has the row (007 seeds every role).
 */
export function auditorRoleMigration() {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      const role = defaultRoles.auditor;
      await (db as Kysely<Record<string, Record<string, unknown>>>)
        .insertInto('roles')
        .values({
          key: role.key,
          permissions: JSON.stringify(role.permissions),
          scope: JSON.stringify(role.scope),
          fields: JSON.stringify(role.fields),
          updated_at: new Date().toISOString(),
          updated_by: null,
        })
        .onConflict((oc) => oc.column('key').doNothing())
        .execute();
    },
  };
}
