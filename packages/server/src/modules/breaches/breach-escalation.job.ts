import type { FastifyBaseLogger } from 'fastify';
import { asSystem } from '../../platform/data/as-system.js';
import { type EscalationResult, mailEscalations, recordEscalations } from '../../platform/incidents/breach-escalation.js';
import { every } from '../../platform/jobs/periodic-job.js';
import type { Kernel } from '../../platform/kernel.js';
import type { Mailer } from '../../platform/notify/mailer.js';

/** How often the embedded server checks the breach clocks (the CAC clock can be one hour long). */
export const breachEscalationIntervalMs = 60_000;

/** Every minute: record and mail the 50 / 75 / 90 % reminders of every open breach clock. Only counts reach the log. */
export function startBreachEscalationJob(kernel: Kernel, mailer: Mailer, log: FastifyBaseLogger, intervalMs = breachEscalationIntervalMs) {
  const actor = asSystem('breach escalation job');
  const runOnce = async (now = new Date()): Promise<EscalationResult> => {
    const result = await recordEscalations(kernel, actor, now);
    const mailed = await mailEscalations(kernel, mailer, now);
    if (result.recorded.length) log.warn({ count: result.recorded.length, mailed }, 'breach clock escalations');
    return { ...result, mailed };
  };
  const job = every(intervalMs, 30_000, runOnce, (error) => log.error({ err: { type: error.name } }, 'breach escalation job failed'));
  return { stop: job.stop, runOnce };
}
