import type { FastifyBaseLogger } from 'fastify';
import { noRequest } from '../../platform/audit/audit-event.js';
import { asSystem } from '../../platform/data/as-system.js';
import type { ProtectedStore } from '../../platform/data/protected-store.js';
import { every } from '../../platform/jobs/periodic-job.js';
import { escalateBreached } from './case-escalation.js';

/** How often the embedded server raises the escalation level of breached cases. */
export const caseEscalationIntervalMs = 5 * 60_000;

/**
 * Every five minutes: raise the escalation level of every unfinished case whose SLA is breached
 * beyond its level, over all teams, as the system (each rise a `record.updated` audit event naming
 * this job). Only counts reach the log.
 */
export function startCaseEscalationJob(store: ProtectedStore, log: FastifyBaseLogger, intervalMs = caseEscalationIntervalMs) {
  const actor = asSystem('case escalation job');
  const runOnce = async () => {
    const result = await escalateBreached(store, actor, noRequest);
    if (result.escalated.length) log.warn({ count: result.escalated.length, checked: result.checked }, 'escalated breached service cases');
    return result;
  };
  const job = every(intervalMs, 60_000, runOnce, (error) => log.error({ err: { type: error.name } }, 'case escalation job failed'));
  return { stop: job.stop, runOnce };
}
