import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { contentSecurityPolicy } from './content-security-policy.js';
import { webAppMissingPage } from './web-app-missing-page.js';

/** Where `npm run build` writes the web app (packages/web/dist), from this file in packages/server/{src,dist}/modules/web-app. */
export const defaultWebRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../web/dist');

/** The app's entry points: the pages Castellan's own links lead to (sign-in after SSO, enrolment, password reset). */
const entryPaths = ['/', '/reset-password', '/enrol'] as const;

/**
 * Serves the web app on the same origin as the API: `/assets/*` (content-hashed, cached for a year)
 * and `index.html` for `/`, the link targets and every other browser navigation outside `/api/`,
 * each time with a fresh CSP nonce for the style elements Mantine writes. The shell holds no
 * personal value; the app fetches everything through the API.
 */
export function webAppRoutes(app: FastifyInstance, webRoot = defaultWebRoot): void {
  const indexFile = path.join(webRoot, 'index.html');
  const built = existsSync(indexFile);
  const shell = built ? readFileSync(indexFile, 'utf8') : webAppMissingPage;

  const sendShell = (_request: FastifyRequest, reply: FastifyReply) => {
    const nonce = randomBytes(18).toString('base64');
    return reply
      .header('content-security-policy', contentSecurityPolicy(nonce))
      .type('text/html; charset=utf-8')
      .send(shell.replaceAll('__CSP_NONCE__', nonce));
  };

  for (const url of entryPaths) app.get(url, { config: { access: { public: true } }, schema: { hide: true } as object }, sendShell);

  // Registered whether or not the app is built, so the route inventory is the same on every checkout.
  app.register(fastifyStatic, { root: path.join(webRoot, 'assets'), serve: false, decorateReply: true, wildcard: false, suppressWarning: !built });
  app.get('/assets/*', { config: { access: { public: true } }, schema: { hide: true } as object }, (request, reply) => {
    const file = (request.params as { '*': string })['*'];
    if (!built || !/^[\w.-]+$/.test(file)) return reply.callNotFound();
    reply.header('cache-control', 'public, max-age=31536000, immutable');
    return reply.sendFile(file, { cacheControl: false });
  });

  app.decorate('sendWebAppShell', sendShell);
}

/** A browser navigation (GET, wants HTML, outside the API) that the app's own router should answer. */
export const isAppNavigation = (request: FastifyRequest): boolean =>
  request.method === 'GET' && !request.url.startsWith('/api/') && String(request.headers.accept ?? '').includes('text/html');

declare module 'fastify' {
  interface FastifyInstance {
    sendWebAppShell: (request: FastifyRequest, reply: FastifyReply) => FastifyReply;
  }
}
