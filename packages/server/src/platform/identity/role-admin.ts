import type { RoleDefinition, RoleKey } from '@castellan/shared';
import type { RequestContext } from '../audit/audit-event.js';
import { can } from '../authz/access-policy.js';
import type { Actor } from '../authz/actor.js';
import { applyRoleChange, currentRoleMatrix, installRoleMatrix, isKnownRole, type RoleChange, type RoleMatrix } from '../authz/role-matrix.js';
import { assignmentProblems, isProtectedAccount, permissionsIn } from '../authz/separation-of-duties.js';
import { nowIso } from '../data/ids.js';
import { forbidden, notFound, unprocessable } from '../errors.js';
import type { AuditedTransaction, Kernel } from '../kernel.js';
import type { Mailer } from '../notify/mailer.js';
import { holdsBootstrapPair, rolesIn } from './bootstrap-admin.js';
import { secureHandover } from './credential-handover.js';
import { type Invitation, mailInvitation } from './enrolment-links.js';
import { requireFreshSecondFactor } from './second-factor.js';
import { revokeUserSessions } from './sessions.js';
import { narrowUserTokens } from './token-scopes.js';

/**
 * The security administrator edits a role's permissions, record scope and field rules. The change
 * must keep 等保 三员分立 — for the role itself and for every user holding it, across all their
 * roles — needs a fresh second factor, is audited with before and after, ends the sessions of
 * everyone holding the role (a privilege change gives a new session), narrows their tokens to what
 * they still hold, and withdraws an administrator-known password from a holder the change makes
 * able to read personal data (they get an enrolment link).
 */
export async function changeRole(
  kernel: Kernel,
  mailer: Mailer,
  actor: Actor,
  context: RequestContext,
  key: string,
  change: RoleChange,
): Promise<RoleDefinition> {
  if (!can(actor, 'roles.assign')) throw forbidden('missing permission roles.assign');
  if (!isKnownRole(key)) throw notFound('role');
  if (actor.kind !== 'system') requireFreshSecondFactor(actor, 'changing a role');
  if (actor.roles.includes(key as RoleKey) && change.permissions) throw forbidden('nobody may change the permissions of a role they hold');
  const matrix = currentRoleMatrix();
  const { role, problems } = applyRoleChange(matrix, key, change);
  if (problems.length) throw unprocessable(`the role change is not acceptable: ${problems.join('; ')}`, problems);
  const before = matrix[key];
  const next: RoleMatrix = { ...matrix, [key]: role };
  const invitations = await kernel.transaction(async (tx) => {
    const holders = (await tx.trx.selectFrom('user_roles').select('user_id').where('role_key', '=', key).execute()).map((h) => h.user_id);
    const held = new Map<string, RoleKey[]>();
    for (const userId of holders) held.set(userId, await rolesIn(tx.trx, userId));
    await assertHoldersKeepSeparation(kernel, tx, held, next);
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
    let sessionsEnded = 0;
    const invitations: Invitation[] = [];
    for (const [userId, roles] of held) {
      sessionsEnded += await revokeUserSessions(tx.trx, userId);
      await narrowUserTokens(tx, actor, context, userId, permissionsIn(roles, next));
      if (!isProtectedAccount(roles, matrix) && isProtectedAccount(roles, next)) {
        const handover = await secureHandover(kernel, tx, actor, context, userId, mailer.configured ? 'email' : 'none');
        if (handover.invitation) invitations.push(handover.invitation);
      }
    }
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
    return invitations;
  });
  installRoleMatrix({ ...currentRoleMatrix(), [key]: role });
  for (const invitation of invitations) await mailInvitation(kernel, mailer, invitation);
  return role;
}

/** Refuses the change when any holder would combine duties across all their roles under the new matrix. */
async function assertHoldersKeepSeparation(kernel: Kernel, tx: AuditedTransaction, held: Map<string, RoleKey[]>, next: RoleMatrix): Promise<void> {
  const refused: string[] = [];
  for (const [userId, roles] of held) {
    const problems = assignmentProblems(roles, next, { bootstrapPair: await holdsBootstrapPair(kernel, tx.trx, userId) });
    if (problems.length) refused.push(`user ${userId}: ${problems.join('; ')}`);
  }
  if (refused.length) throw unprocessable(`the role change would break 等保 三员分立 for users holding it: ${refused.join(' | ')}`, refused);
}
