import { defaultRoles, type RoleDefinition, type RoleKey, roleKeys } from '@castellan/shared';
import { noRequest } from '../audit/audit-event.js';
import { asSystem } from '../data/as-system.js';
import { nowIso } from '../data/ids.js';
import type { Kernel } from '../kernel.js';
import { loadRoleMatrix } from './role-store.js';
import { permissionProblems } from './separation-of-duties.js';

/**
 * Default grants that arrive with a new version (a new object and who may use it) reach the roles of
 * an installation made before: each default grant — a permission, a record scope, a field rule — is
 * applied once and remembered in `settings.default_grants_applied`, so a grant a security
 * administrator later removes is not put back. The first run (an installation whose roles were seeded
 * from the defaults of its own version) only records what is there. Applied grants are audited as
 * `role.changed` by the system, and never break separation of duties (such a grant is skipped).
 */
const LEDGER = 'default_grants_applied';

type Grant = string;

function grantsOf(role: RoleDefinition): Grant[] {
  return [
    ...role.permissions.map((p) => `${role.key}|permission|${p}`),
    ...Object.entries(role.scope).map(([object, scope]) => `${role.key}|scope|${object}|${scope}`),
    ...Object.entries(role.fields).flatMap(([object, rules]) =>
      Object.entries(rules ?? {}).map(([field, access]) => `${role.key}|field|${object}|${field}|${access}`),
    ),
  ];
}

export async function applyNewDefaultGrants(kernel: Kernel): Promise<number> {
  const everything = roleKeys.flatMap((key) => grantsOf(defaultRoles[key]));
  return kernel.transaction(async (tx) => {
    const row = await tx.trx.selectFrom('settings').select('value').where('key', '=', LEDGER).executeTakeFirst();
    if (!row) {
      await tx.trx
        .insertInto('settings')
        .values({ key: LEDGER, value: JSON.stringify(everything) })
        .onConflict((oc) => oc.column('key').doNothing())
        .execute();
      return 0;
    }
    const applied = new Set(JSON.parse(row.value) as Grant[]);
    const fresh = everything.filter((g) => !applied.has(g));
    if (fresh.length === 0) return 0;
    const stored = await tx.trx.selectFrom('roles').selectAll().execute();
    let changed = 0;
    for (const key of roleKeys) {
      const mine = fresh.filter((g) => g.startsWith(`${key}|`));
      const current = stored.find((r) => r.key === key);
      if (mine.length === 0 || !current) continue;
      const permissions = new Set<string>(JSON.parse(current.permissions));
      const scope = JSON.parse(current.scope) as Record<string, string>;
      const fields = JSON.parse(current.fields) as Record<string, Record<string, string>>;
      for (const grant of mine) {
        const [, kind, a = '', b = '', c = ''] = grant.split('|');
        if (kind === 'permission') permissions.add(a);
        if (kind === 'scope' && !(a in scope)) scope[a] = b;
        if (kind === 'field' && !fields[a]?.[b]) fields[a] = { ...fields[a], [b]: c };
      }
      if (permissionProblems(permissions, 'a role').length > 0) continue;
      await tx.trx
        .updateTable('roles')
        .set({
          permissions: JSON.stringify([...permissions]),
          scope: JSON.stringify(scope),
          fields: JSON.stringify(fields),
          updated_at: nowIso(),
          updated_by: null,
        })
        .where('key', '=', key as RoleKey)
        .execute();
      await tx.audit(asSystem('default grants of a new version'), noRequest, {
        action: 'role.changed',
        outcome: 'success',
        resource: 'roles',
        resourceId: key,
        detail: { added: mine },
      });
      changed += 1;
    }
    await tx.trx
      .updateTable('settings')
      .set({ value: JSON.stringify([...applied, ...fresh]) })
      .where('key', '=', LEDGER)
      .execute();
    if (changed > 0) await loadRoleMatrix(tx.trx);
    return changed;
  });
}
