import type { RequestContext } from '../audit/audit-event.js';
import type { Actor } from '../authz/actor.js';
import type { Kernel } from '../kernel.js';

/** Audits that someone generated the compliance report: the format and counts, nothing of its content. */
export async function recordComplianceReport(
  kernel: Kernel,
  actor: Actor,
  context: RequestContext,
  detail: { format: string; checks: number; failing: number },
) {
  await kernel.transaction((tx) => tx.audit(actor, context, { action: 'compliance.report_generated', outcome: 'success', detail }));
}
