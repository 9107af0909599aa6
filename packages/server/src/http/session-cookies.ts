import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import type { NewSession } from '../platform/identity/sessions.js';

/** Cookie names are part of the public interface (SPEC section 3: `csrf_token`). */
export const SESSION_COOKIE = 'castellan_session';
export const CSRF_COOKIE = 'csrf_token';
export const CSRF_HEADER = 'x-csrf-token';

const base = { path: '/', secure: true, sameSite: 'strict' as const };

export function setSessionCookies(reply: FastifyReply, session: NewSession): void {
  const maxAge = Math.floor((Date.parse(session.expiresAt) - Date.now()) / 1000);
  reply.setCookie(SESSION_COOKIE, session.token, { ...base, httpOnly: true, maxAge });
  reply.setCookie(CSRF_COOKIE, session.csrfToken, { ...base, httpOnly: false, maxAge });
}

export function clearSessionCookies(reply: FastifyReply): void {
  reply.clearCookie(SESSION_COOKIE, { ...base, httpOnly: true });
  reply.clearCookie(CSRF_COOKIE, { ...base, httpOnly: false });
}

/** What a sign-in answers (besides the cookies). */
export const sessionBody = (session: NewSession) => ({ sessionKind: session.kind, expiresAt: session.expiresAt, csrfToken: session.csrfToken });

/** The answer of every sign-in step that ends in a session (password, code, passkey). */
export const signedInView = z.object({
  sessionKind: z.enum(['full', 'restricted']),
  expiresAt: z.string(),
  csrfToken: z.string(),
  mfaEnrolmentRequired: z.boolean(),
  passwordChangeRequired: z.boolean(),
});

/** Sign-in steps are rate-limited per client address on top of the per-account throttle. */
export const signInLimit = { rateLimit: { max: 30, timeWindow: '1 minute' } };
