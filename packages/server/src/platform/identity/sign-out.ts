import type { RequestContext } from '../audit/audit-event.js';
import type { Actor } from '../authz/actor.js';
import { notFound } from '../errors.js';
import type { Kernel } from '../kernel.js';
import { revokeSession } from './sessions.js';

/** Sign-out: the actor's own session ends, audited. A token or a session already gone changes nothing. */
export async function signOut(kernel: Kernel, actor: Actor, context: RequestContext): Promise<void> {
  const sessionId = actor.session?.id;
  if (!sessionId) return;
  await kernel.transaction(async (tx) => {
    await revokeSession(tx.trx, sessionId);
    await tx.audit(actor, context, { action: 'auth.logout', outcome: 'success', resource: 'sessions', resourceId: sessionId });
  });
}

/** Ends one of the actor's own sessions; another user's session, or an unknown one, is not found. */
export async function revokeOwnSession(kernel: Kernel, actor: Actor, context: RequestContext, sessionId: string): Promise<void> {
  const done = await kernel.transaction(async (tx) => {
    const revoked = await revokeSession(tx.trx, sessionId, actor.userId ?? '');
    if (revoked) await tx.audit(actor, context, { action: 'auth.session.revoked', outcome: 'success', resource: 'sessions', resourceId: sessionId });
    return revoked;
  });
  if (!done) throw notFound('session');
}
