import { errorResponse, idParams, pipiaCreate, pipiaFindings, pipiaList, pipiaRequirementList, pipiaView } from '@castellan/shared';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf, requestContext } from '../../http/authenticate.js';
import type { Kernel } from '../../platform/kernel.js';
import { approvePipia, createPipia, deletePipia, getPipia, listPipias, revisePipia, updateFindings } from '../../platform/records/pipia-store.js';
import { readRecordsState } from '../../platform/records/records-state.js';

const tags = ['pipias'];
const errors = { 400: errorResponse, 401: errorResponse, 403: errorResponse, 404: errorResponse, 409: errorResponse, 422: errorResponse };

/** Personal-information protection impact assessments (PIPL Arts. 55–56): drafts, findings, approval, revisions. */
export function pipiaRoutes(app: FastifyInstance, kernel: Kernel): void {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get('/api/v1/pipias', {
    config: { access: { permission: 'records.read' } },
    schema: { tags, summary: 'The impact assessments with their state (outdated, uncovered triggers, current)', response: { 200: pipiaList, ...errors } },
    handler: async () => ({ items: await listPipias(kernel) }),
  });

  r.get('/api/v1/pipias/requirements', {
    config: { access: { permission: 'records.read' } },
    schema: {
      tags,
      summary: 'The processing activities PIPL Art. 55 requires an assessment of, and the state of each one’s',
      response: { 200: pipiaRequirementList, ...errors },
    },
    handler: async () => ({
      items: [...(await readRecordsState(kernel)).requirements].map((r) => ({ ...r, triggers: [...r.triggers], articles: [...r.articles] })),
    }),
  });

  r.post('/api/v1/pipias', {
    config: { access: { permission: 'records.manage' } },
    schema: {
      tags,
      summary: 'Start the impact assessment of an activity: a draft generated from the catalogue and the transfer register',
      body: pipiaCreate,
      response: { 201: pipiaView, ...errors },
    },
    handler: async (request, reply) => reply.status(201).send(await createPipia(kernel, actorOf(request), requestContext(request), request.body.activity)),
  });

  r.get('/api/v1/pipias/:id', {
    config: { access: { permission: 'records.read' } },
    schema: {
      tags,
      summary: 'One assessment with every version (the sealed findings for holders of records.manage)',
      params: idParams,
      response: { 200: pipiaView, ...errors },
    },
    handler: async (request) => getPipia(kernel, actorOf(request), requestContext(request), request.params.id),
  });

  r.patch('/api/v1/pipias/:id', {
    config: { access: { permission: 'records.manage' } },
    schema: {
      tags,
      summary: "Record the assessor's findings on the draft (sealed)",
      params: idParams,
      body: pipiaFindings,
      response: { 200: pipiaView, ...errors },
    },
    handler: async (request) => updateFindings(kernel, actorOf(request), requestContext(request), request.params.id, request.body.findings),
  });

  r.post('/api/v1/pipias/:id/revisions', {
    config: { access: { permission: 'records.manage' } },
    schema: {
      tags,
      summary: 'A new draft version regenerated from the catalogue and register as they are now (findings carried over)',
      params: idParams,
      response: { 201: pipiaView, ...errors },
    },
    handler: async (request, reply) => reply.status(201).send(await revisePipia(kernel, actorOf(request), requestContext(request), request.params.id)),
  });

  r.post('/api/v1/pipias/:id/approve', {
    config: { access: { permission: 'records.manage' } },
    schema: {
      tags,
      summary: 'Approve the draft: it never changes after (findings required, not outdated)',
      params: idParams,
      response: { 200: pipiaView, ...errors },
    },
    handler: async (request) => approvePipia(kernel, actorOf(request), requestContext(request), request.params.id),
  });

  r.delete('/api/v1/pipias/:id', {
    config: { access: { permission: 'records.manage' } },
    schema: {
      tags,
      summary: 'Delete an assessment: refused (409 retention_period) within 3 years of its latest version (PIPL Art. 56)',
      params: idParams,
      response: { 204: z.null(), ...errors },
    },
    handler: async (request, reply) => {
      await deletePipia(kernel, actorOf(request), requestContext(request), request.params.id);
      return reply.status(204).send(null);
    },
  });
}
