import { Readable } from 'node:stream';
import { errorResponse, idParams, pageQuery, recordSchemas } from '@castellan/shared';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf, requestContext } from '../../http/authenticate.js';
import { recordRoutes } from '../../http/record-routes.js';
import type { ProtectedStore } from '../../platform/data/protected-store.js';
import { requireFreshSecondFactor } from '../../platform/identity/second-factor.js';
import { audienceCount, audiencePage } from './audience.js';
import { audienceCsv } from './audience-export.js';

const errors = { 400: errorResponse, 401: errorResponse, 403: errorResponse, 404: errorResponse, 409: errorResponse, 422: errorResponse, 429: errorResponse };
const tags = ['campaigns'];
const consentRule =
  'Only contacts you may see, matching the campaign filters, whose latest consent entry for the campaign purpose AND channel is a grant that has not expired (a guardian grant for a minor), and who have not opted out of sale / sharing (e.g. by a Global Privacy Control signal).';

/** Campaigns and their consent-filtered audiences. */
export function campaignRoutes(app: FastifyInstance, store: ProtectedStore): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  recordRoutes(app, store, 'campaigns');
  const contacts = recordSchemas('contacts');

  r.get('/api/v1/campaigns/:id/audience', {
    config: { access: { permission: 'campaigns.audience' } },
    schema: {
      tags,
      summary: "A page of the campaign's audience, masked as your field rules say (audited as a read with the campaign and its purpose)",
      description: `${consentRule} Needs contacts.read and consents.read over every team.`,
      params: idParams,
      querystring: z.object(pageQuery).strict(),
      response: { 200: contacts.page, ...errors },
    },
    handler: async (request) =>
      audiencePage(store, actorOf(request), requestContext(request), {
        campaignId: request.params.id,
        limit: request.query.limit,
        cursor: request.query.cursor,
      }) as never,
  });

  r.get('/api/v1/campaigns/:id/audience/count', {
    config: { access: { permission: 'campaigns.audience' } },
    schema: {
      tags,
      summary: "How many people the campaign's audience holds now (a count: nobody is decrypted or read)",
      description: `${consentRule} Needs contacts.read and consents.read over every team.`,
      params: idParams,
      response: { 200: z.object({ count: z.number().int(), purpose: z.string(), channel: z.string() }), ...errors },
    },
    handler: async (request) => audienceCount(store, actorOf(request), requestContext(request), request.params.id),
  });

  r.post('/api/v1/campaigns/:id/audience/export', {
    config: { access: { permission: 'campaigns.export' }, rateLimit: { max: 5, timeWindow: '1 minute' } },
    schema: {
      tags,
      summary: "Export the campaign's audience as CSV (masking applies; needs a step-up; every page audited as an export with its count and purpose)",
      description: consentRule,
      params: idParams,
      response: { 200: z.string(), ...errors },
    },
    handler: async (request, reply) => {
      const actor = actorOf(request);
      requireFreshSecondFactor(actor, 'exporting');
      const context = requestContext(request);
      // The first page is read before the answer starts, so a refusal (404, 403) is a proper error.
      const chunks = audienceCsv(store, actor, context, request.params.id);
      const first = await chunks.next();
      async function* rest() {
        if (!first.done) yield first.value;
        yield* chunks;
      }
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="audience-${request.params.id}.csv"`)
        .send(Readable.from(rest()) as never);
    },
  });
}
