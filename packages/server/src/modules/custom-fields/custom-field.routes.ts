import {
  customFieldCreate,
  customFieldList,
  customFieldListQuery,
  customFieldParams,
  customFieldPatch,
  customFieldView,
  errorResponse,
} from '@castellan/shared';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf, requestContext } from '../../http/authenticate.js';
import { idempotentCreate } from '../../http/idempotent-create.js';
import { CustomFieldDefinitions } from '../../platform/data/custom-field-definitions.js';
import type { Kernel } from '../../platform/kernel.js';

const errors = { 400: errorResponse, 401: errorResponse, 403: errorResponse, 404: errorResponse, 409: errorResponse, 422: errorResponse };
const tags = ['custom-fields'];

/**
 * Custom fields: an administrator (custom_fields.manage) adds fields to a store object at run time;
 * anyone who reads the object reads its definitions. Values are set and read on the object's own
 * routes, under `custom`.
 */
export function customFieldRoutes(app: FastifyInstance, kernel: Kernel): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const definitions = new CustomFieldDefinitions(kernel);

  r.get('/api/v1/custom-fields', {
    config: { access: { authenticated: true } },
    schema: {
      tags,
      summary:
        'List the custom fields of an object (needs its read permission, or custom_fields.manage), or of every object you may read (every object with custom_fields.manage)',
      querystring: customFieldListQuery,
      response: { 200: customFieldList, ...errors },
    },
    handler: async (request) => ({ items: await definitions.list(actorOf(request), request.query.object) }),
  });

  r.get('/api/v1/custom-fields/:id', {
    config: { access: { authenticated: true } },
    schema: {
      tags,
      summary: 'Get one custom field (404 unless you may read its object)',
      params: customFieldParams,
      response: { 200: customFieldView, ...errors },
    },
    handler: async (request) => definitions.get(actorOf(request), request.params.id),
  });

  r.post('/api/v1/custom-fields', {
    config: { access: { permission: 'custom_fields.manage' } },
    schema: {
      tags,
      summary: 'Add a custom field to a store object',
      description:
        'key: snake_case or camelCase, not a built-in field of the object; personal and sensitive fields are encrypted under the record subject key and masked (default mask text), allowed only on objects holding personal data',
      body: customFieldCreate,
      response: { 201: customFieldView, ...errors },
    },
    handler: async (request, reply) =>
      idempotentCreate(request, reply, {
        status: 201,
        create: (claim) => definitions.create(actorOf(request), requestContext(request), request.body, claim),
        replay: (id) => definitions.get(actorOf(request), id),
      }),
  });

  r.patch('/api/v1/custom-fields/:id', {
    config: { access: { permission: 'custom_fields.manage' } },
    schema: {
      tags,
      summary: 'Relabel a custom field, add enum options or change its mask (key, type and classification are fixed)',
      params: customFieldParams,
      body: customFieldPatch,
      response: { 200: customFieldView, ...errors },
    },
    handler: async (request) => definitions.update(actorOf(request), requestContext(request), request.params.id, request.body),
  });

  r.delete('/api/v1/custom-fields/:id', {
    config: { access: { permission: 'custom_fields.manage' } },
    schema: { tags, summary: 'Remove a custom field and every value of it', params: customFieldParams, response: { 204: z.null(), ...errors } },
    handler: async (request, reply) => {
      await definitions.remove(actorOf(request), requestContext(request), request.params.id);
      return reply.status(204).send(null);
    },
  });
}
