import { errorResponse, idParams } from '@castellan/shared';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf, requestContext } from '../../http/authenticate.js';
import { approveLink, listPendingLinks, refuseLink } from '../../platform/identity/oidc-links.js';
import type { Kernel } from '../../platform/kernel.js';

const tags = ['security'];
const errors = { 400: errorResponse, 401: errorResponse, 403: errorResponse, 404: errorResponse, 409: errorResponse };

const pendingLink = z.object({
  id: z.string(),
  userId: z.string().describe('the existing account the identity claims (by its verified e-mail)'),
  issuer: z.string(),
  subject: z.string().describe("the identity provider's id of the person"),
  createdAt: z.string(),
  proofExpiresAt: z.string().describe('until when the owner may still link it themselves (password + second factor)'),
  expiresAt: z.string().describe('until when it may be approved'),
});

/** Security administrator: single sign-on identities that claim an existing account, to approve or refuse. */
export function ssoLinkRoutes(app: FastifyInstance, kernel: Kernel): void {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get('/api/v1/security/sso-links', {
    config: { access: { permission: 'sessions.manage' } },
    schema: {
      tags,
      summary: 'Identity-provider identities waiting to be linked to an existing account (claimed by e-mail, not yet proven)',
      response: { 200: z.object({ items: z.array(pendingLink) }), ...errors },
    },
    handler: async (request) => ({ items: await listPendingLinks(kernel, actorOf(request)) }),
  });

  r.post('/api/v1/security/sso-links/:id/approve', {
    config: { access: { permission: 'sessions.manage' } },
    schema: {
      tags,
      summary: 'Link the identity to the account it claims (after a step-up; never for your own account); audited',
      params: idParams,
      response: { 204: z.null(), ...errors },
    },
    handler: async (request, reply) => {
      await approveLink(kernel, actorOf(request), requestContext(request), request.params.id);
      return reply.status(204).send(null);
    },
  });

  r.post('/api/v1/security/sso-links/:id/refuse', {
    config: { access: { permission: 'sessions.manage' } },
    schema: { tags, summary: 'Refuse the claim: it is removed; audited', params: idParams, response: { 204: z.null(), ...errors } },
    handler: async (request, reply) => {
      await refuseLink(kernel, actorOf(request), requestContext(request), request.params.id);
      return reply.status(204).send(null);
    },
  });
}
