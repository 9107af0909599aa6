import { errorResponse } from '@castellan/shared';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf, requestContext } from '../../http/authenticate.js';
import { setSessionCookies, signInLimit } from '../../http/session-cookies.js';
import { completeLinkWithProof, LINK_PROOF_TTL_MS } from '../../platform/identity/oidc-links.js';
import { completeOidcSignIn, OIDC_LOGIN_TTL_MS, oidcEnabled, ssoNotConfigured, startOidcSignIn } from '../../platform/identity/oidc-sign-in.js';
import type { Kernel } from '../../platform/kernel.js';

const tags = ['auth'];
const errors = { 401: errorResponse, 403: errorResponse, 404: errorResponse, 429: errorResponse, 502: errorResponse };

/**
 * Binds a sign-in attempt to the browser that started it (no login CSRF: a callback URL sent to
 * someone else fails). SameSite=Lax, because the provider's redirect back is a cross-site navigation.
 */
export const OIDC_STATE_COOKIE = 'castellan_oidc_state';
const stateCookie = { path: '/api/v1/auth/oidc', secure: true, httpOnly: true, sameSite: 'lax' as const };

/**
 * Binds a pending link (an IdP identity claiming an existing account) to the browser that came back
 * from the provider: only that browser can complete it, so nobody can send the account's owner a
 * link of their own to complete. Strict: it is only ever sent by Castellan's own pages.
 */
export const OIDC_LINK_COOKIE = 'castellan_oidc_link';
const linkCookie = { path: '/api/v1/auth/oidc', secure: true, httpOnly: true, sameSite: 'strict' as const };

/** Single sign-on with OpenID Connect (authorization code + PKCE). */
export function oidcRoutes(app: FastifyInstance, kernel: Kernel): void {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get('/api/v1/auth/oidc', {
    config: { access: { public: true } },
    schema: { tags, summary: 'Whether single sign-on (OpenID Connect) is configured', security: [], response: { 200: z.object({ enabled: z.boolean() }) } },
    handler: async () => ({ enabled: oidcEnabled(kernel) }),
  });

  r.get('/api/v1/auth/oidc/start', {
    config: { access: { public: true }, ...signInLimit },
    schema: { tags, summary: 'Begin single sign-on: redirects (302) to the identity provider', security: [], response: errors },
    handler: async (request, reply) => {
      if (!oidcEnabled(kernel)) throw ssoNotConfigured();
      const { url, state } = await startOidcSignIn(kernel, requestContext(request));
      reply.setCookie(OIDC_STATE_COOKIE, state, { ...stateCookie, maxAge: Math.floor(OIDC_LOGIN_TTL_MS / 1000) });
      return reply.redirect(url, 302);
    },
  });

  r.get('/api/v1/auth/oidc/callback', {
    config: { access: { public: true }, ...signInLimit },
    schema: {
      tags,
      summary:
        'Where the identity provider returns: signs in and redirects (302) to /; a second factor to give redirects to /#mfa-challenge=<id>; an identity that claims an existing account by e-mail redirects to /#sso-link-required',
      security: [],
      querystring: z.looseObject({
        code: z.string().max(4096).optional(),
        state: z.string().max(512).optional(),
        iss: z.string().max(2048).optional(),
        error: z.string().max(200).optional(),
      }),
      response: errors,
    },
    handler: async (request, reply) => {
      if (!oidcEnabled(kernel)) throw ssoNotConfigured();
      const cookie = request.cookies[OIDC_STATE_COOKIE];
      reply.clearCookie(OIDC_STATE_COOKIE, stateCookie);
      // The raw query, exactly as the provider sent it (the code and state are never logged).
      const query = request.url.includes('?') ? request.url.slice(request.url.indexOf('?') + 1) : '';
      const result = await completeOidcSignIn(kernel, query, cookie, requestContext(request));
      if (result.kind === 'mfa') {
        // The second step is the usual POST /api/v1/auth/mfa; the fragment never reaches a server or a Referer.
        return reply.redirect(`/#mfa-challenge=${encodeURIComponent(result.challengeId)}`, 302);
      }
      if (result.kind === 'link') {
        // Nobody is signed in: the owner proves the link (password + second factor), or a security administrator approves it.
        reply.setCookie(OIDC_LINK_COOKIE, result.linkToken, { ...linkCookie, maxAge: Math.floor(LINK_PROOF_TTL_MS / 1000) });
        return reply.redirect('/#sso-link-required', 302);
      }
      setSessionCookies(reply, result.session);
      return reply.redirect('/', 302);
    },
  });

  r.post('/api/v1/auth/oidc/link', {
    config: { access: { authenticated: true }, ...signInLimit },
    schema: {
      tags,
      summary:
        'Link the identity-provider account this browser came back with to your account: needs a sign-in with your password and second factor made after the single sign-on attempt, within 10 minutes of it',
      response: { 204: z.null(), ...errors, 409: errorResponse },
    },
    handler: async (request, reply) => {
      if (!oidcEnabled(kernel)) throw ssoNotConfigured();
      await completeLinkWithProof(kernel, actorOf(request), requestContext(request), request.cookies[OIDC_LINK_COOKIE]);
      reply.clearCookie(OIDC_LINK_COOKIE, linkCookie);
      return reply.status(204).send(null);
    },
  });
}
