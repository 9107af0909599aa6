import { errorResponse } from '@castellan/shared';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf } from '../../http/authenticate.js';
import type { ProtectedStore } from '../../platform/data/protected-store.js';
import { unprocessable } from '../../platform/errors.js';
import { churnByMonth, maxChurnMonths, monthsBetween } from './churn.js';

const month = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'must be a month YYYY-MM');
const errors = { 400: errorResponse, 401: errorResponse, 403: errorResponse, 422: errorResponse };

const monthOf = (d: Date) => d.toISOString().slice(0, 7);
function monthsBack(d: Date, n: number): string {
  const back = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - n, 1));
  return monthOf(back);
}

/** GET /api/v1/dashboards/churn: subscriptions cancelled per month against those active at the month's start, from what the caller may see. */
export function churnRoutes(app: FastifyInstance, store: ProtectedStore): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get('/api/v1/dashboards/churn', {
    config: { access: { permission: 'subscriptions.read' } },
    schema: {
      tags: ['dashboards'],
      summary: 'Subscriber churn by month: active at the start of each month, cancelled during it, churn rate (subscriptions in your scope only)',
      description: `from / to: months YYYY-MM (default: the last 12 months up to this one; at most ${maxChurnMonths}). Suspended (报停) subscriptions count as active; a pending one cancelled before activation is not churn.`,
      querystring: z.object({ from: month.optional(), to: month.optional() }).strict(),
      response: {
        200: z.object({
          from: z.string(),
          to: z.string(),
          months: z.array(z.object({ month: z.string(), activeAtStart: z.number(), cancelled: z.number(), churnRate: z.number().nullable() })),
        }),
        ...errors,
      },
    },
    handler: async (request) => {
      const now = new Date();
      const to = request.query.to ?? monthOf(now);
      const from = request.query.from ?? monthsBack(new Date(`${to}-01T00:00:00Z`), 11);
      if (from > to) throw unprocessable(`from ${from} is after to ${to}`);
      if (monthsBetween(from, to).length > maxChurnMonths) throw unprocessable(`at most ${maxChurnMonths} months at a time`);
      const rows = await store.aggregate(actorOf(request), 'subscriptions', { groupBy: ['activatedOn', 'cancelledOn'] });
      const counts = rows.map((row) => ({ activatedOn: row.activatedOn as string | null, cancelledOn: row.cancelledOn as string | null, count: row.count }));
      return { from, to, months: churnByMonth(counts, from, to) };
    },
  });
}
