import type { Kysely } from 'kysely';
import type { DialectKind } from '../database.js';

/** The duties a role may not combine with the audit duty (as role-matrix.ts had them when this ran). */
const nonAuditDuties = ['users.manage', 'roles.assign', 'sessions.manage', 'keys.manage', 'tokens.manage'];

/**
 * Hardening of search and of the audit trail:
 * - `search_quota`: one counter per user and window ('minute', 'day') of searches by a field the
 *   user sees masked; changed only by one conditional upsert (see platform/data/search-quota.ts).
 * - `audit_events.sealed_enc`: the personal details of an event (staff IP address and user agent,
 *   a reveal note), sealed under the audit data key; the `ip` and `user_agent` columns of new events
 *   hold keyed pseudonyms. Covered by the hash chain when present (canonicalAuditForm).
 * - the stored audit_admin and privacy_officer roles receive `audit.personal` (as the new defaults
 *   have it), unless the role was edited to hold another administrator duty.
 */
export function maskedSearchAndAuditSealMigration(dialect: DialectKind) {
  const blob = dialect === 'postgres' ? 'bytea' : 'blob';
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('search_quota')
        .addColumn('user_id', 'text', (c) => c.notNull())
        .addColumn('span', 'text', (c) => c.notNull())
        .addColumn('bucket', 'bigint', (c) => c.notNull())
        .addColumn('used', 'integer', (c) => c.notNull())
        .addPrimaryKeyConstraint('search_quota_pk', ['user_id', 'span'])
        .execute();
      await db.schema.alterTable('audit_events').addColumn('sealed_enc', blob).execute();

      await grantAuditPersonalToStoredRoles(db);
    },
  };
}

/** The stored audit_admin and privacy_officer roles get `audit.personal`, unless edited to hold another administrator duty. */
export async function grantAuditPersonalToStoredRoles(db: Kysely<unknown>): Promise<void> {
  const roles = db as unknown as Kysely<{ roles: { key: string; permissions: string; updated_at: string } }>;
  for (const key of ['audit_admin', 'privacy_officer']) {
    const row = await roles.selectFrom('roles').select('permissions').where('key', '=', key).executeTakeFirst();
    if (!row) continue;
    const permissions = JSON.parse(row.permissions) as string[];
    if (permissions.includes('audit.personal') || permissions.some((p) => nonAuditDuties.includes(p))) continue;
    await roles
      .updateTable('roles')
      .set({ permissions: JSON.stringify([...permissions, 'audit.personal']), updated_at: new Date().toISOString() })
      .where('key', '=', key)
      .execute();
  }
}
