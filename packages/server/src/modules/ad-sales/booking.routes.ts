import { errorResponse, idParams, idSchema } from '@castellan/shared';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf, requestContext } from '../../http/authenticate.js';
import { idempotentCreate } from '../../http/idempotent-create.js';
import { recordRoutes } from '../../http/record-routes.js';
import type { ProtectedStore } from '../../platform/data/protected-store.js';
import { statusAfterAsRun } from './as-run.policy.js';
import { writableSchemas } from './writable-schemas.js';

const errors = { 400: errorResponse, 401: errorResponse, 403: errorResponse, 404: errorResponse, 409: errorResponse, 422: errorResponse };
const spots = z.number().int().min(0).max(100);
const asRunBody = z
  .object({ aired: spots, missed: spots, misaired: spots, airedAt: z.iso.datetime({ offset: true }) })
  .strict()
  .describe('How each spot of the booking went: aired + missed + misaired must equal its count');
const makeGoodBody = z
  .object({
    breakId: idSchema,
    airDate: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD'),
    count: z.number().int().min(1).max(100),
  })
  .strict()
  .describe('Where the make-good spots air (same channel, deal and spot length as the original)');

/**
 * Bookings of spots: the generic routes (price, airtime and hour derived; caps enforced by the rules),
 * cancellation by PATCH {status: cancelled}, the as-run confirmation and make-goods (补播).
 */
export function bookingRoutes(app: FastifyInstance, store: ProtectedStore): void {
  const schemas = writableSchemas('bookings', {
    actionOnly: ['status', 'makeGoodOf', 'airedCount', 'missedCount', 'misairedCount', 'airedAt'],
    patch: { status: z.literal('cancelled').optional().describe('cancelled: the spots are withdrawn (final)') },
  });
  recordRoutes(app, store, 'bookings', { tag: 'ad sales', schemas });
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.post('/api/v1/bookings/:id/as-run', {
    config: { access: { permission: 'bookings.confirm' } },
    schema: {
      tags: ['ad sales'],
      summary: 'Confirm the as-run of a booking (广告播出证明): how many spots aired, were missed or mis-aired',
      params: idParams,
      body: asRunBody,
      response: { 200: schemas.view, ...errors },
    },
    handler: async (request) => {
      const { aired, missed, misaired, airedAt } = request.body;
      return store.update(actorOf(request), requestContext(request), 'bookings', request.params.id, {
        airedCount: aired,
        missedCount: missed,
        misairedCount: misaired,
        airedAt,
        status: statusAfterAsRun({ aired, missed, misaired }),
      }) as never;
    },
  });

  r.post('/api/v1/bookings/:id/make-good', {
    config: { access: { permission: 'bookings.create' } },
    schema: {
      tags: ['ad sales'],
      summary: 'Make good (补播) missed or mis-aired spots of a booking: a new, free booking linked to it, under the same caps',
      params: idParams,
      body: makeGoodBody,
      response: { 201: schemas.view, ...errors },
    },
    handler: async (request, reply) => {
      const actor = actorOf(request);
      const context = requestContext(request);
      return idempotentCreate(request, reply, {
        status: 201,
        replay: (id) => store.get(actor, context, 'bookings', id) as never,
        create: (claim) =>
          store.inTransaction(async (unit, tx) => {
            const original = await unit.get(actor, context, 'bookings', request.params.id);
            const made = await unit.create(actor, context, 'bookings', {
              dealId: original.dealId as string,
              channelId: original.channelId as string,
              spotLength: original.spotLength as number,
              publicService: original.publicService as boolean,
              breakId: request.body.breakId,
              airDate: request.body.airDate,
              count: request.body.count,
              makeGoodOf: original.id as string,
            });
            await claim(tx, String(made.id));
            return made as never;
          }),
      });
    },
  });
}
