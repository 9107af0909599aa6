import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Kernel } from '../../platform/kernel.js';

const landingPage = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Castellan</title></head>
<body><h1>Castellan</h1><p>The server is up. / 服务器已启动。</p>
<p>API: <a href="/api/v1/openapi.json">/api/v1/openapi.json</a></p></body></html>`;

/** Public endpoints: the landing page, health and the OpenAPI document. */
export function healthRoutes(app: FastifyInstance, kernel: Kernel): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get('/', { config: { access: { public: true } }, schema: { hide: true } as object }, async (_request, reply) =>
    reply.type('text/html; charset=utf-8').send(landingPage),
  );
  r.get('/healthz', {
    config: { access: { public: true } },
    schema: {
      tags: ['system'],
      summary: 'Liveness and database reachability',
      security: [],
      response: { 200: z.object({ status: z.literal('ok'), database: z.enum(['sqlite', 'postgres']) }) },
    },
    handler: async () => {
      await kernel.db.kysely.selectFrom('settings').select('key').limit(1).execute();
      return { status: 'ok' as const, database: kernel.db.dialect };
    },
  });
  r.get('/api/v1/openapi.json', { config: { access: { public: true } }, schema: { hide: true } as object }, async () => app.swagger());
}
