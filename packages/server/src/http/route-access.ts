import type { Permission } from '@castellan/shared';

/**
 * Every route declares who may call it; the server refuses to start if one does not (deny by default).
 *   { public: true }            — anyone, no credentials (health, OpenAPI, the landing page)
 *   { permission: 'x.y' }       — an authenticated actor holding that permission
 */
export type RouteAccess = { public: true } | { permission: Permission };

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: RouteAccess;
  }
}

export function describeAccess(access: RouteAccess | undefined): string {
  if (!access) return 'UNDECLARED';
  return 'public' in access ? 'public' : access.permission;
}
