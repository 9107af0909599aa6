import { type CheckOutcome, failing, passing } from '../compliance-check.js';
import type { ComplianceState } from '../compliance-state.js';

/** The audit trail's hash chain, seals and signed checkpoints verify end to end. */
export function auditChain(state: Pick<ComplianceState, 'auditChain'>): CheckOutcome {
  const { intact, events, checkpoints, problem } = state.auditChain;
  const evidence = { intact, events, checkpoints, problem };
  return intact ? passing(`the audit chain of ${events} event(s) verifies`, evidence) : failing('the audit chain does not verify', evidence);
}

/** Audit logs are kept at least six months (网络安全法 Art. 21(3)): 184 days covers any six months. */
export const minimumRetentionDays = 184;

export function logRetention(state: Pick<ComplianceState, 'auditRetentionDays'>): CheckOutcome {
  const evidence = { retentionDays: state.auditRetentionDays, minimumDays: minimumRetentionDays };
  return state.auditRetentionDays >= minimumRetentionDays
    ? passing(`audit events are kept ${state.auditRetentionDays} days`, evidence)
    : failing(`audit events are kept only ${state.auditRetentionDays} days (at least ${minimumRetentionDays} required)`, evidence);
}
