import type { FastifyBaseLogger } from 'fastify';
import { noRequest } from '../audit/audit-event.js';
import { archiveExpiredEvents } from '../audit/retention.js';
import { verifyAuditChain } from '../audit/verify-audit-chain.js';
import { asSystem } from '../data/as-system.js';
import type { Kernel } from '../kernel.js';
import { every } from './periodic-job.js';

/**
 * Daily in the server: verify the whole audit trail (a failure is logged as an error and recorded
 * as a failed `audit.verified` event — the alert channels arrive with monitoring), then archive and
 * remove events older than the retention period.
 */
export function startAuditMaintenance(kernel: Kernel, log: FastifyBaseLogger, intervalMs = 24 * 3600_000): { stop(): void; runOnce(): Promise<void> } {
  const actor = asSystem('scheduled audit verification and retention');
  const runOnce = async () => {
    const result = await verifyAuditChain(kernel);
    await kernel.transaction((tx) =>
      tx.audit(actor, noRequest, {
        action: 'audit.verified',
        outcome: result.intact ? 'success' : 'failure',
        detail: { events: result.events, problem: result.problem?.kind, scheduled: true },
      }),
    );
    if (!result.intact) {
      log.error({ problem: result.problem }, 'AUDIT TRAIL NOT INTACT');
      return;
    }
    const archived = await archiveExpiredEvents(kernel);
    if (archived) log.info({ fromSeq: archived.fromSeq, toSeq: archived.toSeq, count: archived.count }, 'archived expired audit events');
  };
  const job = every(intervalMs, 5 * 60_000, runOnce, (error) => log.error({ err: { type: error.name, message: error.message } }, 'audit maintenance failed'));
  return { stop: job.stop, runOnce };
}
