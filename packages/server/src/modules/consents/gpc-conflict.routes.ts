import { errorResponse, gpcOutcomes, idParams } from '@castellan/shared';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf, requestContext } from '../../http/authenticate.js';
import { recordRoutes } from '../../http/record-routes.js';
import type { ProtectedStore } from '../../platform/data/protected-store.js';
import { resolveGpcConflict } from './resolve-gpc-conflict.js';

const errors = { 400: errorResponse, 401: errorResponse, 403: errorResponse, 404: errorResponse, 409: errorResponse, 422: errorResponse, 429: errorResponse };

/**
 * GPC conflicts: a Global Privacy Control signal that contradicts an earlier explicit opt-in. They
 * are filed by the signal (never through the API), listed for the privacy officer and resolved
 * once; the outcome is a ledger entry the conflict names.
 */
export function gpcConflictRoutes(app: FastifyInstance, store: ProtectedStore): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const schemas = recordRoutes(app, store, 'gpc_conflicts', { only: ['list', 'get'] });

  r.post('/api/v1/gpc-conflicts/:id/resolve', {
    config: { access: { permission: 'gpc_conflicts.resolve' } },
    schema: {
      tags: ['gpc-conflicts'],
      summary: 'Resolve a GPC conflict: confirm the opt-out, or keep the opt-in on the person’s explicit reconfirmation (recorded in the ledger)',
      params: idParams,
      body: z
        .object({
          outcome: z.enum(gpcOutcomes),
          evidence: z.string().trim().min(1).max(2000).optional().describe('How the person answered (sealed under their key); required to keep the opt-in'),
        })
        .strict()
        .refine((b) => b.outcome !== 'keep_opt_in' || b.evidence !== undefined, {
          message: 'keeping the opt-in needs the evidence of the person’s explicit reconfirmation',
          path: ['evidence'],
        }),
      response: { 200: schemas.view, ...errors },
    },
    handler: async (request) => resolveGpcConflict(store, actorOf(request), requestContext(request), request.params.id, request.body) as never,
  });
}
