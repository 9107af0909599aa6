import { ageDays, type CheckOutcome, failing, passing } from '../compliance-check.js';
import type { ComplianceState } from '../compliance-state.js';

export const maxBackupAgeDays = 1;
/** The rule: red after 8 days without a successful restore drill (drills run weekly by default). */
export const maxDrillAgeDays = 8;

/** A good backup (platform/backup) newer than a day; none recorded: failing, never passing. */
export function backupAge(state: Pick<ComplianceState, 'lastBackupAt' | 'now'>): CheckOutcome {
  if (!state.lastBackupAt) return failing('no backup recorded', { lastBackupAt: null, maxAgeDays: maxBackupAgeDays });
  const age = ageDays(state.lastBackupAt, state.now);
  const evidence = { lastBackupAt: state.lastBackupAt, ageDays: age, maxAgeDays: maxBackupAgeDays };
  return age <= maxBackupAgeDays ? passing(`the last backup is ${age} day(s) old`, evidence) : failing(`the last backup is ${age} day(s) old`, evidence);
}

/** A passed restore drill (castellan backup drill) within 8 days; none recorded: failing. */
export function restoreDrill(state: Pick<ComplianceState, 'lastRestoreDrillAt' | 'now'>): CheckOutcome {
  if (!state.lastRestoreDrillAt) return failing('no restore drill recorded', { lastRestoreDrillAt: null, maxAgeDays: maxDrillAgeDays });
  const age = ageDays(state.lastRestoreDrillAt, state.now);
  const evidence = { lastRestoreDrillAt: state.lastRestoreDrillAt, ageDays: age, maxAgeDays: maxDrillAgeDays };
  return age <= maxDrillAgeDays
    ? passing(`the last restore drill is ${age} day(s) old`, evidence)
    : failing(`the last restore drill is ${age} day(s) old`, evidence);
}
