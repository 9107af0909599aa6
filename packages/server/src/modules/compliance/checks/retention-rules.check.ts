import { uncoveredObjects } from '@castellan/shared';
import { type CheckOutcome, failing, passing } from '../compliance-check.js';
import type { ComplianceState } from '../compliance-state.js';

/** The scheduled run's period plus an hour's grace (the job runs daily, its first run five minutes after start). */
export const retentionRunMaxAgeMs = 25 * 3600_000;

/**
 * Storage limitation: every object holding personal data (from the field catalogue) is covered by an
 * enabled retention rule, and the scheduled purge last finished within its period. Evidence: object
 * names, counts and the run's time — never a record.
 */
export function retentionRules(state: Pick<ComplianceState, 'retention' | 'now'>): CheckOutcome {
  const uncovered = uncoveredObjects(state.retention.rules);
  const last = state.retention.lastScheduledRunAt;
  const stale = !last || state.now.getTime() - Date.parse(last) > retentionRunMaxAgeMs;
  const evidence = {
    enabledRules: state.retention.rules.filter((r) => r.enabled).length,
    uncoveredObjects: uncovered,
    lastScheduledRunAt: last,
  };
  if (uncovered.length) return failing(`${uncovered.length} object(s) holding personal data have no enabled retention rule: ${uncovered.join(', ')}`, evidence);
  if (stale) return failing(last ? 'the last scheduled retention run finished more than a day ago' : 'no scheduled retention run has finished yet', evidence);
  return passing('every object holding personal data has an enabled retention rule and the scheduled run is current', evidence);
}
