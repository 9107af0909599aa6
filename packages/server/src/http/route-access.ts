import type { Permission } from '@castellan/shared';

/**
 * Every route declares who may call it; the server refuses to start if one does not (deny by default).
 *   { public: true }            — anyone, no credentials (health, OpenAPI, sign-in steps)
 *   { authenticated: true }     — any signed-in actor (own profile, own sessions, step-up)
 *   { permission: 'x.y' }       — an authenticated actor holding that permission
 * `restricted: true` additionally admits a session that has yet to enrol its second factor.
 */
export type RouteAccess = ({ public: true } | { authenticated: true } | { permission: Permission }) & { restricted?: boolean };

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: RouteAccess;
  }
}

export function describeAccess(access: RouteAccess | undefined): string {
  if (!access) return 'UNDECLARED';
  const base = 'public' in access ? 'public' : 'authenticated' in access ? 'authenticated' : access.permission;
  return access.restricted ? `${base}+restricted` : base;
}
