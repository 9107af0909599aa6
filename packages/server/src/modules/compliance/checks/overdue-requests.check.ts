import { isOverdue } from '@castellan/shared';
import { type CheckOutcome, failing, passing } from '../compliance-check.js';
import type { ComplianceState } from '../compliance-state.js';

/**
 * No data-subject request is past its legal deadline unfinished (the same rule as the reminder job:
 * due instant passed, status neither completed nor refused). Evidence: request ids and counts only.
 */
export function overdueRequests(state: Pick<ComplianceState, 'privacyRequests' | 'now'>): CheckOutcome {
  const overdue = state.privacyRequests
    .filter((r) => isOverdue(r.dueAt ? new Date(r.dueAt) : null, r.status, state.now))
    .map((r) => r.id)
    .sort();
  const open = state.privacyRequests.filter((r) => r.status !== 'completed' && r.status !== 'refused').length;
  const evidence = { openRequests: open, overdue: overdue.length, requestIds: overdue };
  return overdue.length === 0
    ? passing(`none of ${open} open data-subject request(s) is past its deadline`, evidence)
    : failing(`${overdue.length} data-subject request(s) are past their legal deadline`, evidence);
}
