import { errorResponse, portabilityFormats, privacyLaws, privacyRequestKinds } from '@castellan/shared';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requestContext } from '../../http/authenticate.js';
import type { PrivacyPortal } from './privacy-portal.service.js';

const tags = ['privacy-portal'];
const errors = { 400: errorResponse, 404: errorResponse, 422: errorResponse, 429: errorResponse };
const reference = z.string().min(1).max(64).describe('The request reference from the submission (and the e-mail)');

const statusView = z.object({
  reference: z.string(),
  kind: z.string(),
  law: z.string(),
  status: z.string(),
  receivedAt: z.string(),
  dueDay: z.string().nullable().describe('The last day to answer, in the law’s time zone (null until verified)'),
  extended: z.boolean(),
  extensionReason: z.string().nullable(),
  response: z.string().nullable(),
});

/**
 * The public privacy portal: no sign-in, no cookie (so nothing for a cross-site request to ride on;
 * JSON bodies only), rate-limited per address, and no answer that tells whether a person is on record.
 */
export function privacyPortalRoutes(app: FastifyInstance, portal: PrivacyPortal): void {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.post('/api/v1/portal/requests', {
    config: { access: { public: true }, rateLimit: { max: 5, timeWindow: '1 minute' } },
    schema: {
      tags,
      summary: 'Make a data-subject request; a one-time code goes to the e-mail given (the answer is the same whether the person is on record or not)',
      security: [],
      body: z
        .object({
          kind: z.enum(privacyRequestKinds),
          law: z.enum(privacyLaws),
          email: z.email().max(320),
          name: z.string().trim().min(1).max(200).optional(),
          details: z.string().trim().min(1).max(5000).optional(),
          format: z.enum(portabilityFormats).optional(),
        })
        .strict(),
      response: { 202: z.object({ status: z.literal('accepted'), reference: z.string() }), ...errors },
    },
    handler: async (request, reply) => {
      const { reference: id } = await portal.submit(request.body, requestContext(request), request.log);
      return reply.status(202).send({ status: 'accepted' as const, reference: id });
    },
  });

  r.post('/api/v1/portal/requests/verify', {
    config: { access: { public: true }, rateLimit: { max: 10, timeWindow: '1 minute' } },
    schema: {
      tags,
      summary: 'Enter the code from the e-mail: five tries per code, 30 minutes; answers a status key for the status page',
      security: [],
      body: z.object({ reference, code: z.string().regex(/^\d{6}$/, 'the code has six digits') }).strict(),
      response: { 200: z.object({ statusKey: z.string() }), ...errors },
    },
    handler: async (request) => portal.verify(request.body.reference, request.body.code, requestContext(request)),
  });

  r.post('/api/v1/portal/requests/status', {
    config: { access: { public: true }, rateLimit: { max: 20, timeWindow: '1 minute' } },
    schema: {
      tags,
      summary: 'The status of your request, its due day and the response (with the status key from verification; POST so the key stays out of URLs)',
      security: [],
      body: z.object({ reference, statusKey: z.string().min(20).max(100) }).strict(),
      response: { 200: statusView, ...errors },
    },
    handler: async (request) => portal.status(request.body.reference, request.body.statusKey, requestContext(request)),
  });
}
