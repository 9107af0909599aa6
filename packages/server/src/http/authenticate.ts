import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Actor } from '../platform/authz/actor.js';
import { can } from '../platform/authz/access-policy.js';
import type { RequestContext } from '../platform/audit/audit-event.js';
import { forbidden, unauthenticated } from '../platform/errors.js';
import { actorForToken } from '../platform/identity/api-tokens.js';
import type { Kernel } from '../platform/kernel.js';

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

/** Resolves credentials and enforces the route's declared permission before any handler runs. */
export function installAuthentication(app: FastifyInstance, kernel: Kernel): void {
  app.decorateRequest('actor', null);
  app.addHook('onRequest', async (request) => {
    const access = request.routeOptions.config?.access;
    if (!access || 'public' in access) return;
    const header = request.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer ([A-Za-z0-9_-]{10,200})$/.exec(header) : null;
    const actor = match?.[1] ? await actorForToken(kernel, match[1]) : undefined;
    if (!actor) throw unauthenticated('a valid bearer token is required');
    if (!can(actor, access.permission)) throw forbidden(`missing permission ${access.permission}`);
    request.actor = actor;
  });
}
