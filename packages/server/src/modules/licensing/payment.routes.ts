import { idParams } from '@castellan/shared';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf, requestContext } from '../../http/authenticate.js';
import { idempotentCreate } from '../../http/idempotent-create.js';
import { listQueryOf } from '../../http/record-routes.js';
import type { PresentedRecord, ProtectedStore, RecordValues } from '../../platform/data/protected-store.js';
import { todayOf } from './licensing-dates.js';
import { errors, paidBody, paymentPage, paymentSchemas, paymentView, scheduleResponse } from './licensing-schemas.js';
import { paymentStatus, type ScheduledPayment, scheduleSummary } from './payment-schedule.policy.js';

const tags = ['licensing'];
const base = '/api/v1/license-payments';

/** A stored payment with its status as of now (due / paid / overdue: derived, never stored). */
const withStatus = (payment: PresentedRecord, now = new Date()) => ({
  ...payment,
  status: paymentStatus({ dueDate: String(payment.dueDate), paidOn: (payment.paidOn as string | null) ?? null }, todayOf(now)),
});

/**
 * Payment schedules of licences: the five record routes of `license_payments` (each answer with its
 * derived status), recording a payment as received, and a licence's whole schedule with its totals.
 */
export function paymentRoutes(app: FastifyInstance, store: ProtectedStore): void {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get(base, {
    config: { access: { permission: 'license_payments.read' } },
    schema: {
      tags,
      summary: 'List licence payments (in your scope); filter by plain fields, ranges as <field>From / <field>To',
      querystring: paymentSchemas.listQuery,
      response: { 200: paymentPage, ...errors },
    },
    handler: async (request) => {
      const page = await store.list(
        actorOf(request),
        requestContext(request),
        'license_payments',
        listQueryOf(paymentSchemas, request.query as Record<string, unknown>),
      );
      return { items: page.items.map((p) => withStatus(p)), nextCursor: page.nextCursor } as never;
    },
  });

  r.post(base, {
    config: { access: { permission: 'license_payments.create' } },
    schema: {
      tags,
      summary: "Schedule a payment under a licence (the schedule may not exceed the licence's fee)",
      body: paymentSchemas.create,
      response: { 201: paymentView, ...errors },
    },
    handler: async (request, reply) =>
      idempotentCreate(request, reply, {
        status: 201,
        create: (claim) =>
          store.inTransaction(async (unit, tx) => {
            const created = await unit.create(actorOf(request), requestContext(request), 'license_payments', request.body as RecordValues);
            await claim(tx, String(created.id));
            return withStatus(created) as never;
          }),
        replay: async (id) => withStatus(await store.get(actorOf(request), requestContext(request), 'license_payments', id)) as never,
      }),
  });

  r.get(`${base}/:id`, {
    config: { access: { permission: 'license_payments.read' } },
    schema: { tags, summary: 'Get one licence payment', params: idParams, response: { 200: paymentView, ...errors } },
    handler: async (request) => withStatus(await store.get(actorOf(request), requestContext(request), 'license_payments', request.params.id)) as never,
  });

  r.patch(`${base}/:id`, {
    config: { access: { permission: 'license_payments.update' } },
    schema: { tags, summary: 'Change a licence payment', params: idParams, body: paymentSchemas.patch, response: { 200: paymentView, ...errors } },
    handler: async (request) =>
      withStatus(await store.update(actorOf(request), requestContext(request), 'license_payments', request.params.id, request.body as RecordValues)) as never,
  });

  r.delete(`${base}/:id`, {
    config: { access: { permission: 'license_payments.delete' } },
    schema: { tags, summary: 'Delete a licence payment', params: idParams, response: { 204: z.null(), ...errors } },
    handler: async (request, reply) => {
      await store.remove(actorOf(request), requestContext(request), 'license_payments', request.params.id);
      return reply.status(204).send(null);
    },
  });

  r.post(`${base}/:id/paid`, {
    config: { access: { permission: 'license_payments.update' } },
    schema: {
      tags,
      summary: 'Record a payment as received (on paidOn, default today)',
      params: idParams,
      body: paidBody,
      response: { 200: paymentView, ...errors },
    },
    handler: async (request) => {
      const paidOn = request.body.paidOn ?? todayOf(new Date());
      return withStatus(await store.update(actorOf(request), requestContext(request), 'license_payments', request.params.id, { paidOn })) as never;
    },
  });

  r.get('/api/v1/licenses/:id/payments', {
    config: { access: { permission: 'license_payments.read' } },
    schema: {
      tags,
      summary: "A licence's payment schedule: every payment you may see with its status, and the totals against the fee",
      params: idParams,
      response: { 200: scheduleResponse, ...errors },
    },
    handler: async (request) => {
      const actor = actorOf(request);
      const context = requestContext(request);
      const licence = await store.get(actor, context, 'licenses', request.params.id);
      const payments: PresentedRecord[] = [];
      let cursor: string | undefined;
      do {
        const page = await store.list(actor, context, 'license_payments', { limit: 200, cursor, filters: { licenseId: request.params.id } });
        payments.push(...page.items);
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      const now = new Date();
      const scheduled: ScheduledPayment[] = payments.map((p) => ({
        id: String(p.id),
        amountFen: Number(p.amountFen),
        dueDate: String(p.dueDate),
        paidOn: (p.paidOn as string | null) ?? null,
      }));
      payments.sort((a, b) => String(a.dueDate).localeCompare(String(b.dueDate)));
      return {
        licenseId: request.params.id,
        currency: String(licence.currency),
        ...scheduleSummary(Number(licence.feeFen), scheduled, todayOf(now)),
        payments: payments.map((p) => withStatus(p, now)),
      } as never;
    },
  });
}
