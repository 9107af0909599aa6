import { errorResponse } from '@castellan/shared';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf, requestContext } from '../../http/authenticate.js';
import { verifyAuditChainFor } from '../../platform/audit/verify-audit-chain.js';
import type { Kernel } from '../../platform/kernel.js';

const problem = z.object({ kind: z.string(), seq: z.number().nullable(), eventId: z.string().nullable(), message: z.string() });

/** The audit administrator checks the whole trail: chain, seals and signed checkpoints. */
export function auditVerifyRoutes(app: FastifyInstance, kernel: Kernel): void {
  app.withTypeProvider<ZodTypeProvider>().get('/api/v1/audit/verify', {
    config: { access: { permission: 'audit.read' }, rateLimit: { max: 6, timeWindow: '1 minute' } },
    schema: {
      tags: ['audit'],
      summary: 'Recompute the hash chain, seals and signed checkpoints; names the first altered, removed or inserted event',
      response: {
        200: z.object({ intact: z.boolean(), events: z.number(), checkpoints: z.number(), lastSeq: z.number().nullable(), problem: problem.optional() }),
        401: errorResponse,
        403: errorResponse,
      },
    },
    handler: async (request) => verifyAuditChainFor(kernel, actorOf(request), requestContext(request)),
  });
}
