import type { FastifyBaseLogger } from 'fastify';
import { noRequest } from '../../platform/audit/audit-event.js';
import { asSystem } from '../../platform/data/as-system.js';
import { every } from '../../platform/jobs/periodic-job.js';
import type { Kernel } from '../../platform/kernel.js';
import { type RetentionRunView, startRetentionRun } from '../../platform/retention/retention-runs.js';

/** How often the scheduled purge runs; the compliance check `retention_rules` fails when the last one is older (plus an hour's grace). */
export const retentionPeriodMs = 24 * 3600_000;

/**
 * Daily: runs every enabled retention rule for real and signs the run's certificate. A run already
 * under way (a manual one) is left to finish; the next day's run picks up what it did not.
 */
export function startRetentionJob(
  kernel: Kernel,
  log: FastifyBaseLogger,
  intervalMs = retentionPeriodMs,
): { stop(): void; runOnce(): Promise<RetentionRunView> } {
  const actor = asSystem('scheduled retention run');
  const runOnce = async () => {
    const run = await startRetentionRun(kernel, actor, noRequest, { kind: 'scheduled', dryRun: false });
    const removed = run.rules.reduce((n, r) => n + r.removed, 0);
    const anonymised = run.rules.reduce((n, r) => n + r.anonymised, 0);
    log.info({ run: run.id, rules: run.rules.length, removed, anonymised }, 'retention run finished');
    return run;
  };
  const job = every(intervalMs, 5 * 60_000, runOnce, (error) =>
    log.error({ err: { type: error.name, code: (error as { code?: string }).code } }, 'retention run failed'),
  );
  return { stop: job.stop, runOnce };
}
