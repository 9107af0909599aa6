import { defaultRoles, isRoleKey } from '@castellan/shared';
import type { Kysely } from 'kysely';

type AnyDb = Kysely<Record<string, Record<string, unknown>>>;

/** The setting naming the first administrator while they may still hold system_admin + security_admin. */
export const BOOTSTRAP_ADMIN_SETTING = 'bootstrap_admin';

/**
 * Staff credentials an administrator never learns: one-time enrolment links (stored as SHA-256,
 * single use, expiring); `users.admin_known_credential` (1 while the account's password was chosen by,
 * or shown to, an administrator and not yet replaced through a link sent to the person); API tokens
 * with a kind (personal or integration), a name and why they were revoked (existing tokens, all made
 * by `castellan token create`, become integration tokens named `cli-before-011`); the first administrator
 * marked (on an existing install: the only holder of both system_admin and security_admin, when no
 * other user holds either); and field rules for the staff directory added to the stored role matrix.
 */
export function staffCredentialsMigration() {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('enrolments')
        .addColumn('token_hash', 'text', (c) => c.primaryKey())
        .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'text', (c) => c.notNull())
        .addColumn('created_by', 'text')
        .addColumn('delivery', 'text', (c) => c.notNull())
        .addColumn('used_at', 'text')
        .addColumn('revoked_at', 'text')
        .execute();
      await db.schema.createIndex('enrolments_user').on('enrolments').column('user_id').execute();

      await db.schema
        .alterTable('users')
        .addColumn('admin_known_credential', 'integer', (c) => c.notNull().defaultTo(0))
        .execute();
      await db.schema
        .alterTable('api_tokens')
        .addColumn('kind', 'text', (c) => c.notNull().defaultTo('personal'))
        .execute();
      await db.schema.alterTable('api_tokens').addColumn('name', 'text').execute();
      await db.schema.alterTable('api_tokens').addColumn('revoked_reason', 'text').execute();
      await db.schema.createIndex('api_tokens_user').on('api_tokens').column('user_id').execute();

      const d = db as AnyDb;
      // Until now only the operator's `castellan token create` made tokens: say so in the list.
      await d.updateTable('api_tokens').set({ kind: 'integration', name: 'cli-before-011' }).execute();
      const pair = await d.selectFrom('user_roles').select(['user_id', 'role_key']).where('role_key', 'in', ['system_admin', 'security_admin']).execute();
      const holders = new Map<string, Set<string>>();
      for (const r of pair) holders.set(String(r.user_id), new Set([...(holders.get(String(r.user_id)) ?? []), String(r.role_key)]));
      const both = [...holders].filter(([, roles]) => roles.size === 2).map(([id]) => id);
      const bootstrap = both.length === 1 && holders.size === 1 ? both[0] : undefined;
      if (bootstrap) await d.insertInto('settings').values({ key: BOOTSTRAP_ADMIN_SETTING, value: bootstrap }).execute();

      // A one-time or administrator-chosen password not yet changed: an administrator may know it.
      let tainted = d.updateTable('users').set({ admin_known_credential: 1 }).where('must_change_password', '=', 1);
      if (bootstrap) tainted = tainted.where('id', '!=', bootstrap);
      await tainted.execute();

      const roles = await d.selectFrom('roles').select(['key', 'fields']).execute();
      for (const role of roles) {
        const key = String(role.key);
        if (!isRoleKey(key)) continue;
        const fields = JSON.parse(String(role.fields)) as Record<string, unknown>;
        const staff = defaultRoles[key].fields.users;
        if ('users' in fields || !staff) continue;
        await d
          .updateTable('roles')
          .set({ fields: JSON.stringify({ ...fields, users: staff }) })
          .where('key', '=', key)
          .execute();
      }
    },
  };
}
