import { type CheckOutcome, failing, passing } from '../compliance-check.js';
import type { ComplianceState } from '../compliance-state.js';

/**
 * Every processing PIPL Art. 55 names (sensitive PI, automated decisions, provision to another handler,
 * cross-border) has an impact assessment whose latest approved version is current: generated from the
 * catalogue classifications as they are now and naming every trigger the activity has now.
 */
export function pipiaCurrent(state: Pick<ComplianceState, 'records'>): CheckOutcome {
  const of = (s: string) =>
    state.records.requirements
      .filter((r) => r.state === s)
      .map((r) => r.activity)
      .sort();
  const evidence = {
    activitiesNeedingAssessment: state.records.requirements.length,
    current: of('current').length,
    missing: of('missing'),
    notApproved: of('draft'),
    outdated: of('outdated'),
    uncovered: of('uncovered'),
  };
  const bad = state.records.requirements.filter((r) => r.state !== 'current').length;
  return bad === 0
    ? passing('every processing that needs an impact assessment has a current, approved one', evidence)
    : failing(`${bad} processing activit(ies) need an impact assessment that is missing, not approved, outdated or incomplete`, evidence);
}
