import { errorResponse, permissions } from '@castellan/shared';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf, requestContext } from '../../http/authenticate.js';
import { idempotentCreate } from '../../http/idempotent-create.js';
import { conflict } from '../../platform/errors.js';
import { tokenNamePattern } from '../../platform/identity/api-tokens.js';
import { createOwnToken, listOwnTokens, revokeOwnToken } from '../../platform/identity/own-tokens.js';
import type { Kernel } from '../../platform/kernel.js';

const tags = ['me'];
const errors = { 400: errorResponse, 401: errorResponse, 403: errorResponse, 404: errorResponse, 422: errorResponse };
const tokenParams = z.object({ id: z.string().regex(/^[0-9a-f]{32}$/, 'must be a token id') }).strict();
export const tokenView = z.object({
  id: z.string(),
  userId: z.string(),
  kind: z.string(),
  name: z.string().nullable(),
  scopes: z.array(z.string()),
  createdAt: z.string(),
  expiresAt: z.string(),
  lastUsedAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
  revokedReason: z.string().nullable(),
});

/** The signed-in user's own API tokens (a second factor fresh within 5 minutes when the account needs MFA). */
export function myTokenRoutes(app: FastifyInstance, kernel: Kernel): void {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.post('/api/v1/me/tokens', {
    config: { access: { authenticated: true }, rateLimit: { max: 10, timeWindow: '1 minute' } },
    schema: {
      tags,
      summary:
        'Make an API token for myself, from a signed-in session (after a step-up when my account administers or can read personal data); scopes default to all I hold; shown once',
      body: z
        .object({
          name: z.string().regex(tokenNamePattern, 'letters, digits, dots, underscores or hyphens (1-64)'),
          scopes: z.array(z.enum(permissions)).min(1).max(50).optional(),
          expiresDays: z.number().int().min(1).max(366).default(90),
        })
        .strict(),
      response: {
        201: z.object({ id: z.string(), token: z.string(), kind: z.string(), name: z.string().nullable(), scopes: z.array(z.string()), expiresAt: z.string() }),
        ...errors,
      },
    },
    handler: async (request, reply) =>
      idempotentCreate(request, reply, {
        status: 201,
        create: (claim) => createOwnToken(kernel, actorOf(request), requestContext(request), request.body, claim),
        // The token is shown once: a repeat is told it exists, never shown it again.
        replay: async (id) => {
          throw conflict(
            `this Idempotency-Key already made token ${id}; a token is shown only once: list your tokens (GET /api/v1/me/tokens), or make a new one with a new key`,
          );
        },
      }),
  });

  r.get('/api/v1/me/tokens', {
    config: { access: { authenticated: true } },
    schema: { tags, summary: 'My API tokens (never the token itself)', response: { 200: z.object({ items: z.array(tokenView) }), ...errors } },
    handler: async (request) => ({ items: await listOwnTokens(kernel, actorOf(request)) }),
  });

  r.delete('/api/v1/me/tokens/:id', {
    config: { access: { authenticated: true } },
    schema: { tags, summary: 'Revoke one of my API tokens', params: tokenParams, response: { 204: z.null(), ...errors } },
    handler: async (request, reply) => {
      await revokeOwnToken(kernel, actorOf(request), requestContext(request), request.params.id);
      return reply.status(204).send(null);
    },
  });
}
