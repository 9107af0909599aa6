import { errorResponse, savedViewCreate, savedViewList, savedViewListQuery, savedViewParams, savedViewPatch, savedViewView } from '@castellan/shared';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf, requestContext } from '../../http/authenticate.js';
import { idempotentCreate } from '../../http/idempotent-create.js';
import { SavedViews } from '../../platform/data/saved-views.js';
import type { Kernel } from '../../platform/kernel.js';

const errors = { 400: errorResponse, 401: errorResponse, 403: errorResponse, 404: errorResponse, 409: errorResponse, 422: errorResponse };
const tags = ['saved-views'];
const plainOnly = 'filters, ranges and sort name plain fields only: a personal or sensitive field is refused with 422';

/** Saved views: each user's own named filters and sort per object, applied with `GET /api/v1/<plural>?view=<id>`. */
export function savedViewRoutes(app: FastifyInstance, kernel: Kernel): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const views = new SavedViews(kernel);

  r.get('/api/v1/saved-views', {
    config: { access: { authenticated: true } },
    schema: {
      tags,
      summary: 'List your saved views (of one object with ?object=)',
      querystring: savedViewListQuery,
      response: { 200: savedViewList, ...errors },
    },
    handler: async (request) => ({ items: await views.list(actorOf(request), request.query.object) }),
  });

  r.get('/api/v1/saved-views/:id', {
    config: { access: { authenticated: true } },
    schema: { tags, summary: 'Get one of your saved views', params: savedViewParams, response: { 200: savedViewView, ...errors } },
    handler: async (request) => views.get(actorOf(request), request.params.id),
  });

  r.post('/api/v1/saved-views', {
    config: { access: { authenticated: true } },
    schema: {
      tags,
      summary: 'Save a view of an object you may read',
      description: plainOnly,
      body: savedViewCreate,
      response: { 201: savedViewView, ...errors },
    },
    handler: async (request, reply) =>
      idempotentCreate(request, reply, {
        status: 201,
        create: (claim) => views.create(actorOf(request), requestContext(request), request.body, claim),
        replay: (id) => views.get(actorOf(request), id),
      }),
  });

  r.patch('/api/v1/saved-views/:id', {
    config: { access: { authenticated: true } },
    schema: {
      tags,
      summary: 'Change one of your saved views',
      description: plainOnly,
      params: savedViewParams,
      body: savedViewPatch,
      response: { 200: savedViewView, ...errors },
    },
    handler: async (request) => views.update(actorOf(request), requestContext(request), request.params.id, request.body),
  });

  r.delete('/api/v1/saved-views/:id', {
    config: { access: { authenticated: true } },
    schema: { tags, summary: 'Delete one of your saved views', params: savedViewParams, response: { 204: z.null(), ...errors } },
    handler: async (request, reply) => {
      await views.remove(actorOf(request), requestContext(request), request.params.id);
      return reply.status(204).send(null);
    },
  });
}
