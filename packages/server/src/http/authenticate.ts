import { timingSafeEqual } from 'node:crypto';
import { isRoleKey } from '@castellan/shared';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { RequestContext } from '../platform/audit/audit-event.js';
import { can } from '../platform/authz/access-policy.js';
import { type Actor, userActor } from '../platform/authz/actor.js';
import { AppError, forbidden, unauthenticated } from '../platform/errors.js';
import { actorForToken } from '../platform/identity/api-tokens.js';
import { findLiveSession, hashSecret } from '../platform/identity/sessions.js';
import type { Kernel } from '../platform/kernel.js';
import { CSRF_COOKIE, CSRF_HEADER, SESSION_COOKIE } from './session-cookies.js';

declare module 'fastify' {
  interface FastifyRequest {
    actor: Actor | null;
  }
}

export function requestContext(request: FastifyRequest): RequestContext {
  const agent = request.headers['user-agent'];
  return { requestId: request.id, ip: request.ip, userAgent: typeof agent === 'string' ? agent.slice(0, 300) : null };
}

export function actorOf(request: FastifyRequest): Actor {
  if (!request.actor) throw unauthenticated();
  return request.actor;
}

const safeMethods = new Set(['GET', 'HEAD', 'OPTIONS']);
const sameSecret = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

async function sessionActor(kernel: Kernel, request: FastifyRequest, token: string): Promise<Actor | undefined> {
  const session = await findLiveSession(kernel.db.kysely, token);
  if (!session) return undefined;
  const user = await kernel.db.kysely.selectFrom('users').select(['id', 'team_id', 'status']).where('id', '=', session.user_id).executeTakeFirst();
  if (user?.status !== 'active') return undefined;
  if (!safeMethods.has(request.method)) {
    // Double submit, bound to the session: header = cookie, and its hash is the session's.
    const header = request.headers[CSRF_HEADER];
    const cookie = request.cookies[CSRF_COOKIE];
    if (typeof header !== 'string' || !cookie || !sameSecret(header, cookie) || !sameSecret(hashSecret(header), session.csrf_hash)) {
      throw new AppError('csrf_invalid', 403, 'missing or invalid CSRF token (send the csrf_token cookie value in X-CSRF-Token)');
    }
  }
  const roles = (await kernel.db.kysely.selectFrom('user_roles').select('role_key').where('user_id', '=', user.id).execute())
    .map((r) => r.role_key)
    .filter(isRoleKey);
  return userActor({ id: user.id, teamId: user.team_id }, roles, {
    id: session.id,
    kind: session.kind === 'restricted' ? 'restricted' : 'full',
    mfaAt: session.mfa_at,
  });
}

/** Resolves credentials (bearer token or session cookie + CSRF) and enforces the route's declared access. */
export function installAuthentication(app: FastifyInstance, kernel: Kernel): void {
  app.decorateRequest('actor', null);
  app.addHook('onRequest', async (request) => {
    const access = request.routeOptions.config?.access;
    if (!access || 'public' in access) return;
    const header = request.headers.authorization;
    let actor: Actor | undefined;
    if (typeof header === 'string') {
      const match = /^Bearer ([A-Za-z0-9_-]{10,200})$/.exec(header);
      actor = match?.[1] ? await actorForToken(kernel, match[1]) : undefined;
    } else {
      const token = request.cookies[SESSION_COOKIE];
      actor = token ? await sessionActor(kernel, request, token) : undefined;
    }
    if (!actor) throw unauthenticated('sign in, or send a valid bearer token');
    request.actor = actor;
    if (actor.session?.kind === 'restricted' && !access.restricted) {
      throw forbidden(
        'this session is restricted: change your password (POST /api/v1/me/password) and/or enrol a second factor (TOTP: POST /api/v1/me/mfa/totp, then /confirm; passkey: POST /api/v1/me/mfa/webauthn/options, then /api/v1/me/mfa/webauthn)',
      );
    }
    if ('permission' in access && !can(actor, access.permission)) throw forbidden(`missing permission ${access.permission}`);
  });
}
