import { errorResponse, idParams } from '@castellan/shared';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { actorOf, requestContext } from '../../http/authenticate.js';
import { recordRoutes } from '../../http/record-routes.js';
import type { ProtectedStore } from '../../platform/data/protected-store.js';
import { type ContractAction, targetOf } from './contract-transition.policy.js';
import { writableSchemas } from './writable-schemas.js';

const errors = { 400: errorResponse, 401: errorResponse, 403: errorResponse, 404: errorResponse, 409: errorResponse, 422: errorResponse };
const actions: { action: ContractAction; permission: 'contracts.update' | 'contracts.approve'; summary: string }[] = [
  { action: 'submit', permission: 'contracts.update', summary: 'Submit a draft contract for approval' },
  { action: 'approve', permission: 'contracts.approve', summary: 'Approve a submitted contract (not by the person who drafted or submitted it)' },
  { action: 'reject', permission: 'contracts.approve', summary: 'Reject a submitted contract (not by the person who drafted or submitted it)' },
];

/** Contracts (合同) and their approval step: draft → submitted → approved / rejected. */
export function contractRoutes(app: FastifyInstance, store: ProtectedStore): void {
  const schemas = writableSchemas('contracts', { actionOnly: ['status'] });
  recordRoutes(app, store, 'contracts', { tag: 'ad sales', schemas });
  const r = app.withTypeProvider<ZodTypeProvider>();
  for (const { action, permission, summary } of actions) {
    r.post(`/api/v1/contracts/:id/${action}`, {
      config: { access: { permission } },
      schema: { tags: ['ad sales'], summary, params: idParams, response: { 200: schemas.view, ...errors } },
      handler: async (request) =>
        store.update(actorOf(request), requestContext(request), 'contracts', request.params.id, { status: targetOf(action) }) as never,
    });
  }
}
