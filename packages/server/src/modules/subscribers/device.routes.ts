import { errorResponse } from '@castellan/shared';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf, requestContext } from '../../http/authenticate.js';
import { recordRoutes } from '../../http/record-routes.js';
import type { ProtectedStore } from '../../platform/data/protected-store.js';

const errors = { 400: errorResponse, 401: errorResponse, 403: errorResponse, 404: errorResponse, 422: errorResponse, 429: errorResponse };

/**
 * Devices (终端): set-top boxes, smart cards, CAMs, routers of a subscription; serial, CA number and MAC
 * are personal data, sealed under the customer's key; serial and CA number are found by exact match.
 */
export function deviceRoutes(app: FastifyInstance, store: ProtectedStore): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const schemas = recordRoutes(app, store, 'devices', { tag: 'subscribers' });
  r.post('/api/v1/devices/search', {
    config: { access: { permission: 'devices.read' } },
    schema: {
      tags: ['subscribers'],
      summary: 'Find devices in your scope by serial number or smart-card / CA number (exact match through a blind index; the value in the body)',
      description: 'Every search is audited, misses included; searching by a field you see masked counts against your masked-search quota (429 past it).',
      body: z
        .object({
          field: z.enum(['serialNumber', 'caNumber']),
          value: z.string().trim().min(1).max(64),
          limit: z.number().int().min(1).max(200).default(50),
          cursor: z.string().max(100).optional(),
        })
        .strict(),
      response: { 200: schemas.page, ...errors },
    },
    handler: async (request) => {
      const { field, value, limit, cursor } = request.body;
      return store.list(actorOf(request), requestContext(request), 'devices', { limit, cursor, search: { field, value } }) as never;
    },
  });
}
