import { errorResponse, idParams } from '@castellan/shared';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf, requestContext } from '../../http/authenticate.js';
import { sessionBody, setSessionCookies } from '../../http/session-cookies.js';
import { changeOwnPassword } from '../../platform/identity/change-password.js';
import { mailFactorNotices } from '../../platform/identity/factor-added-notice.js';
import { ownProfile, ownSessions } from '../../platform/identity/own-account.js';
import { revokeOwnSession } from '../../platform/identity/sign-out.js';
import { confirmTotpEnrolment, startTotpEnrolment } from '../../platform/identity/totp-enrolment.js';
import type { Kernel } from '../../platform/kernel.js';
import type { Mailer } from '../../platform/notify/mailer.js';

const tags = ['me'];
const errors = { 400: errorResponse, 401: errorResponse, 403: errorResponse, 404: errorResponse, 409: errorResponse };

/** The signed-in user's own account: profile, what they may do, sessions, second factor. */
export function meRoutes(app: FastifyInstance, kernel: Kernel, mailer: Mailer): void {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get('/api/v1/me', {
    config: { access: { authenticated: true, restricted: true } },
    schema: {
      tags,
      summary: 'Who am I: profile, roles, permissions (what the UI may offer), second-factor status',
      response: {
        200: z.object({
          id: z.string(),
          email: z.string(),
          name: z.string(),
          teamId: z.string().nullable(),
          roles: z.array(z.string()),
          permissions: z.array(z.string()),
          mfaEnrolled: z.boolean(),
          session: z.object({ id: z.string(), kind: z.string(), stepUpValid: z.boolean() }).nullable(),
        }),
        ...errors,
      },
    },
    handler: async (request) => ownProfile(kernel, actorOf(request), requestContext(request)),
  });

  r.get('/api/v1/me/sessions', {
    config: { access: { authenticated: true } },
    schema: {
      tags,
      summary: 'My sessions',
      response: {
        200: z.object({
          items: z.array(
            z.object({
              id: z.string(),
              kind: z.string(),
              createdAt: z.string(),
              lastSeenAt: z.string(),
              expiresAt: z.string(),
              ip: z.string().nullable(),
              userAgent: z.string().nullable(),
              current: z.boolean(),
            }),
          ),
        }),
        ...errors,
      },
    },
    handler: async (request) => ({ items: await ownSessions(kernel, actorOf(request)) }),
  });

  r.delete('/api/v1/me/sessions/:id', {
    config: { access: { authenticated: true } },
    schema: { tags, summary: 'Revoke one of my sessions', params: idParams, response: { 204: z.null(), ...errors } },
    handler: async (request, reply) => {
      await revokeOwnSession(kernel, actorOf(request), requestContext(request), request.params.id);
      return reply.status(204).send(null);
    },
  });

  r.post('/api/v1/me/password', {
    config: { access: { authenticated: true, restricted: true }, rateLimit: { max: 10, timeWindow: '1 minute' } },
    schema: {
      tags,
      summary: 'Change my password: ends every other session and replaces this one',
      body: z.object({ currentPassword: z.string().min(1).max(1024), newPassword: z.string().min(1).max(1024) }).strict(),
      response: { 200: z.object({ sessionKind: z.string(), expiresAt: z.string(), csrfToken: z.string() }), ...errors },
    },
    handler: async (request, reply) => {
      const session = await changeOwnPassword(kernel, actorOf(request), request.body.currentPassword, request.body.newPassword, requestContext(request));
      setSessionCookies(reply, session);
      return sessionBody(session);
    },
  });

  r.post('/api/v1/me/mfa/totp', {
    config: { access: { authenticated: true, restricted: true } },
    schema: {
      tags,
      summary:
        'Start TOTP enrolment: a secret, its otpauth:// URI and a QR code (SVG) for any authenticator app (needs a fresh second factor once one is enrolled)',
      response: { 200: z.object({ secret: z.string(), otpauthUri: z.string(), qrSvg: z.string() }), ...errors },
    },
    handler: async (request) => startTotpEnrolment(kernel, actorOf(request), requestContext(request)),
  });

  r.post('/api/v1/me/mfa/totp/confirm', {
    config: { access: { authenticated: true, restricted: true }, rateLimit: { max: 10, timeWindow: '1 minute' } },
    schema: {
      tags,
      summary:
        'Confirm TOTP enrolment with a code: a new full session, ten one-time recovery codes (shown once); every other session ends and the user is told by e-mail',
      body: z.object({ code: z.string().trim().min(6).max(10) }).strict(),
      response: { 200: z.object({ sessionKind: z.string(), expiresAt: z.string(), csrfToken: z.string(), recoveryCodes: z.array(z.string()) }), ...errors },
    },
    handler: async (request, reply) => {
      const notices = mailFactorNotices(kernel, mailer, request.log);
      const { session, recoveryCodes } = await confirmTotpEnrolment(kernel, actorOf(request), request.body.code, requestContext(request), notices);
      setSessionCookies(reply, session);
      return { ...sessionBody(session), recoveryCodes };
    },
  });
}
