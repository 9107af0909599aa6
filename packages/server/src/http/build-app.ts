import { randomUUID } from 'node:crypto';
import cookie from '@fastify/cookie';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { auditPseudonym } from '../platform/audit/audit-personal-details.js';
import type { Kernel } from '../platform/kernel.js';
import { installAuthentication } from './authenticate.js';
import { installErrorHandling } from './error-handler.js';
import { installIdempotency } from './idempotent-create.js';
import { loggerOptions } from './logger-options.js';
import { registerRoutes } from './register-routes.js';
import { describeAccess } from './route-access.js';
import { keepAnsweringOnSocketTimeout } from './socket-timeout.js';

export interface AppOptions {
  https?: { key: Buffer; cert: Buffer };
  logger?: FastifyServerOptions['logger'] | false;
  /** Extra routes (tests use this to prove that an undeclared route stops the boot). */
  extraRoutes?: (app: FastifyInstance) => void;
  rateLimitPerMinute?: number;
}

export type App = FastifyInstance;

/** Builds the Fastify app: security headers, limits, deny-by-default routes, error shape, OpenAPI. */
export async function buildApp(kernel: Kernel, options: AppOptions = {}): Promise<App> {
  const app = Fastify({
    logger: options.logger === undefined ? loggerOptions(kernel.config.logLevel, (ip) => auditPseudonym(kernel.keyring, 'ip', ip)) : options.logger,
    bodyLimit: kernel.config.bodyLimit,
    connectionTimeout: 30_000,
    requestTimeout: 30_000,
    // Browsers reuse idle connections for a minute or more: closing them after a few seconds races with
    // the browser's next request (net::ERR_TOO_MANY_RETRIES). Slow clients are still bounded by the
    // connection and request timeouts above.
    keepAliveTimeout: 65_000,
    routerOptions: { maxParamLength: 200 },
    genReqId: () => randomUUID(),
    exposeHeadRoutes: false,
    requestIdHeader: false,
    trustProxy: false,
    ...(options.https ? { https: { ...options.https, ...kernel.config.tls.settings, honorCipherOrder: true } } : {}),
  }) as unknown as FastifyInstance;
  keepAnsweringOnSocketTimeout(app.server);
  const typed = app.withTypeProvider<ZodTypeProvider>();
  typed.setValidatorCompiler(validatorCompiler);
  typed.setSerializerCompiler(serializerCompiler);

  const inventory: string[] = [];
  const undeclared: string[] = [];
  app.decorate('routeInventory', inventory);
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const method of methods) inventory.push(`${method} ${route.url} ${describeAccess(route.config?.access)}`);
    if (!route.config?.access) undeclared.push(`${methods.join(',')} ${route.url}`);
  });
  app.addHook('onReady', async () => {
    if (undeclared.length > 0) throw new Error(`routes without a declared access rule (deny by default): ${undeclared.join(', ')}`);
  });
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
    // Content-hashed web-app assets may be cached; everything else (API answers carry personal data) may not.
    if (request.routeOptions.url !== '/assets/*') reply.header('cache-control', 'no-store');
  });

  await app.register(helmet, {
    contentSecurityPolicy: {
      directives: { defaultSrc: ["'self'"], frameAncestors: ["'none'"], objectSrc: ["'none'"], baseUri: ["'none'"], formAction: ["'self'"] },
    },
    strictTransportSecurity: { maxAge: 31_536_000, includeSubDomains: true },
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
  });
  await app.register(rateLimit, { max: options.rateLimitPerMinute ?? 1200, timeWindow: '1 minute' });
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'Castellan API', version: '1', description: 'CRM for broadcast, film and TV that protects the personal data it holds.' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
    transform: jsonSchemaTransform,
  });
  await app.register(cookie, { parseOptions: { secure: true, sameSite: 'strict', path: '/' } });
  installErrorHandling(app, kernel);
  installAuthentication(app, kernel);
  installIdempotency(app, kernel);
  registerRoutes(app, kernel);
  options.extraRoutes?.(app);
  return app;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** `METHOD url access` of every route, in registration order (snapshotted by a test). */
    routeInventory: string[];
  }
}
