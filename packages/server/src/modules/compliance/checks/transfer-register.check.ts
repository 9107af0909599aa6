import { type CheckOutcome, failing, passing } from '../compliance-check.js';
import type { ComplianceState } from '../compliance-state.js';

/**
 * Every live transfer of the register (not ended) stands up: a cross-border one names its PIPL Art. 38
 * mechanism, each is linked to an approved, current impact assessment of its activity (Art. 55(3)–(4)),
 * and the transfer rules find nothing wrong with it under the catalogue as it is now.
 */
export function transferRegister(state: Pick<ComplianceState, 'records'>): CheckOutcome {
  const live = state.records.transfers.filter((t) => t.status !== 'ended');
  const ids = (pick: (t: (typeof live)[number]) => boolean) =>
    live
      .filter(pick)
      .map((t) => t.id)
      .sort();
  const withoutMechanism = ids((t) => t.crossBorder && !t.mechanism);
  const withoutCurrentPipia = ids((t) => t.flags.length > 0);
  const invalid = ids((t) => t.problems.length > 0);
  const evidence = {
    liveTransfers: live.length,
    crossBorder: live.filter((t) => t.crossBorder).length,
    withoutMechanism,
    withoutCurrentPipia,
    invalid,
  };
  const bad = new Set([...withoutMechanism, ...withoutCurrentPipia, ...invalid]).size;
  return bad === 0
    ? passing('every live transfer names its mechanism and a current, approved impact assessment', evidence)
    : failing(`${bad} live transfer(s) lack a mechanism or a current, approved impact assessment, or break the transfer rules`, evidence);
}
