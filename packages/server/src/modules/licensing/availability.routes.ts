import { codeListItems, idParams, licensingMedia } from '@castellan/shared';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { actorOf, requestContext } from '../../http/authenticate.js';
import type { ProtectedStore } from '../../platform/data/protected-store.js';
import { unprocessable } from '../../platform/errors.js';
import { availability } from './availability.policy.js';
import { licenceBlocksFor } from './licence-visibility.js';
import { dayOf, todayOf } from './licensing-dates.js';
import { availabilityQuery, availabilityResponse, errors } from './licensing-schemas.js';
import { blockOf } from './rights-block.js';
import { territorySet } from './territory.policy.js';

const maxDays = 366 * 100;

/** GET /api/v1/titles/:id/availability: what of a title can still be sold (avails). */
export function availabilityRoutes(app: FastifyInstance, store: ProtectedStore): void {
  app.withTypeProvider<ZodTypeProvider>().get('/api/v1/titles/:id/availability', {
    config: { access: { permission: 'titles.availability' } },
    schema: {
      tags: ['licensing'],
      summary:
        'What of a title can still be sold: per medium and territories, the windows within the rights held, whether exclusively, and the licences in the way (those you cannot see are named "a licence you cannot see")',
      params: idParams,
      querystring: availabilityQuery,
      response: { 200: availabilityResponse, ...errors },
    },
    handler: async (request) => {
      const actor = actorOf(request);
      const titleId = request.params.id;
      await store.get(actor, requestContext(request), 'titles', titleId);
      const q = request.query;
      return store.withRuleContext(actor, 'titles.availability', async (rc) => {
        const rightsRows = await rc.plainRows('rights', { titleId });
        const rights = rightsRows.map((r) => blockOf(r));
        const licences = licenceBlocksFor(actor, await rc.plainRows('licenses', { titleId }));
        const heldMedia = new Set(rights.flatMap((r) => codeListItems(r.media)));
        const media = q.media ? codeListItems(q.media) : licensingMedia.filter((m) => heldMedia.has(m));
        const territory = q.territory ?? 'WORLD';
        const from = q.from ?? todayOf(rc.now);
        const lastHeld = [from, ...rights.map((r) => r.windowEnd)].sort().at(-1) ?? from;
        const to = q.to ?? lastHeld;
        if (to < from) throw unprocessable(`to (${to}) is before from (${from})`);
        if (dayOf(to) - dayOf(from) > maxDays) throw unprocessable('ask about at most 100 years at once');
        const entries = availability(rights, licences, { territories: territorySet(territory), media, days: { from: dayOf(from), to: dayOf(to) } });
        return { titleId, from, to, territories: territory, media, entries };
      });
    },
  });
}
