import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { databaseHealth } from '../../platform/db/health.js';
import type { Kernel } from '../../platform/kernel.js';

/** Public endpoints: health and the OpenAPI document (the landing page is in modules/pages). */
export function healthRoutes(app: FastifyInstance, kernel: Kernel): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get('/healthz', {
    config: { access: { public: true } },
    schema: {
      tags: ['system'],
      summary: 'Liveness and database reachability',
      security: [],
      response: { 200: z.object({ status: z.literal('ok'), database: z.enum(['sqlite', 'postgres']) }) },
    },
    handler: async () => databaseHealth(kernel),
  });
  r.get('/api/v1/openapi.json', { config: { access: { public: true } }, schema: { hide: true } as object }, async () => app.swagger());
}
