import type { FastifyBaseLogger } from 'fastify';
import { asSystem } from '../data/as-system.js';
import { disableDormantUsers, dormantUsers } from '../identity/access-reviews.js';
import type { Kernel } from '../kernel.js';
import { every } from './periodic-job.js';

/**
 * Daily: report accounts with no sign-in for CASTELLAN_DORMANT_DAYS, and disable them when
 * CASTELLAN_DORMANT_AUTO_DISABLE=true (each disabling is an audit event; sessions end at once).
 */
export function startDormantAccountsJob(kernel: Kernel, log: FastifyBaseLogger, intervalMs = 24 * 3600_000): { stop(): void; runOnce(): Promise<number> } {
  const actor = asSystem('dormant accounts job');
  const runOnce = async (): Promise<number> => {
    const { days, autoDisable } = kernel.config.dormant;
    if (autoDisable) {
      const disabled = await disableDormantUsers(kernel, actor, days);
      if (disabled.length) log.warn({ count: disabled.length, days }, 'disabled dormant accounts');
      return disabled.length;
    }
    const dormant = await dormantUsers(kernel, days);
    if (dormant.length) log.info({ count: dormant.length, days }, 'dormant accounts (report only: set CASTELLAN_DORMANT_AUTO_DISABLE=true to disable them)');
    return dormant.length;
  };
  const job = every(intervalMs, 60_000, runOnce, (error) => log.error({ err: { type: error.name } }, 'dormant accounts job failed'));
  return { stop: job.stop, runOnce };
}
