import {
  breachCreate,
  breachList,
  breachPatch,
  breachView,
  categoryList,
  draftList,
  errorResponse,
  findSubjectsBody,
  idParams,
  notificationBody,
  subjectList,
  subjectListQuery,
  subjectsFound,
} from '@castellan/shared';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { actorOf, requestContext } from '../../http/authenticate.js';
import { breachCategories } from '../../platform/incidents/breach-categories.js';
import { createBreach, getBreach, listBreaches, recordNotification, updateBreach } from '../../platform/incidents/breach-register.js';
import { findSubjectsOfBreach, listSubjectsOfBreach } from '../../platform/incidents/breach-subjects.js';
import type { Kernel } from '../../platform/kernel.js';
import { breachDrafts } from './breach-drafts.js';

const tags = ['breaches'];
const errors = { 400: errorResponse, 401: errorResponse, 403: errorResponse, 404: errorResponse, 409: errorResponse, 422: errorResponse };

/** The breach register: incidents, their parallel reporting clocks, affected subjects and report drafts. */
export function breachRoutes(app: FastifyInstance, kernel: Kernel): void {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get('/api/v1/breaches', {
    config: { access: { permission: 'breaches.read' } },
    schema: { tags, summary: 'The breach register, overdue clocks first (no sealed text)', response: { 200: breachList, ...errors } },
    handler: async () => ({ items: await listBreaches(kernel) }),
  });

  r.get('/api/v1/breaches/categories', {
    config: { access: { permission: 'breaches.read' } },
    schema: {
      tags,
      summary: 'The data categories an incident may name (from the field catalogue) and the operator kind',
      response: { 200: categoryList, ...errors },
    },
    handler: async () => ({ items: breachCategories(), operatorKind: kernel.config.incidents.operatorKind }),
  });

  r.post('/api/v1/breaches', {
    config: { access: { permission: 'breaches.manage' } },
    schema: { tags, summary: 'Record an incident: its clocks start at discoveredAt', body: breachCreate, response: { 201: breachView, ...errors } },
    handler: async (request, reply) => reply.status(201).send(await createBreach(kernel, actorOf(request), requestContext(request), request.body)),
  });

  r.get('/api/v1/breaches/:id', {
    config: { access: { permission: 'breaches.read' } },
    schema: {
      tags,
      summary: 'One incident with its clocks (the sealed text for holders of breaches.personal)',
      params: idParams,
      response: { 200: breachView, ...errors },
    },
    handler: async (request) => getBreach(kernel, actorOf(request), requestContext(request), request.params.id),
  });

  r.patch('/api/v1/breaches/:id', {
    config: { access: { permission: 'breaches.manage' } },
    schema: { tags, summary: 'Classify or update an incident', params: idParams, body: breachPatch, response: { 200: breachView, ...errors } },
    handler: async (request) => updateBreach(kernel, actorOf(request), requestContext(request), request.params.id, request.body),
  });

  r.post('/api/v1/breaches/:id/notifications', {
    config: { access: { permission: 'breaches.manage' } },
    schema: {
      tags,
      summary: 'Record when the authority (GDPR, CAC) or the data subjects (PIPL Art. 57) were notified; once per clock',
      params: idParams,
      body: notificationBody,
      response: { 200: breachView, ...errors },
    },
    handler: async (request) =>
      recordNotification(kernel, actorOf(request), requestContext(request), request.params.id, request.body.clock, request.body.notifiedAt),
  });

  r.post('/api/v1/breaches/:id/affected-subjects', {
    config: { access: { permission: 'breaches.personal' } },
    schema: {
      tags,
      summary: 'Find the affected data subjects from the audit trail (reads, reveals, exports by a compromised account and/or in a window)',
      params: idParams,
      body: findSubjectsBody,
      response: { 200: subjectsFound, ...errors },
    },
    handler: async (request) => findSubjectsOfBreach(kernel, actorOf(request), requestContext(request), request.params.id, request.body),
  });

  r.get('/api/v1/breaches/:id/affected-subjects', {
    config: { access: { permission: 'breaches.personal' } },
    schema: {
      tags,
      summary: 'The affected data subjects found (ids only), a page at a time',
      params: idParams,
      querystring: subjectListQuery,
      response: { 200: subjectList, ...errors },
    },
    handler: async (request) => listSubjectsOfBreach(kernel, actorOf(request), requestContext(request), request.params.id, request.query),
  });

  r.get('/api/v1/breaches/:id/drafts', {
    config: { access: { permission: 'breaches.read' } },
    schema: {
      tags,
      summary: 'Report drafts (GDPR Art. 33(3); CAC report) in English and Simplified Chinese',
      params: idParams,
      response: { 200: draftList, ...errors },
    },
    handler: async (request) => ({ items: breachDrafts(await getBreach(kernel, actorOf(request), requestContext(request), request.params.id)) }),
  });
}
