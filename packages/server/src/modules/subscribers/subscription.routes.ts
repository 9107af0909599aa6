import { errorResponse, idParams, idSchema, type LifecycleAction, lifecycleActions, recordSchemas } from '@castellan/shared';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf, requestContext } from '../../http/authenticate.js';
import { recordRoutes } from '../../http/record-routes.js';
import type { ProtectedStore } from '../../platform/data/protected-store.js';
import { runLifecycleAction } from './subscription-lifecycle.js';

const errors = { 400: errorResponse, 401: errorResponse, 403: errorResponse, 404: errorResponse, 409: errorResponse, 422: errorResponse, 429: errorResponse };
const tags = ['subscribers'];
const reason = z.string().trim().min(1).max(1000).optional().describe('Why (free text typed by staff: encrypted, personal data of the customer)');

const bodies: Record<LifecycleAction, z.ZodType> = {
  activate: z.object({ reason }).strict(),
  suspend: z.object({ reason }).strict(),
  resume: z.object({ reason }).strict(),
  cancel: z.object({ reason }).strict(),
  move: z.object({ householdId: idSchema.nullable().describe('The new service address (household), or null to clear it'), reason }).strict(),
  transfer: z.object({ billingAccountId: idSchema.describe("The new customer's billing account (过户)"), reason }).strict(),
};

const summaries: Record<LifecycleAction, string> = {
  activate: 'Activate a pending subscription (开通): pending → active',
  suspend: 'Suspend an active subscription (报停): active → suspended',
  resume: 'Resume a suspended subscription (恢复): suspended → active',
  move: 'Move a subscription to another service address (移机): household changes, status kept',
  transfer: "Transfer a subscription to another customer's billing account (过户): status kept, devices follow",
  cancel: 'Cancel a subscription (销户): pending, active or suspended → cancelled (final)',
};

/**
 * Subscriptions: the generic routes (the status, billing account and household are not in create or
 * patch: only the lifecycle actions change them), one route per lifecycle action, and the history.
 */
export function subscriptionRoutes(app: FastifyInstance, store: ProtectedStore): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const schemas = recordSchemas('subscriptions', {
    omit: { create: ['status'], patch: ['status', 'billingAccountId', 'householdId'] },
  });
  recordRoutes(app, store, 'subscriptions', { tag: 'subscribers', schemas });

  for (const action of lifecycleActions) {
    r.post(`/api/v1/subscriptions/:id/${action}`, {
      config: { access: { permission: 'subscriptions.lifecycle' } },
      schema: {
        tags,
        summary: summaries[action],
        description:
          'Recorded in the subscription history in the same transaction; an action not allowed from the current status answers 409 naming from → to.',
        params: idParams,
        body: bodies[action],
        response: { 200: schemas.view, ...errors },
      },
      handler: async (request) =>
        runLifecycleAction(store, actorOf(request), requestContext(request), request.params.id, action, (request.body ?? {}) as never) as never,
    });
  }

  // History entries are read-only: listed and read (scope applies); only the lifecycle actions write them.
  const historySchemas = recordRoutes(app, store, 'subscription_history', { tag: 'subscribers', only: ['list', 'get'] });
  const historyPage = historySchemas.page;
  r.get('/api/v1/subscriptions/:id/history', {
    config: { access: { permission: 'subscription_history.read' } },
    schema: {
      tags,
      summary: "A subscription's lifecycle history, oldest first (the reasons as your role allows; a read of them is audited)",
      params: idParams,
      querystring: z.object({ limit: z.coerce.number().int().min(1).max(200).default(50), cursor: z.string().max(100).optional() }).strict(),
      response: { 200: historyPage, ...errors },
    },
    handler: async (request) => {
      const actor = actorOf(request);
      const context = requestContext(request);
      return store.inTransaction(async (unit) => {
        await unit.get(actor, context, 'subscriptions', request.params.id);
        return unit.list(actor, context, 'subscription_history', {
          limit: request.query.limit,
          cursor: request.query.cursor,
          filters: { subscriptionId: request.params.id },
        });
      }) as never;
    },
  });
}
