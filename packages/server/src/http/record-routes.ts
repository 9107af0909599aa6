import { errorResponse, idParams, permissionOf, type RecordSchemas, recordSchemas, type StoreObject } from '@castellan/shared';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { customFiltersOfQuery } from '../platform/data/custom-filters.js';
import type { ProtectedStore, RecordValues, Value } from '../platform/data/protected-store.js';
import { tablePlan } from '../platform/data/table-plan.js';
import { actorOf, requestContext } from './authenticate.js';
import { idempotentCreate } from './idempotent-create.js';

const errors = { 400: errorResponse, 401: errorResponse, 403: errorResponse, 404: errorResponse, 409: errorResponse, 422: errorResponse, 429: errorResponse };

export interface RecordRouteOptions {
  /** Schemas to use instead of the generated ones (`recordSchemas(object)`). */
  schemas?: RecordSchemas;
  /** The OpenAPI tag (default: the object's plural). */
  tag?: string;
  /** Which of the five routes to register (default: all). */
  only?: readonly ('list' | 'create' | 'get' | 'patch' | 'delete')[];
}

/** A list query's fields split into the store's exact filters and inclusive ranges (`<field>From` / `<field>To`). */
export function listQueryOf(schemas: RecordSchemas, query: Record<string, unknown>) {
  const { limit, cursor, sort, order, view, custom, ...rest } = query as {
    limit: number;
    cursor?: string;
    sort?: string;
    order?: 'asc' | 'desc';
    view?: string;
    custom?: string | string[];
  } & Record<string, unknown>;
  const filters: Record<string, Value> = {};
  const ranges: Record<string, { from?: Value; to?: Value }> = {};
  for (const name of schemas.filterFields) if (rest[name] !== undefined) filters[name] = rest[name] as Value;
  for (const name of schemas.rangeFields) {
    const from = rest[`${name}From`] as Value | undefined;
    const to = rest[`${name}To`] as Value | undefined;
    if (from !== undefined || to !== undefined) ranges[name] = { from, to };
  }
  return {
    limit,
    cursor,
    filters,
    ranges,
    customFilters: customFiltersOfQuery(custom),
    sort: sort || order === 'desc' ? { field: sort ?? 'id', order: order ?? 'asc' } : undefined,
    view,
  };
}

/**
 * The five routes of a store object — `GET|POST /api/v1/<plural>`, `GET|PATCH|DELETE
 * /api/v1/<plural>/:id` — each declaring `<object>.<action>` and making one call into the protected
 * store, with request and response schemas generated from the field catalogue.
 */
export function recordRoutes(app: FastifyInstance, store: ProtectedStore, object: StoreObject, options: RecordRouteOptions = {}): RecordSchemas {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const plan = tablePlan(object);
  const { plural, label } = plan.spec;
  const schemas = options.schemas ?? recordSchemas(object);
  const tags = [options.tag ?? plural];
  const only = new Set(options.only ?? ['list', 'create', 'get', 'patch', 'delete']);
  const base = `/api/v1/${plural}`;
  const scope = plan.owned ? 'in your scope' : 'organisation-wide';

  if (only.has('list'))
    r.get(base, {
      config: { access: { permission: permissionOf(object, 'read') } },
      schema: {
        tags,
        summary: `List ${plural} (${scope}); filter by plain fields, ranges as <field>From / <field>To; sort=<field>&order=asc|desc; view=<saved view id>`,
        querystring: schemas.listQuery,
        response: { 200: schemas.page, ...errors },
      },
      handler: async (request) =>
        store.list(actorOf(request), requestContext(request), object, listQueryOf(schemas, request.query as Record<string, unknown>)) as never,
    });

  if (only.has('create'))
    r.post(base, {
      config: { access: { permission: permissionOf(object, 'create') } },
      schema: { tags, summary: `Create a ${label}`, body: schemas.create, response: { 201: schemas.view, ...errors } },
      handler: async (request, reply) =>
        idempotentCreate(request, reply, {
          status: 201,
          create: (claim) =>
            store.inTransaction(async (unit, tx) => {
              const created = await unit.create(actorOf(request), requestContext(request), object, request.body as RecordValues);
              await claim(tx, String(created.id));
              return created as never;
            }),
          replay: (id) => store.get(actorOf(request), requestContext(request), object, id) as never,
        }),
    });

  if (only.has('get'))
    r.get(`${base}/:id`, {
      config: { access: { permission: permissionOf(object, 'read') } },
      schema: { tags, summary: `Get one ${label}`, params: idParams, response: { 200: schemas.view, ...errors } },
      handler: async (request) => store.get(actorOf(request), requestContext(request), object, request.params.id) as never,
    });

  if (only.has('patch'))
    r.patch(`${base}/:id`, {
      config: { access: { permission: permissionOf(object, 'update') } },
      schema: { tags, summary: `Change a ${label}`, params: idParams, body: schemas.patch, response: { 200: schemas.view, ...errors } },
      handler: async (request) => store.update(actorOf(request), requestContext(request), object, request.params.id, request.body as RecordValues) as never,
    });

  if (only.has('delete'))
    r.delete(`${base}/:id`, {
      config: { access: { permission: permissionOf(object, 'delete') } },
      schema: { tags, summary: `Delete a ${label}`, params: idParams, response: { 204: z.null(), ...errors } },
      handler: async (request, reply) => {
        await store.remove(actorOf(request), requestContext(request), object, request.params.id);
        return reply.status(204).send(null);
      },
    });
  return schemas;
}
