import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { actorOf } from '../../http/authenticate.js';
import { can } from '../../platform/authz/access-policy.js';
import type { ProtectedStore } from '../../platform/data/protected-store.js';
import { paymentsByStatus, revenueByTitleAndYear, withTitleNames } from './licensing-dashboard.policy.js';
import { todayOf } from './licensing-dates.js';
import { dashboardResponse, errors } from './licensing-schemas.js';

/** GET /api/v1/dashboards/licensing: licence revenue and payments, from the records the caller may see. */
export function licensingDashboardRoutes(app: FastifyInstance, store: ProtectedStore): void {
  app.withTypeProvider<ZodTypeProvider>().get('/api/v1/dashboards/licensing', {
    config: { access: { permission: 'licenses.read' } },
    schema: {
      tags: ['licensing', 'dashboards'],
      summary: 'Licence revenue (fees of signed licences) by title and year signed; payments due, overdue and paid — only from records in your scope',
      response: { 200: dashboardResponse, ...errors },
    },
    handler: async (request) => {
      const actor = actorOf(request);
      const asOf = todayOf(new Date());
      const signed = await store.aggregate(actor, 'licenses', {
        groupBy: ['titleId', 'signedOn', 'currency'],
        sums: ['feeFen'],
        filters: { status: 'signed' },
      });
      const payments = can(actor, 'license_payments.read')
        ? paymentsByStatus(
            (await store.aggregate(actor, 'license_payments', { groupBy: ['currency', 'dueDate', 'paidOn'], sums: ['amountFen'] })) as never,
            asOf,
          )
        : null;
      const names = can(actor, 'titles.read') ? await store.aggregate(actor, 'titles', { groupBy: ['id', 'titleZh', 'titleEn'] }) : [];
      return { asOf, revenue: withTitleNames(revenueByTitleAndYear(signed as never), names as never), payments };
    },
  });
}
