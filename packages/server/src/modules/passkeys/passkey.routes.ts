import { errorResponse } from '@castellan/shared';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf, requestContext } from '../../http/authenticate.js';
import { sessionBody, setSessionCookies, signedInView, signInLimit } from '../../http/session-cookies.js';
import { mailFactorNotices } from '../../platform/identity/factor-added-notice.js';
import {
  completeMfaWithPasskey,
  ownPasskeys,
  passkeyRegistrationOptions,
  passkeySignInOptions,
  passkeyStepUpOptions,
  registerPasskey,
  relyingParty,
  removePasskey,
  stepUpWithPasskey,
} from '../../platform/identity/passkeys.js';
import type { Kernel } from '../../platform/kernel.js';
import type { Mailer } from '../../platform/notify/mailer.js';

const errors = { 400: errorResponse, 401: errorResponse, 403: errorResponse, 404: errorResponse, 409: errorResponse, 429: errorResponse };
/** WebAuthn JSON (options and the browser's answers): its shape is checked by @simplewebauthn/server. */
const webauthnJson = z.record(z.string(), z.unknown());
const challengeId = z.string().min(10).max(100);
const credentialId = z.string().regex(/^[A-Za-z0-9_-]{16,1400}$/, 'a base64url credential id');
const passkeyView = z.object({ id: z.string(), name: z.string(), transports: z.array(z.string()), createdAt: z.string(), lastUsedAt: z.string().nullable() });
const sessionView = signedInView;
const strictLimit = { rateLimit: { max: 10, timeWindow: '1 minute' } };

/** The library's option types as the JSON they are. */
const asJson = (options: object): Record<string, unknown> => ({ ...options });

/** WebAuthn passkeys and security keys as a second factor: enrolment, sign-in step, step-up, own list. */
export function passkeyRoutes(app: FastifyInstance, kernel: Kernel, mailer: Mailer): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const rp = (request: FastifyRequest) => relyingParty(request.headers.host, kernel.config.raw.CASTELLAN_PUBLIC_URL);

  r.post('/api/v1/me/mfa/webauthn/options', {
    config: { access: { authenticated: true, restricted: true }, ...strictLimit },
    schema: {
      tags: ['me'],
      summary: 'Start passkey registration: options for navigator.credentials.create() (answer within 5 minutes)',
      response: { 200: webauthnJson, ...errors },
    },
    handler: async (request) => asJson(await passkeyRegistrationOptions(kernel, actorOf(request), rp(request), requestContext(request))),
  });

  r.post('/api/v1/me/mfa/webauthn', {
    config: { access: { authenticated: true, restricted: true }, ...strictLimit },
    schema: {
      tags: ['me'],
      summary:
        'Finish passkey registration: a new session (every other session ends; the user is told by e-mail); the first second factor also gives ten recovery codes (shown once)',
      body: z.object({ response: webauthnJson, name: z.string().trim().max(64).optional() }).strict(),
      response: {
        200: z.object({ sessionKind: z.string(), expiresAt: z.string(), csrfToken: z.string(), passkey: passkeyView, recoveryCodes: z.array(z.string()) }),
        ...errors,
      },
    },
    handler: async (request, reply) => {
      const { session, passkey, recoveryCodes } = await registerPasskey(
        kernel,
        actorOf(request),
        request.body.response,
        request.body.name,
        requestContext(request),
        mailFactorNotices(kernel, mailer, request.log),
      );
      setSessionCookies(reply, session);
      return { ...sessionBody(session), passkey, recoveryCodes };
    },
  });

  r.get('/api/v1/me/mfa/webauthn', {
    config: { access: { authenticated: true, restricted: true } },
    schema: { tags: ['me'], summary: 'My passkeys', response: { 200: z.object({ items: z.array(passkeyView) }), ...errors } },
    handler: async (request) => ({ items: await ownPasskeys(kernel, actorOf(request)) }),
  });

  r.delete('/api/v1/me/mfa/webauthn/:id', {
    config: { access: { authenticated: true } },
    schema: {
      tags: ['me'],
      summary: 'Remove one of my passkeys (needs a fresh second factor; the last second factor stays)',
      params: z.object({ id: credentialId }),
      response: { 204: z.null(), ...errors },
    },
    handler: async (request, reply) => {
      await removePasskey(kernel, actorOf(request), request.params.id, requestContext(request));
      return reply.status(204).send(null);
    },
  });

  r.post('/api/v1/auth/mfa/webauthn/options', {
    config: { access: { public: true }, ...signInLimit },
    schema: {
      tags: ['auth'],
      summary: 'Second sign-in step with a passkey: options for navigator.credentials.get() for the challenge of the password step',
      security: [],
      body: z.object({ challengeId }).strict(),
      response: { 200: webauthnJson, ...errors },
    },
    handler: async (request) => asJson(await passkeySignInOptions(kernel, request.body.challengeId, rp(request))),
  });

  r.post('/api/v1/auth/mfa/webauthn', {
    config: { access: { public: true }, ...signInLimit },
    schema: {
      tags: ['auth'],
      summary: 'Second sign-in step with a passkey: the assertion for the challenge of the password step',
      security: [],
      body: z.object({ challengeId, response: webauthnJson }).strict(),
      response: { 200: sessionView, ...errors },
    },
    handler: async (request, reply) => {
      const { session, passwordChangeRequired } = await completeMfaWithPasskey(
        kernel,
        request.body.challengeId,
        request.body.response,
        requestContext(request),
      );
      setSessionCookies(reply, session);
      return { ...sessionBody(session), mfaEnrolmentRequired: false, passwordChangeRequired };
    },
  });

  r.post('/api/v1/auth/step-up/webauthn/options', {
    config: { access: { authenticated: true }, ...strictLimit },
    schema: { tags: ['auth'], summary: 'Step-up with a passkey: options for navigator.credentials.get()', response: { 200: webauthnJson, ...errors } },
    handler: async (request) => asJson(await passkeyStepUpOptions(kernel, actorOf(request), rp(request))),
  });

  r.post('/api/v1/auth/step-up/webauthn', {
    config: { access: { authenticated: true }, ...strictLimit },
    schema: {
      tags: ['auth'],
      summary: 'Step-up with a passkey: a fresh second factor (valid 5 minutes) for this session',
      body: z.object({ response: webauthnJson }).strict(),
      response: { 200: z.object({ validUntil: z.string() }), ...errors },
    },
    handler: async (request) => stepUpWithPasskey(kernel, actorOf(request), request.body.response, requestContext(request)),
  });
}
