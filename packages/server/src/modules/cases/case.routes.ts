import { errorResponse, idParams, recordSchemas } from '@castellan/shared';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf, requestContext } from '../../http/authenticate.js';
import { listQueryOf, recordRoutes } from '../../http/record-routes.js';
import type { ProtectedStore } from '../../platform/data/protected-store.js';
import { escalateBreached } from './case-escalation.js';
import { caseSlaDashboard } from './case-sla-dashboard.js';
import { withSla } from './case-views.js';

const errors = { 400: errorResponse, 401: errorResponse, 403: errorResponse, 404: errorResponse, 409: errorResponse, 422: errorResponse, 429: errorResponse };
const tags = ['cases'];

const slaView = z
  .object({
    responseDueAt: z.string(),
    resolutionDueAt: z.string(),
    responseBreached: z.boolean(),
    resolutionBreached: z.boolean(),
    responded: z.boolean(),
    resolved: z.boolean(),
    paused: z.boolean().describe('Waiting on the customer: the resolution clock stands still'),
    pausedSeconds: z.number(),
    escalationDue: z.number().describe('The escalation level the breaches call for now (0, 1, 2)'),
  })
  .describe('SLA state computed at this read');

const clockView = z.object({ met: z.number(), breached: z.number(), running: z.number(), compliancePct: z.number().nullable() });
const dashboardView = z.object({
  items: z.array(
    z.object({
      priority: z.string(),
      total: z.number(),
      open: z.number(),
      breached: z.number(),
      withinSla: z.number(),
      response: clockView,
      resolution: clockView,
    }),
  ),
});
const isoTime = z.iso.datetime({ offset: true, message: 'must be an ISO 8601 time' });

/** Service cases (工单): the generated writes, reads with the SLA state computed now, escalation and the SLA dashboard. */
export function caseRoutes(app: FastifyInstance, store: ProtectedStore): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const schemas = recordSchemas('cases');
  recordRoutes(app, store, 'cases', { schemas, only: ['create', 'patch', 'delete'] });
  const view = (schemas.view as z.ZodObject).extend({ sla: slaView });

  r.get('/api/v1/cases', {
    config: { access: { permission: 'cases.read' } },
    schema: {
      tags,
      summary: 'List cases in your scope with their SLA state now; filter by plain fields, ranges as <field>From / <field>To',
      querystring: schemas.listQuery,
      response: { 200: z.object({ items: z.array(view), nextCursor: z.string().nullable() }), ...errors },
    },
    handler: async (request) => {
      const page = await store.list(actorOf(request), requestContext(request), 'cases', listQueryOf(schemas, request.query as Record<string, unknown>));
      const now = new Date();
      return { items: page.items.map((item) => withSla(item, now)), nextCursor: page.nextCursor } as never;
    },
  });

  r.post('/api/v1/cases/escalate-breached', {
    config: { access: { permission: 'cases.escalate' } },
    schema: {
      tags,
      summary: 'Raise the escalation level of every unfinished case in your scope whose SLA is breached (1: response, 2: resolution); each change audited',
      response: {
        200: z.object({ checked: z.number(), escalated: z.array(z.object({ id: z.string(), escalationLevel: z.number() })) }),
        ...errors,
      },
    },
    handler: async (request) => escalateBreached(store, actorOf(request), requestContext(request)),
  });

  r.get('/api/v1/cases/:id', {
    config: { access: { permission: 'cases.read' } },
    schema: { tags, summary: 'Get one case with its SLA state now', params: idParams, response: { 200: view, ...errors } },
    handler: async (request) => withSla(await store.get(actorOf(request), requestContext(request), 'cases', request.params.id)) as never,
  });

  r.get('/api/v1/dashboards/case-sla', {
    config: { access: { permission: 'cases.read' } },
    schema: {
      tags: ['dashboards', 'cases'],
      summary: 'Case SLA compliance by priority (within SLA, breached, open; response and resolution compliance %), from the cases you may see',
      querystring: z.object({ createdFrom: isoTime.optional(), createdTo: isoTime.optional() }).strict(),
      response: { 200: dashboardView, ...errors },
    },
    handler: async (request) => ({ items: await caseSlaDashboard(store, actorOf(request), { from: request.query.createdFrom, to: request.query.createdTo }) }),
  });
}
