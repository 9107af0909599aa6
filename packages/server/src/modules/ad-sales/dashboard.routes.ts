import { errorResponse, idSchema } from '@castellan/shared';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf, requestContext } from '../../http/authenticate.js';
import type { RequestContext } from '../../platform/audit/audit-event.js';
import type { Actor } from '../../platform/authz/actor.js';
import type { PresentedRecord, ProtectedStore } from '../../platform/data/protected-store.js';
import { AppError } from '../../platform/errors.js';
import { airtimeFill, pipelineByStage, revenueByChannelMonth, type StageInfo } from './dashboards.js';

const errors = { 400: errorResponse, 401: errorResponse, 403: errorResponse, 404: errorResponse, 422: errorResponse };
const tags = ['ad sales', 'dashboards'];
const month = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'must be a month YYYY-MM');
const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD');

const pipelineResponse = z.object({
  items: z.array(
    z.object({
      stageId: z.string(),
      code: z.string().nullable(),
      name: z.string().nullable(),
      position: z.number().nullable(),
      probability: z.number().nullable(),
      isWon: z.boolean(),
      isLost: z.boolean(),
      count: z.number(),
      amounts: z.array(z.object({ currency: z.string(), count: z.number(), amount: z.number(), weightedAmount: z.number() })),
    }),
  ),
});
const revenueResponse = z.object({
  items: z.array(z.object({ channelId: z.string(), channelCode: z.string().nullable(), month: z.string(), bookings: z.number(), netAmount: z.number() })),
});
const fillResponse = z.object({
  channelId: z.string(),
  channelCode: z.string(),
  kind: z.string(),
  date: z.string(),
  hours: z.array(
    z.object({ hour: z.number(), commercialSeconds: z.number(), publicServiceSeconds: z.number(), capSeconds: z.number(), remainingSeconds: z.number() }),
  ),
  primeTime: z.object({ from: z.string(), to: z.string(), commercialSeconds: z.number(), capSeconds: z.number(), remainingSeconds: z.number() }).nullable(),
  publicService: z.object({ seconds: z.number(), commercialSeconds: z.number(), share: z.number().nullable(), minimumShare: z.number(), met: z.boolean() }),
});

/** Every record of a reference object (channels, deal stages), or none when the actor may not read it. */
async function referenceRows(store: ProtectedStore, actor: Actor, context: RequestContext, object: 'channels' | 'deal_stages'): Promise<PresentedRecord[]> {
  const out: PresentedRecord[] = [];
  let cursor: string | undefined;
  try {
    do {
      const page = await store.list(actor, context, object, { limit: 200, cursor });
      out.push(...page.items);
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
  } catch (error) {
    if (error instanceof AppError && error.status === 403) return [];
    throw error;
  }
  return out;
}

/**
 * Ad-sales dashboards. The pipeline and the revenue are computed only from the deals and bookings
 * the caller may see (store.aggregate applies their record scope). The airtime fill is about the
 * channel, not about the bookings: it counts every booking of the channel and day, whoever owns it,
 * as plain seconds per clock hour — no deal, booking or advertiser is named (aggregateAcrossScopes).
 */
export function dashboardRoutes(app: FastifyInstance, store: ProtectedStore): void {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get('/api/v1/dashboards/pipeline', {
    config: { access: { permission: 'deals.read' } },
    schema: {
      tags,
      summary: 'Deals in your scope by pipeline stage: count, amount and weighted amount per currency',
      response: { 200: pipelineResponse, ...errors },
    },
    handler: async (request) => {
      const actor = actorOf(request);
      const rows = await store.aggregate(actor, 'deals', { groupBy: ['stageId', 'currency'], sums: ['amount'] });
      const stages = (await referenceRows(store, actor, requestContext(request), 'deal_stages')).map(
        (s): StageInfo => ({
          id: String(s.id),
          code: String(s.code),
          name: String(s.name),
          position: Number(s.position),
          probability: Number(s.probability),
          isWon: s.isWon === true,
          isLost: s.isLost === true,
        }),
      );
      return { items: pipelineByStage(rows, stages) };
    },
  });

  r.get('/api/v1/dashboards/bookings-revenue', {
    config: { access: { permission: 'bookings.read' } },
    schema: {
      tags,
      summary: 'Net revenue of the bookings in your scope (not cancelled) by channel and month of air date',
      querystring: z.object({ from: month.optional(), to: month.optional(), channelId: idSchema.optional() }).strict(),
      response: { 200: revenueResponse, ...errors },
    },
    handler: async (request) => {
      const actor = actorOf(request);
      const { from, to, channelId } = request.query;
      const rows = await store.aggregate(actor, 'bookings', {
        groupBy: ['channelId', 'airMonth', 'status'],
        sums: ['netAmount'],
        filters: channelId ? { channelId } : undefined,
        ranges: from || to ? { airDate: { from: from ? `${from}-01` : undefined, to: to ? `${to}-31` : undefined } } : undefined,
      });
      const channels = await referenceRows(store, actor, requestContext(request), 'channels');
      return { items: revenueByChannelMonth(rows, new Map(channels.map((c) => [String(c.id), String(c.code)]))) };
    },
  });

  r.get('/api/v1/dashboards/airtime-fill', {
    config: { access: { permission: 'bookings.read' } },
    schema: {
      tags,
      summary:
        "A channel's day: commercial seconds per clock hour against 720 s, 19:00–21:00 against 1080 s on TV, public-service share (all bookings of the channel)",
      querystring: z.object({ channelId: idSchema, date }).strict(),
      response: { 200: fillResponse, ...errors },
    },
    handler: async (request) => {
      const actor = actorOf(request);
      const { channelId, date: day } = request.query;
      const channel = await store.get(actor, requestContext(request), 'channels', channelId);
      const rows = await store.aggregateAcrossScopes(actor, 'bookings', {
        groupBy: ['airHour', 'publicService'],
        sums: ['seconds'],
        filters: { channelId, airDate: day },
      });
      return { channelId, channelCode: String(channel.code), kind: String(channel.kind), date: day, ...airtimeFill(rows, { kind: String(channel.kind) }) };
    },
  });
}
