import type { FastifyBaseLogger } from 'fastify';
import { loadRoleMatrix, roleMatrixVersion } from '../authz/role-store.js';
import type { Kernel } from '../kernel.js';

/** Picks up role-matrix edits made through another node within a few seconds. */
export function startRoleMatrixRefresh(kernel: Kernel, log: FastifyBaseLogger, intervalMs = 5000): { stop(): void } {
  let seen = '';
  const timer = setInterval(() => {
    roleMatrixVersion(kernel.db.kysely)
      .then(async (version) => {
        if (version === seen) return;
        await loadRoleMatrix(kernel.db.kysely);
        seen = version;
      })
      .catch((error: Error) => log.error({ err: { type: error.name } }, 'role matrix refresh failed'));
  }, intervalMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
