import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import type { NewSession } from '../platform/identity/sessions.js';

/**
 * The session cookie carries the `__Host-` prefix: browsers accept it only when Secure, with Path=/
 * and no Domain, so neither a sibling subdomain nor a plain-HTTP page can set or overwrite it.
 * The CSRF cookie's name `csrf_token` is fixed by SPEC section 3 (clients read it), so it cannot
 * carry the prefix; it has the same attributes. A tossed (attacker-planted) csrf_token gains nothing:
 * a write needs the header to equal the cookie AND to hash to the value stored with the session,
 * which only the server's own token for that session does.
 */
export const SESSION_COOKIE = '__Host-castellan_session';
export const CSRF_COOKIE = 'csrf_token';
export const CSRF_HEADER = 'x-csrf-token';

/** No `domain`, ever: a `__Host-` cookie with one is refused by browsers. */
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
