import { errorResponse } from '@castellan/shared';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf, requestContext } from '../../http/authenticate.js';
import { clearSessionCookies, sessionBody, setSessionCookies, signedInView, signInLimit } from '../../http/session-cookies.js';
import { completeMfaChallenge, stepUp } from '../../platform/identity/second-factor.js';
import { passwordSignIn } from '../../platform/identity/sign-in.js';
import { signOut } from '../../platform/identity/sign-out.js';
import type { Kernel } from '../../platform/kernel.js';

const tags = ['auth'];
const errors = { 400: errorResponse, 401: errorResponse, 403: errorResponse, 429: errorResponse };
const sessionView = signedInView;
const code = z.string().trim().min(6).max(20);

/** Sign-in (password, then second factor), step-up and sign-out. */
export function authRoutes(app: FastifyInstance, kernel: Kernel): void {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.post('/api/v1/auth/login', {
    config: { access: { public: true }, ...signInLimit },
    schema: {
      tags,
      summary: 'Sign in with e-mail and password; answers a session or { mfaRequired, challengeId }',
      security: [],
      body: z.object({ email: z.string().min(3).max(254), password: z.string().min(1).max(1024) }).strict(),
      response: { 200: z.union([sessionView, z.object({ mfaRequired: z.literal(true), challengeId: z.string(), expiresAt: z.string() })]), ...errors },
    },
    handler: async (request, reply) => {
      const result = await passwordSignIn(kernel, request.body.email, request.body.password, requestContext(request));
      if (result.kind === 'mfa') return { mfaRequired: true as const, challengeId: result.challengeId, expiresAt: result.expiresAt };
      setSessionCookies(reply, result.session);
      return { ...sessionBody(result.session), mfaEnrolmentRequired: result.mfaEnrolmentRequired, passwordChangeRequired: result.passwordChangeRequired };
    },
  });

  r.post('/api/v1/auth/mfa', {
    config: { access: { public: true }, ...signInLimit },
    schema: {
      tags,
      summary: 'Second sign-in step: a TOTP code (each usable once) or a recovery code',
      security: [],
      body: z.object({ challengeId: z.string().min(10).max(100), code }).strict(),
      response: { 200: sessionView, ...errors },
    },
    handler: async (request, reply) => {
      const { session, passwordChangeRequired } = await completeMfaChallenge(kernel, request.body.challengeId, request.body.code, requestContext(request));
      setSessionCookies(reply, session);
      return { ...sessionBody(session), mfaEnrolmentRequired: false, passwordChangeRequired };
    },
  });

  r.post('/api/v1/auth/step-up', {
    config: { access: { authenticated: true }, rateLimit: { max: 10, timeWindow: '1 minute' } },
    schema: {
      tags,
      summary: 'Prove a fresh second factor (valid 5 minutes) before revealing, exporting, erasing or changing roles and keys',
      body: z.object({ code }).strict(),
      response: { 200: z.object({ validUntil: z.string() }), ...errors },
    },
    handler: async (request) => stepUp(kernel, actorOf(request), request.body.code, requestContext(request)),
  });

  r.post('/api/v1/auth/logout', {
    config: { access: { authenticated: true, restricted: true } },
    schema: { tags, summary: 'Sign out: revokes this session', response: { 204: z.null(), ...errors } },
    handler: async (request, reply) => {
      await signOut(kernel, actorOf(request), requestContext(request));
      clearSessionCookies(reply);
      return reply.status(204).send(null);
    },
  });
}
