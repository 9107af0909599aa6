import { errorResponse, idParams, idSchema } from '@castellan/shared';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf, requestContext } from '../../http/authenticate.js';
import { decideReviewItem, dormantUsers, pendingReviewItems, reviewSummary, startAccessReview } from '../../platform/identity/access-reviews.js';
import type { Kernel } from '../../platform/kernel.js';

const tags = ['access-reviews'];
const errors = { 400: errorResponse, 401: errorResponse, 403: errorResponse, 404: errorResponse, 409: errorResponse };
const summary = z.object({
  id: z.string(),
  status: z.string(),
  createdAt: z.string(),
  dueAt: z.string(),
  closedAt: z.string().nullable(),
  pending: z.number(),
  confirmed: z.number(),
  revoked: z.number(),
});

/** Periodic access reviews and the dormant-account report. */
export function accessReviewRoutes(app: FastifyInstance, kernel: Kernel): void {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.post('/api/v1/access-reviews', {
    config: { access: { permission: 'roles.assign' } },
    schema: {
      tags,
      summary: "Start a review campaign: every active user's roles go to their manager",
      body: z.object({ dueDays: z.number().int().min(1).max(90).default(14) }).strict(),
      response: { 201: summary, ...errors },
    },
    handler: async (request, reply) => {
      const started = await startAccessReview(kernel, actorOf(request), requestContext(request), request.body.dueDays);
      return reply.status(201).send(await reviewSummary(kernel, started.id));
    },
  });

  r.get('/api/v1/access-reviews/:id', {
    config: { access: { permission: 'roles.assign' } },
    schema: { tags, summary: 'Progress of a review campaign', params: idParams, response: { 200: summary, ...errors } },
    handler: async (request) => reviewSummary(kernel, request.params.id),
  });

  r.get('/api/v1/access-reviews/pending', {
    config: { access: { permission: 'reviews.decide' } },
    schema: {
      tags,
      summary: 'Decisions waiting for me (my staff, or unassigned ones for security administrators)',
      response: {
        200: z.object({ items: z.array(z.object({ reviewId: z.string(), userId: z.string(), roles: z.array(z.string()), dueAt: z.string() })) }),
        ...errors,
      },
    },
    handler: async (request) => ({ items: await pendingReviewItems(kernel, actorOf(request)) }),
  });

  r.post('/api/v1/access-reviews/:id/decisions', {
    config: { access: { permission: 'reviews.decide' } },
    schema: {
      tags,
      summary: "Confirm or revoke a user's roles (revoking removes them and ends the user's sessions)",
      params: idParams,
      body: z.object({ userId: idSchema, decision: z.enum(['confirm', 'revoke']) }).strict(),
      response: { 200: z.object({ reviewId: z.string(), userId: z.string(), decision: z.string(), roles: z.array(z.string()) }), ...errors },
    },
    handler: async (request) =>
      decideReviewItem(kernel, actorOf(request), requestContext(request), request.params.id, request.body.userId, request.body.decision),
  });

  r.get('/api/v1/access-reviews/dormant', {
    config: { access: { permission: 'users.read' } },
    schema: {
      tags,
      summary: 'Active accounts without a sign-in for N days (default 90)',
      querystring: z.object({ days: z.coerce.number().int().min(1).max(3650).default(90) }).strict(),
      response: { 200: z.object({ items: z.array(z.object({ userId: z.string(), lastLoginAt: z.string().nullable(), createdAt: z.string() })) }), ...errors },
    },
    handler: async (request) => ({ items: await dormantUsers(kernel, request.query.days) }),
  });
}
