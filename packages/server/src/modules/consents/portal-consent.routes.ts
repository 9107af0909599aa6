import { consentEntryChannels, consentPurposes, errorResponse } from '@castellan/shared';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requestContext } from '../../http/authenticate.js';
import { carriesGpc } from './gpc.policy.js';
import type { PortalConsentDesk } from './portal-consent-session.service.js';

const tags = ['portal'];
const errors = { 400: errorResponse, 404: errorResponse, 422: errorResponse, 429: errorResponse };
const session = z.string().min(1).max(64).describe('The session id from opening the session (and the e-mail)');
const sessionKey = z.string().min(20).max(100).describe('The key answered by verification (in the body, never in a URL)');
const gpcNote =
  'With `Sec-GPC: 1` (Global Privacy Control) the people of the session are opted out of sale / sharing in the same step (source gpc; an earlier explicit opt-in is surfaced as a GPC conflict).';

const view = z.object({
  notices: z.array(
    z.object({
      id: z.string(),
      purpose: z.enum(consentPurposes),
      version: z.number().int(),
      titleZh: z.string(),
      titleEn: z.string(),
      textZh: z.string(),
      textEn: z.string(),
    }),
  ),
  consents: z.array(
    z.object({
      purpose: z.enum(consentPurposes),
      channel: z.enum(consentEntryChannels),
      state: z.enum(['granted', 'withdrawn', 'none']),
      since: z.string().nullable(),
      noticeId: z.string().nullable(),
    }),
  ),
  optedOutOfSaleShare: z.boolean(),
  gpcSignal: z.boolean().describe('This request carried Sec-GPC: 1 and its opt-out is recorded'),
});

/**
 * The privacy portal's consent pages: open a session with an e-mail (a code goes to it; the same
 * answer whether anyone has the address), verify the code, then read and change the consents.
 * No cookie, JSON bodies only, rate-limited per client address.
 */
export function portalConsentRoutes(app: FastifyInstance, desk: PortalConsentDesk): void {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.post('/api/v1/portal/consent-sessions', {
    config: { access: { public: true }, rateLimit: { max: 5, timeWindow: '1 minute' } },
    schema: {
      tags,
      summary: 'Ask to manage your consents: a one-time code goes to the e-mail given (the answer is the same whether anyone has the address)',
      security: [],
      body: z.object({ email: z.email().max(320) }).strict(),
      response: { 202: z.object({ status: z.literal('accepted'), session: z.string() }), ...errors },
    },
    handler: async (request, reply) => {
      const { session: id } = await desk.open(request.body.email, requestContext(request), request.log);
      return reply.status(202).send({ status: 'accepted' as const, session: id });
    },
  });

  r.post('/api/v1/portal/consent-sessions/verify', {
    config: { access: { public: true }, rateLimit: { max: 10, timeWindow: '1 minute' } },
    schema: {
      tags,
      summary: 'Enter the code from the e-mail: five tries, 30 minutes; answers a session key valid for 30 minutes',
      description: gpcNote,
      security: [],
      body: z.object({ session, code: z.string().regex(/^\d{6}$/, 'the code has six digits') }).strict(),
      response: { 200: z.object({ sessionKey: z.string(), expiresAt: z.string() }), ...errors },
    },
    handler: async (request) => desk.verify(request.body.session, request.body.code, carriesGpc(request.headers['sec-gpc']), requestContext(request)),
  });

  r.post('/api/v1/portal/consent-sessions/consents', {
    config: { access: { public: true }, rateLimit: { max: 30, timeWindow: '1 minute' } },
    schema: {
      tags,
      summary: 'Your consents per purpose and channel, the current privacy notices, and your sale / share opt-out',
      description: gpcNote,
      security: [],
      body: z.object({ session, sessionKey }).strict(),
      response: { 200: view, ...errors },
    },
    handler: async (request, reply) => {
      reply.header('cache-control', 'no-store');
      return desk.view(request.body.session, request.body.sessionKey, carriesGpc(request.headers['sec-gpc']), requestContext(request));
    },
  });

  r.post('/api/v1/portal/consent-sessions/decisions', {
    config: { access: { public: true }, rateLimit: { max: 10, timeWindow: '1 minute' } },
    schema: {
      tags,
      summary: 'Give or withdraw consents: each decision is a new ledger entry (source portal); a grant is under the purpose’s current notice',
      description: gpcNote,
      security: [],
      body: z
        .object({
          session,
          sessionKey,
          decisions: z
            .array(z.object({ purpose: z.enum(consentPurposes), channel: z.enum(consentEntryChannels), status: z.enum(['granted', 'withdrawn']) }).strict())
            .min(1)
            .max(30),
        })
        .strict(),
      response: { 200: view, ...errors },
    },
    handler: async (request, reply) => {
      reply.header('cache-control', 'no-store');
      const { session: id, sessionKey: key, decisions } = request.body;
      return desk.decide(id, key, decisions, carriesGpc(request.headers['sec-gpc']), requestContext(request));
    },
  });
}
