import type { Permission } from '@castellan/shared';
import type { RequestContext } from '../audit/audit-event.js';
import type { Actor } from '../authz/actor.js';
import type { WithinCreate } from '../data/idempotency-keys.js';
import { forbidden } from '../errors.js';
import type { Kernel } from '../kernel.js';
import { type CreatedToken, createApiToken } from './api-tokens.js';
import { rolesIn } from './bootstrap-admin.js';
import { listApiTokens, revokeApiToken } from './security-admin.js';

/**
 * A signed-in user's own API tokens: made from a full session (with a fresh second factor when the
 * account administers or can read personal data), listed, revoked. A token cannot make a token.
 */
function sessionUserId(actor: Actor): string {
  if (actor.kind !== 'user' || !actor.userId || actor.session?.kind !== 'full') throw forbidden('tokens are made from a signed-in session, not with a token');
  return actor.userId;
}

export async function createOwnToken(
  kernel: Kernel,
  actor: Actor,
  context: RequestContext,
  input: { name: string; scopes?: Permission[]; expiresDays: number },
  within?: WithinCreate,
): Promise<CreatedToken> {
  const userId = sessionUserId(actor);
  return kernel.transaction(async (tx) => {
    const user = await tx.trx.selectFrom('users').select(['id', 'subject_id', 'team_id', 'status']).where('id', '=', userId).executeTakeFirstOrThrow();
    const roles = await rolesIn(tx.trx, userId);
    const created = await createApiToken(
      tx,
      actor,
      context,
      { id: user.id, subjectId: user.subject_id, teamId: user.team_id, status: user.status, roles },
      input.scopes,
      input.expiresDays,
      {
        kind: 'personal',
        name: input.name,
      },
    );
    await within?.(tx, created.id);
    return created;
  });
}

export async function listOwnTokens(kernel: Kernel, actor: Actor) {
  return listApiTokens(kernel, sessionUserId(actor));
}

export async function revokeOwnToken(kernel: Kernel, actor: Actor, context: RequestContext, id: string): Promise<void> {
  await revokeApiToken(kernel, actor, context, id, sessionUserId(actor));
}
