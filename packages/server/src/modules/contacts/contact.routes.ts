import {
  contactCreate,
  contactListQuery,
  contactPage,
  contactPatch,
  contactRevealBody,
  contactSearchBody,
  contactView,
  errorResponse,
  idParams,
  revealReasonNeedingNote,
} from '@castellan/shared';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf, requestContext } from '../../http/authenticate.js';
import { idempotentCreate } from '../../http/idempotent-create.js';
import { customFiltersOfQuery } from '../../platform/data/custom-filters.js';
import { exportRecords } from '../../platform/data/export-records.js';
import type { ProtectedStore } from '../../platform/data/protected-store.js';
import { requireFreshSecondFactor } from '../../platform/identity/second-factor.js';
import { householdRoutes } from './household.routes.js';

const errors = { 400: errorResponse, 401: errorResponse, 403: errorResponse, 404: errorResponse, 409: errorResponse, 422: errorResponse, 429: errorResponse };
const tags = ['contacts'];
const definedOnly = (values: Record<string, string | boolean | undefined>) =>
  Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined)) as Record<string, string | boolean>;
const searchRules =
  'Exact match through a blind index; every search is audited, misses included; searching by a field you see masked counts against your quota (CASTELLAN_MASKED_SEARCH_PER_MINUTE / _PER_DAY; past it: 429 rate_limited)';

export interface ContactRouteOptions {
  /** The reason codes a reveal may give (CASTELLAN_REVEAL_REASONS). */
  revealReasons: readonly [string, ...string[]];
}

/**
 * Contacts: natural persons, with their households. Every call is one call into the protected store;
 * the store derives the minor flag and checks the guardian (contact.rules.ts).
 */
export function contactRoutes(app: FastifyInstance, store: ProtectedStore, options: ContactRouteOptions): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  householdRoutes(app, store);

  r.get('/api/v1/contacts', {
    config: { access: { permission: 'contacts.read' } },
    schema: {
      tags,
      summary:
        'List contacts in your scope; exact search by email, phone, idNumber or name (POST /api/v1/contacts/search is preferred: it keeps the value out of URLs and logs)',
      description: searchRules,
      querystring: contactListQuery,
      response: { 200: contactPage, ...errors },
    },
    handler: async (request) => {
      const { limit, cursor, email, phone, idNumber, name, sort, order, view, custom, ...filters } = request.query;
      const searchPairs = { email, phone, idNumber, name };
      const found = Object.entries(searchPairs).find(([, v]) => v !== undefined);
      const search = found ? { field: found[0], value: String(found[1]) } : undefined;
      const sorted = sort || order === 'desc' ? { field: sort ?? 'id', order: order ?? 'asc' } : undefined;
      return store.list(actorOf(request), requestContext(request), 'contacts', {
        limit,
        cursor,
        filters: definedOnly(filters),
        search,
        sort: sorted,
        view,
        customFilters: customFiltersOfQuery(custom),
      }) as Promise<z.infer<typeof contactPage>>;
    },
  });

  r.post('/api/v1/contacts/search', {
    config: { access: { permission: 'contacts.read' } },
    schema: {
      tags,
      summary: 'Search contacts in your scope by email, phone, idNumber or name, the value in the body (preferred over the GET form)',
      description: searchRules,
      body: contactSearchBody,
      response: { 200: contactPage, ...errors },
    },
    handler: async (request) => {
      const { field, value, limit, cursor, ...filters } = request.body;
      return store.list(actorOf(request), requestContext(request), 'contacts', {
        limit,
        cursor,
        filters: definedOnly(filters),
        search: { field, value },
      }) as Promise<z.infer<typeof contactPage>>;
    },
  });

  r.post('/api/v1/contacts', {
    config: { access: { permission: 'contacts.create' } },
    schema: { tags, summary: 'Create a contact', body: contactCreate, response: { 201: contactView, ...errors } },
    handler: async (request, reply) =>
      idempotentCreate(request, reply, {
        status: 201,
        create: (claim) =>
          store.inTransaction(async (unit, tx) => {
            const created = await unit.create(actorOf(request), requestContext(request), 'contacts', request.body);
            await claim(tx, String(created.id));
            return created as z.infer<typeof contactView>;
          }),
        replay: async (id) => (await store.get(actorOf(request), requestContext(request), 'contacts', id)) as z.infer<typeof contactView>,
      }),
  });

  r.get('/api/v1/contacts/export', {
    config: { access: { permission: 'contacts.export' }, rateLimit: { max: 5, timeWindow: '1 minute' } },
    schema: {
      tags,
      summary: 'Export the contacts you can see, as you see them (masking applies); needs a step-up; audited per page',
      querystring: z.object({ format: z.enum(['jsonl', 'csv']).default('jsonl') }).strict(),
      response: { 200: z.string(), ...errors },
    },
    handler: async (request, reply) => {
      const actor = actorOf(request);
      requireFreshSecondFactor(actor, 'exporting');
      let body = '';
      for await (const chunk of exportRecords(store, actor, requestContext(request), 'contacts', request.query.format)) body += chunk;
      const type = request.query.format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8';
      return reply.type(type).header('content-disposition', `attachment; filename="contacts.${request.query.format}"`).send(body);
    },
  });

  r.get('/api/v1/contacts/:id', {
    config: { access: { permission: 'contacts.read' } },
    schema: { tags, summary: 'Get one contact (fields as your role allows)', params: idParams, response: { 200: contactView, ...errors } },
    handler: async (request) => store.get(actorOf(request), requestContext(request), 'contacts', request.params.id) as Promise<z.infer<typeof contactView>>,
  });

  r.patch('/api/v1/contacts/:id', {
    config: { access: { permission: 'contacts.update' } },
    schema: { tags, summary: 'Change a contact', params: idParams, body: contactPatch, response: { 200: contactView, ...errors } },
    handler: async (request) =>
      store.update(actorOf(request), requestContext(request), 'contacts', request.params.id, request.body) as Promise<z.infer<typeof contactView>>,
  });

  r.get('/api/v1/reveal-reasons', {
    config: { access: { permission: 'contacts.reveal' } },
    schema: {
      tags,
      summary: 'The reason codes a reveal may give on this installation (CASTELLAN_REVEAL_REASONS), and those that need a note',
      response: { 200: z.object({ reasons: z.array(z.string()), noteRequiredFor: z.array(z.string()) }), ...errors },
    },
    handler: async () => ({
      reasons: [...options.revealReasons],
      noteRequiredFor: options.revealReasons.includes(revealReasonNeedingNote) ? [revealReasonNeedingNote] : [],
    }),
  });

  r.post('/api/v1/contacts/:id/reveal', {
    config: { access: { permission: 'contacts.reveal' }, rateLimit: { max: 20, timeWindow: '1 minute' } },
    schema: {
      tags,
      summary: 'Reveal masked fields of a contact, giving a reason code and an optional note (needs a step-up within 5 minutes; audited, rate-limited)',
      description:
        'reason: one of the installation reason codes (CASTELLAN_REVEAL_REASONS); note: optional free text, required for "other", sealed under the audit key and shown only to holders of audit.personal',
      params: idParams,
      body: contactRevealBody(options.revealReasons),
      response: { 200: z.object({ id: z.string(), values: z.record(z.string(), z.string().nullable()) }), ...errors },
    },
    handler: async (request) => ({
      id: request.params.id,
      values: await store.reveal(actorOf(request), requestContext(request), 'contacts', request.params.id, [...new Set(request.body.fields)], {
        code: request.body.reason,
        note: request.body.note,
      }),
    }),
  });

  r.delete('/api/v1/contacts/:id', {
    config: { access: { permission: 'contacts.delete' } },
    schema: { tags, summary: 'Delete a contact and crypto-shred its data subject key', params: idParams, response: { 204: z.null(), ...errors } },
    handler: async (request, reply) => {
      await store.remove(actorOf(request), requestContext(request), 'contacts', request.params.id);
      return reply.status(204).send(null);
    },
  });
}
