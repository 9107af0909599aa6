import type { RequestContext } from '../audit/audit-event.js';
import type { Actor } from '../authz/actor.js';
import { readStaffMember } from '../data/staff-directory.js';
import { unauthenticated } from '../errors.js';
import type { Kernel } from '../kernel.js';
import { hasFreshSecondFactor } from './second-factor.js';
import { openSessionClient } from './sessions.js';

/** A user's view of their own account, read through the staff directory (always readable to oneself, audited). */
export async function ownProfile(kernel: Kernel, actor: Actor, context: RequestContext) {
  if (!actor.userId) throw unauthenticated();
  const userId = actor.userId;
  return kernel.transaction(async (tx) => {
    const me = await readStaffMember(kernel, tx, actor, context, userId);
    if (me.email == null || me.name == null) throw unauthenticated();
    return {
      id: me.id,
      email: me.email,
      name: me.name,
      teamId: me.teamId,
      roles: [...actor.roles],
      permissions: [...actor.permissions].sort(),
      mfaEnrolled: me.mfaEnrolled,
      session: actor.session ? { id: actor.session.id, kind: actor.session.kind, stepUpValid: hasFreshSecondFactor(actor) } : null,
    };
  });
}

/** The user's live sessions, each with the IP address and user agent it was opened from (opened for its owner only). */
export async function ownSessions(kernel: Kernel, actor: Actor) {
  if (!actor.userId) throw unauthenticated();
  const rows = await kernel.db.kysely
    .selectFrom('sessions')
    .select(['id', 'kind', 'created_at', 'last_seen_at', 'expires_at', 'client_enc'])
    .where('user_id', '=', actor.userId)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', new Date().toISOString())
    .orderBy('created_at', 'desc')
    .execute();
  return rows.map((s) => ({
    id: s.id,
    kind: s.kind,
    createdAt: s.created_at,
    lastSeenAt: s.last_seen_at,
    expiresAt: s.expires_at,
    ...openSessionClient(kernel.keyring, s.id, s.client_enc),
    current: s.id === actor.session?.id,
  }));
}
