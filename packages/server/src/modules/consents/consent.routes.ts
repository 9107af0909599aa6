import { consentEntryChannels, consentPurposes, errorResponse } from '@castellan/shared';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf, requestContext } from '../../http/authenticate.js';
import { idempotentCreate } from '../../http/idempotent-create.js';
import { recordRoutes } from '../../http/record-routes.js';
import type { ProtectedStore, RecordValues } from '../../platform/data/protected-store.js';
import { unprocessable } from '../../platform/errors.js';
import { carriesGpc } from './gpc.policy.js';
import { recordGpcSignal } from './record-gpc-signal.js';
import { recordPortalOptOut } from './record-portal-opt-out.js';

const errors = { 400: errorResponse, 401: errorResponse, 403: errorResponse, 404: errorResponse, 409: errorResponse, 422: errorResponse, 429: errorResponse };
const gpcNote =
  'With `Sec-GPC: 1` (Global Privacy Control) the person is also opted out of sale / sharing in the same transaction (a ledger entry, source gpc); an earlier explicit opt-in is surfaced as a GPC conflict.';

/**
 * The consent ledger: entries are recorded and read, never changed or deleted through the API (a
 * withdrawal is a new entry; correction and erasure belong to the privacy workflows). A consent
 * recorded with `Sec-GPC: 1` carries the person's Global Privacy Control signal. The public portal
 * takes a person's own opt-outs (no enumeration: the same answer for an unknown address).
 */
export function consentRoutes(app: FastifyInstance, store: ProtectedStore): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const schemas = recordRoutes(app, store, 'consents', { only: ['list', 'get'] });

  r.post('/api/v1/consents', {
    config: { access: { permission: 'consents.create' } },
    schema: {
      tags: ['consents'],
      summary: 'Record a consent ledger entry (a grant or a withdrawal; never changed afterwards)',
      description: `${gpcNote} Taken from integration tokens only (a website relaying its visitor's signal): a staff member's own browser session signals the staff member's preference, not the customer's, and is not recorded.`,
      body: schemas.create,
      response: { 201: schemas.view, ...errors },
    },
    handler: async (request, reply) =>
      idempotentCreate(request, reply, {
        status: 201,
        create: (claim) =>
          store.inTransaction(async (unit, tx) => {
            const actor = actorOf(request);
            const context = requestContext(request);
            const created = await unit.create(actor, context, 'consents', request.body as RecordValues);
            // An integration (a website's form relaying its visitor) passes the person's signal on; a staff
            // member's own browser sends the staff member's preference, which says nothing about the customer.
            if (actor.kind === 'token' && carriesGpc(request.headers['sec-gpc'])) await recordGpcSignal(unit, actor, context, String(created.contactId));
            await claim(tx, String(created.id));
            return created as never;
          }),
        replay: (id) => store.get(actorOf(request), requestContext(request), 'consents', id) as never,
      }),
  });

  r.post('/api/v1/portal/consents', {
    config: { access: { public: true }, rateLimit: { max: 5, timeWindow: '1 minute' } },
    schema: {
      tags: ['portal'],
      summary: 'A data subject opts out on the privacy portal: withdrawals, opt-out of sale / sharing, Global Privacy Control',
      description:
        'Withdraws the named purposes per channel and, when asked or with `Sec-GPC: 1`, opts out of sale / sharing, for every person whose e-mail is the address given. The answer is the same whether anyone has that address or not; the person is out of every campaign audience when it returns.',
      security: [],
      body: z
        .object({
          email: z.string().trim().min(3).max(254),
          withdrawals: z
            .array(z.object({ purpose: z.enum(consentPurposes), channel: z.enum(consentEntryChannels) }).strict())
            .max(20)
            .default([]),
          optOutOfSaleShare: z.boolean().default(false),
        })
        .strict(),
      response: { 202: z.object({ status: z.literal('accepted') }), ...errors },
    },
    handler: async (request, reply) => {
      const gpc = carriesGpc(request.headers['sec-gpc']);
      const { email, withdrawals, optOutOfSaleShare } = request.body;
      if (!gpc && !optOutOfSaleShare && withdrawals.length === 0)
        throw unprocessable('nothing to record: name withdrawals, set optOutOfSaleShare, or send Sec-GPC: 1');
      await recordPortalOptOut(store, requestContext(request), { email, withdrawals, optOutOfSaleShare, gpc });
      return reply.status(202).send({ status: 'accepted' as const });
    },
  });
}
