import { errorResponse } from '@castellan/shared';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf, requestContext } from '../../http/authenticate.js';
import { listApiTokens, listLockouts, revokeApiToken, unlockAddress, unlockUser } from '../../platform/identity/security-admin.js';
import type { Kernel } from '../../platform/kernel.js';
import { tokenView } from '../me/my-tokens.routes.js';

const tags = ['security'];
const errors = { 400: errorResponse, 401: errorResponse, 403: errorResponse, 404: errorResponse };
const tokenParams = z.object({ id: z.string().regex(/^[0-9a-f]{32}$/, 'must be a token id') }).strict();

/** Security administrator: API tokens (with last use) and sign-in lockouts. */
export function securityRoutes(app: FastifyInstance, kernel: Kernel): void {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get('/api/v1/tokens', {
    config: { access: { permission: 'tokens.manage' } },
    schema: {
      tags,
      summary: 'API tokens: kind (personal / integration), name, scopes, expiry, last use, why revoked (never the token itself)',
      response: { 200: z.object({ items: z.array(tokenView) }), ...errors },
    },
    handler: async () => ({ items: await listApiTokens(kernel) }),
  });

  r.delete('/api/v1/tokens/:id', {
    config: { access: { permission: 'tokens.manage' } },
    schema: { tags, summary: 'Revoke an API token', params: tokenParams, response: { 204: z.null(), ...errors } },
    handler: async (request, reply) => {
      await revokeApiToken(kernel, actorOf(request), requestContext(request), request.params.id);
      return reply.status(204).send(null);
    },
  });

  r.get('/api/v1/security/lockouts', {
    config: { access: { permission: 'sessions.manage' } },
    schema: {
      tags,
      summary: 'Accounts and addresses currently locked out of sign-in (an address as its keyed pseudonym ip:<16 hex>, never in the clear)',
      response: {
        200: z.object({ items: z.array(z.object({ key: z.string(), userId: z.string().nullable(), failuresThisHour: z.number(), lockedUntil: z.string() })) }),
        ...errors,
      },
    },
    handler: async () => ({ items: await listLockouts(kernel) }),
  });

  r.post('/api/v1/security/lockouts/unlock', {
    config: { access: { permission: 'sessions.manage' } },
    schema: {
      tags,
      summary: "Lift a user's sign-in lockout ({userId}), or an address's ({address}: the ip:<16 hex> key the lockout list shows)",
      body: z.union([
        z.object({ userId: z.uuid() }).strict(),
        z.object({ address: z.string().regex(/^ip:[0-9a-f]{16}$/, 'must be an address key from the lockout list (ip:<16 hex>)') }).strict(),
      ]),
      response: { 204: z.null(), ...errors },
    },
    handler: async (request, reply) => {
      const body = request.body;
      if ('userId' in body) await unlockUser(kernel, actorOf(request), requestContext(request), body.userId);
      else await unlockAddress(kernel, actorOf(request), requestContext(request), body.address);
      return reply.status(204).send(null);
    },
  });
}
