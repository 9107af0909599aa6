import { accountCreate, accountListQuery, accountPage, accountPatch, accountView, errorResponse, idParams } from '@castellan/shared';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf, requestContext } from '../../http/authenticate.js';
import type { ProtectedStore } from '../../platform/data/protected-store.js';

const errors = { 400: errorResponse, 401: errorResponse, 403: errorResponse, 404: errorResponse, 409: errorResponse, 422: errorResponse };
const tags = ['accounts'];
type AccountView = z.infer<typeof accountView>;

/** Accounts: advertisers, agencies, brands, licensees, licensors, operators, partners, group customers. */
export function accountRoutes(app: FastifyInstance, store: ProtectedStore): void {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get('/api/v1/accounts', {
    config: { access: { permission: 'accounts.read' } },
    schema: { tags, summary: 'List accounts in your scope', querystring: accountListQuery, response: { 200: accountPage, ...errors } },
    handler: async (request) => {
      const { limit, cursor, ...filters } = request.query;
      const cleanFilters = Object.fromEntries(Object.entries(filters).filter(([, v]) => v !== undefined)) as Record<string, string>;
      return store.list(actorOf(request), requestContext(request), 'accounts', { limit, cursor, filters: cleanFilters }) as Promise<{
        items: AccountView[];
        nextCursor: string | null;
      }>;
    },
  });

  r.post('/api/v1/accounts', {
    config: { access: { permission: 'accounts.create' } },
    schema: { tags, summary: 'Create an account', body: accountCreate, response: { 201: accountView, ...errors } },
    handler: async (request, reply) => {
      const created = await store.create(actorOf(request), requestContext(request), 'accounts', request.body);
      return reply.status(201).send(created as AccountView);
    },
  });

  r.get('/api/v1/accounts/:id', {
    config: { access: { permission: 'accounts.read' } },
    schema: { tags, summary: 'Get one account', params: idParams, response: { 200: accountView, ...errors } },
    handler: async (request) => store.get(actorOf(request), requestContext(request), 'accounts', request.params.id) as Promise<AccountView>,
  });

  r.patch('/api/v1/accounts/:id', {
    config: { access: { permission: 'accounts.update' } },
    schema: { tags, summary: 'Change an account', params: idParams, body: accountPatch, response: { 200: accountView, ...errors } },
    handler: async (request) => store.update(actorOf(request), requestContext(request), 'accounts', request.params.id, request.body) as Promise<AccountView>,
  });

  r.delete('/api/v1/accounts/:id', {
    config: { access: { permission: 'accounts.delete' } },
    schema: { tags, summary: 'Delete an account that has no contacts', params: idParams, response: { 204: z.null(), ...errors } },
    handler: async (request, reply) => {
      await store.remove(actorOf(request), requestContext(request), 'accounts', request.params.id);
      return reply.status(204).send(null);
    },
  });
}
