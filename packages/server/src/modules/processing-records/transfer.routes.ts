import { errorResponse, idParams, transferCreate, transferList, transferPatch, transferView } from '@castellan/shared';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { actorOf, requestContext } from '../../http/authenticate.js';
import type { Kernel } from '../../platform/kernel.js';
import { createTransfer, getTransfer, listTransfers, updateTransfer } from '../../platform/records/transfer-store.js';

const tags = ['transfers'];
const errors = { 400: errorResponse, 401: errorResponse, 403: errorResponse, 404: errorResponse, 409: errorResponse, 422: errorResponse };

/** The cross-border transfer register (PIPL Art. 38): recipient, country, mechanism, categories, linked PIPIA. */
export function transferRoutes(app: FastifyInstance, kernel: Kernel): void {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get('/api/v1/transfers', {
    config: { access: { permission: 'records.read' } },
    schema: {
      tags,
      summary: 'The transfer register, each transfer flagged when its impact assessment is missing, unapproved or outdated',
      response: { 200: transferList, ...errors },
    },
    handler: async () => ({ items: await listTransfers(kernel) }),
  });

  r.post('/api/v1/transfers', {
    config: { access: { permission: 'records.manage' } },
    schema: {
      tags,
      summary: 'Register a transfer (validated whole: country, mechanism for the volume, categories of the activity, PIPIA of the activity)',
      body: transferCreate,
      response: { 201: transferView, ...errors },
    },
    handler: async (request, reply) => reply.status(201).send(await createTransfer(kernel, actorOf(request), requestContext(request), request.body)),
  });

  r.get('/api/v1/transfers/:id', {
    config: { access: { permission: 'records.read' } },
    schema: { tags, summary: 'One transfer with its flags', params: idParams, response: { 200: transferView, ...errors } },
    handler: async (request) => getTransfer(kernel, request.params.id),
  });

  r.patch('/api/v1/transfers/:id', {
    config: { access: { permission: 'records.manage' } },
    schema: {
      tags,
      summary: 'Change a transfer (validated whole as changed)',
      params: idParams,
      body: transferPatch,
      response: { 200: transferView, ...errors },
    },
    handler: async (request) => updateTransfer(kernel, actorOf(request), requestContext(request), request.params.id, request.body),
  });
}
