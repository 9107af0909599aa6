import { type CheckOutcome, failing, passing } from '../compliance-check.js';
import type { ComplianceState } from '../compliance-state.js';

/**
 * A record of processing activities exists and its latest version is current: generated from the
 * catalogue classifications as they are now (not outdated) and from the transfer register, controller
 * and retention rules as they are now (not stale).
 */
export function ropaCurrent(state: Pick<ComplianceState, 'records'>): CheckOutcome {
  const ropa = state.records.ropa;
  const evidence = { latestVersion: ropa?.latestNumber ?? null, outdated: ropa?.outdated ?? null, stale: ropa?.stale ?? null };
  if (!ropa) return failing('no record of processing activities has been generated', evidence);
  if (ropa.outdated) return failing('the latest record of processing was generated from classifications that have changed since', evidence);
  if (ropa.stale) return failing('the transfer register, controller or retention rules changed since the latest record of processing', evidence);
  return passing('the latest record of processing activities is current', evidence);
}
