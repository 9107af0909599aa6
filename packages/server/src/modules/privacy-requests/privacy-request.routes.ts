import { accessPackageCreated, errorResponse, idParams, type Permission, privacyLaws, privacyRequestKinds, recordSchemas } from '@castellan/shared';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf, requestContext } from '../../http/authenticate.js';
import { recordRoutes } from '../../http/record-routes.js';
import type { ProtectedStore, RecordBody } from '../../platform/data/protected-store.js';
import { summariseWorkload } from './privacy-request-dashboard.policy.js';
import type { DeskStep, PrivacyRequestDesk } from './privacy-request-desk.js';

const errors = { 400: errorResponse, 401: errorResponse, 403: errorResponse, 404: errorResponse, 409: errorResponse, 422: errorResponse, 429: errorResponse };
const tags = ['privacy-requests'];
const freeText = (max: number) => z.string().trim().min(1).max(max);

interface StepRoute {
  permission: Permission;
  summary: string;
  body: z.ZodObject;
  write(body: Record<string, unknown>): RecordBody;
}

/** Each step an officer takes: its permission, its body and the write it means. */
const steps: Record<DeskStep, StepRoute> = {
  assign: {
    permission: 'privacy_requests.assign',
    summary: 'Assign the request to a staff member (its owner)',
    body: z.object({ assigneeId: z.uuid() }).strict(),
    write: (b) => ({ ownerId: String(b.assigneeId) }),
  },
  verify: {
    permission: 'privacy_requests.verify',
    summary: 'Record that the requester’s identity was verified by other means (in person, a document, a known channel): the clock starts',
    body: z.object({ method: z.enum(['in_person', 'document', 'known_channel']) }).strict(),
    write: () => ({ status: 'verified' }),
  },
  start: {
    permission: 'privacy_requests.update',
    summary: 'Start working on a verified request',
    body: z.object({}).strict(),
    write: () => ({ status: 'in_progress' }),
  },
  pause: {
    permission: 'privacy_requests.update',
    summary: 'Wait for the requester (e.g. to clarify what they ask): the clock stands still until resumed',
    body: z.object({}).strict(),
    write: () => ({ status: 'awaiting_requester' }),
  },
  resume: {
    permission: 'privacy_requests.update',
    summary: 'The requester answered: the clock runs again',
    body: z.object({}).strict(),
    write: () => ({ status: 'in_progress' }),
  },
  extend: {
    permission: 'privacy_requests.extend',
    summary: 'Take the one extension the law allows (GDPR two months, CCPA 45 days; PIPL none), with the reason told to the person',
    body: z.object({ reason: freeText(2000) }).strict(),
    write: (b) => ({ extended: true, extensionReason: String(b.reason) }),
  },
  respond: {
    permission: 'privacy_requests.respond',
    summary: 'Write (or rewrite) the response to the person (sealed; shown on the portal once verified)',
    body: z.object({ response: freeText(10_000) }).strict(),
    write: (b) => ({ response: String(b.response) }),
  },
  complete: {
    permission: 'privacy_requests.close',
    summary: 'Close the request as answered (needs a response); an overdue request is closed only this way, never by its clock',
    body: z.object({}).strict(),
    write: () => ({ status: 'completed' }),
  },
  refuse: {
    permission: 'privacy_requests.close',
    summary: 'Refuse the request (identity not verified, manifestly unfounded…), with the response saying why',
    body: z.object({ response: freeText(10_000).optional() }).strict(),
    write: (b) => ({ status: 'refused', ...(b.response ? { response: String(b.response) } : {}) }),
  },
};

const historyView = z.object({
  items: z.array(
    z.object({
      id: z.string(),
      at: z.string(),
      actorUserId: z.string().nullable(),
      step: z.string(),
      fromStatus: z.string().nullable(),
      toStatus: z.string().nullable(),
      detail: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])),
    }),
  ),
});

const executionResultView = z.object({
  kind: z.enum(privacyRequestKinds),
  package: accessPackageCreated.optional(),
  erasure: z.object({ status: z.enum(['running', 'done']), stepsDone: z.array(z.string()), held: z.number().int() }).optional(),
  restriction: z.object({ restricted: z.boolean(), changed: z.boolean() }).optional(),
});

const count = z.number().int().nonnegative();
const workloadView = z.object({
  items: z.array(z.object({ law: z.enum(privacyLaws), open: count, overdue: count, dueWithinWeek: count, awaitingVerification: count, closed: count })),
});

/** Data-subject requests for staff: list and read (generated), receive, the steps, history, code, execute. */
export function privacyRequestRoutes(app: FastifyInstance, store: ProtectedStore, desk: PrivacyRequestDesk): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const schemas = recordSchemas('privacy_requests', { omit: { create: ['source', 'extended', 'extensionReason', 'response'] } });
  recordRoutes(app, store, 'privacy_requests', { schemas, only: ['list', 'get'], tag: 'privacy-requests' });

  r.post('/api/v1/privacy-requests', {
    config: { access: { permission: 'privacy_requests.create' } },
    schema: {
      tags,
      summary: 'Record a request received by letter, phone or in person (unverified, or verified when the officer checked the person)',
      body: schemas.create,
      response: { 201: schemas.view, ...errors },
    },
    handler: async (request, reply) =>
      reply.status(201).send((await desk.receive(actorOf(request), requestContext(request), request.body as RecordBody)) as never),
  });

  for (const [step, route] of Object.entries(steps) as [DeskStep, StepRoute][]) {
    r.post(`/api/v1/privacy-requests/:id/${step}`, {
      config: { access: { permission: route.permission } },
      schema: { tags, summary: route.summary, params: idParams, body: route.body, response: { 200: schemas.view, ...errors } },
      handler: async (request) =>
        (await desk.take(actorOf(request), requestContext(request), request.params.id, step, route.write(request.body as Record<string, unknown>))) as never,
    });
  }

  r.post('/api/v1/privacy-requests/:id/send-code', {
    config: { access: { permission: 'privacy_requests.verify' }, rateLimit: { max: 10, timeWindow: '1 minute' } },
    schema: {
      tags,
      summary: 'E-mail a new one-time verification code to the address the requester gave (the old code stops working)',
      params: idParams,
      response: { 204: z.null(), ...errors },
    },
    handler: async (request, reply) => {
      await desk.sendCode(actorOf(request), requestContext(request), request.params.id, request.log);
      return reply.status(204).send(null);
    },
  });

  r.get('/api/v1/privacy-requests/:id/history', {
    config: { access: { permission: 'privacy_requests.read' } },
    schema: {
      tags,
      summary: 'Every step of the request, oldest first (append-only; no personal value)',
      params: idParams,
      response: { 200: historyView, ...errors },
    },
    handler: async (request) => {
      // A request outside the reader's scope is "not found" (404), like every record.
      await store.assertVisible(actorOf(request), 'privacy_requests', request.params.id);
      return { items: await desk.history.of(request.params.id) };
    },
  });

  r.post('/api/v1/privacy-requests/:id/execute', {
    config: { access: { permission: 'privacy_requests.update' } },
    schema: {
      tags,
      summary:
        'Carry out an access, portability, erasure or restriction request for the contact it is about: the encrypted package (passphrase shown once, single-use link), the erasure steps, or the restriction; a package or an erasure needs a step-up',
      params: idParams,
      response: { 200: executionResultView, ...errors },
    },
    handler: async (request, reply) => {
      reply.header('cache-control', 'no-store');
      return desk.execute(actorOf(request), requestContext(request), request.params.id);
    },
  });

  r.get('/api/v1/dashboards/privacy-requests', {
    config: { access: { permission: 'privacy_requests.read' } },
    schema: {
      tags: ['dashboards', 'privacy-requests'],
      summary: 'The privacy officer workload per law now: open, overdue, due within a week, awaiting verification, closed (counts of the requests you may see)',
      response: { 200: workloadView, ...errors },
    },
    handler: async (request) => {
      const groups = await store.aggregate(actorOf(request), 'privacy_requests', { groupBy: ['law', 'status', 'dueAt'] });
      return {
        items: summariseWorkload(
          groups.map((g) => ({ law: String(g.law), status: String(g.status), dueAt: g.dueAt ? String(g.dueAt) : null, count: g.count })),
          new Date(),
        ),
      };
    },
  });
}
