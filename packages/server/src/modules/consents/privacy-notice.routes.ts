import { errorResponse, recordSchemas } from '@castellan/shared';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf, requestContext } from '../../http/authenticate.js';
import { recordRoutes } from '../../http/record-routes.js';
import { asSystem } from '../../platform/data/as-system.js';
import type { ProtectedStore } from '../../platform/data/protected-store.js';
import { currentNotices } from './current-notices.js';

const errors = { 400: errorResponse, 401: errorResponse, 403: errorResponse, 404: errorResponse, 429: errorResponse };

/**
 * Privacy notices: versioned texts in Simplified Chinese and English, one series per purpose. The
 * privacy officer publishes a version (POST); a published version is never edited or deleted — the
 * consents given against it name it. The current versions are public, for the privacy portal.
 */
export function privacyNoticeRoutes(app: FastifyInstance, store: ProtectedStore): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const schemas = recordSchemas('privacy_notices');
  const current = z.object({ items: z.array(schemas.view) });

  r.get('/api/v1/privacy-notices/current', {
    config: { access: { permission: 'privacy_notices.read' } },
    schema: { tags: ['privacy-notices'], summary: 'The current version of the notice of every purpose', response: { 200: current, ...errors } },
    handler: async (request) => ({ items: await currentNotices(store, actorOf(request), requestContext(request)) }) as never,
  });
  recordRoutes(app, store, 'privacy_notices', { only: ['list', 'create', 'get'], schemas });

  r.get('/api/v1/portal/notices', {
    config: { access: { public: true }, rateLimit: { max: 60, timeWindow: '1 minute' } },
    schema: {
      tags: ['portal'],
      summary: 'The current privacy notices, in both languages (public: what a data subject is told)',
      security: [],
      response: { 200: current, ...errors },
    },
    handler: async (request) => ({ items: await currentNotices(store, asSystem('privacy portal: the published notices'), requestContext(request)) }) as never,
  });
}
