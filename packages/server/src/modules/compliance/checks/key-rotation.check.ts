import { ageDays, type CheckOutcome, failing, passing } from '../compliance-check.js';
import type { ComplianceState } from '../compliance-state.js';

/** The field data key (which wraps every person's key) is rotated at least yearly. */
export const maxKeyAgeDays = 365;

export function keyRotation(state: Pick<ComplianceState, 'fieldKeys' | 'now'>): CheckOutcome {
  const current = [...state.fieldKeys].filter((k) => k.status === 'active').sort((a, b) => b.version - a.version)[0];
  const evidence = {
    currentVersion: current?.version ?? null,
    createdAt: current?.createdAt ?? null,
    ageDays: current ? ageDays(current.createdAt, state.now) : null,
    maxAgeDays: maxKeyAgeDays,
    versions: state.fieldKeys.length,
  };
  if (!current) return failing('no active field data key', evidence);
  return (evidence.ageDays ?? 0) <= maxKeyAgeDays
    ? passing(`the field data key is ${evidence.ageDays} day(s) old`, evidence)
    : failing(`the field data key is ${evidence.ageDays} day(s) old (rotate at least every ${maxKeyAgeDays} days)`, evidence);
}
