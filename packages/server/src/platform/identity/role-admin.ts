import type { RoleDefinition, RoleKey } from '@castellan/shared';
import type { RequestContext } from '../audit/audit-event.js';
import { can } from '../authz/access-policy.js';
import type { Actor } from '../authz/actor.js';
import { applyRoleChange, currentRoleMatrix, installRoleMatrix, isKnownRole, type RoleChange } from '../authz/role-matrix.js';
import { nowIso } from '../data/ids.js';
import { AppError, forbidden, notFound, unprocessable } from '../errors.js';
import type { Kernel } from '../kernel.js';
import { hasFreshSecondFactor } from './second-factor.js';
import { revokeUserSessions } from './sessions.js';

/**
 * The security administrator edits a role's permissions, record scope and field rules. The change
 * must keep 等保 三员分立, needs a fresh second factor, is audited with before and after, and ends
 * the sessions of everyone holding the role (a privilege change gives a new session).
 */
export async function changeRole(kernel: Kernel, actor: Actor, context: RequestContext, key: string, change: RoleChange): Promise<RoleDefinition> {
  if (!can(actor, 'roles.assign')) throw forbidden('missing permission roles.assign');
  if (!isKnownRole(key)) throw notFound('role');
  if (actor.kind !== 'system' && !hasFreshSecondFactor(actor)) {
    throw new AppError('step_up_required', 403, 'changing a role needs a fresh second factor: POST /api/v1/auth/step-up, then retry within 5 minutes');
  }
  if (actor.roles.includes(key as RoleKey) && change.permissions) throw forbidden('nobody may change the permissions of a role they hold');
  const matrix = currentRoleMatrix();
  const { role, problems } = applyRoleChange(matrix, key, change);
  if (problems.length) throw unprocessable(`the role change is not acceptable: ${problems.join('; ')}`, problems);
  const before = matrix[key];
  await kernel.transaction(async (tx) => {
    await tx.trx
      .updateTable('roles')
      .set({
        permissions: JSON.stringify(role.permissions),
        scope: JSON.stringify(role.scope),
        fields: JSON.stringify(role.fields),
        updated_at: nowIso(),
        updated_by: actor.userId,
      })
      .where('key', '=', key)
      .execute();
    const holders = await tx.trx.selectFrom('user_roles').select('user_id').where('role_key', '=', key).execute();
    let sessionsEnded = 0;
    for (const h of holders) sessionsEnded += await revokeUserSessions(tx.trx, h.user_id);
    await tx.audit(actor, context, {
      action: 'role.changed',
      outcome: 'success',
      resource: 'roles',
      resourceId: key,
      detail: {
        before: { permissions: before.permissions, scope: before.scope, fields: before.fields },
        after: { permissions: role.permissions, scope: role.scope, fields: role.fields },
        sessionsEnded,
      },
    });
  });
  installRoleMatrix({ ...matrix, [key]: role });
  return role;
}
