import { type CheckOutcome, dayMs, failing, passing } from '../compliance-check.js';
import type { ComplianceState } from '../compliance-state.js';

/** No active account without a sign-in for the configured dormancy period (never signed in: since creation), as the dormant-accounts job counts. */
export function dormantAccounts(state: Pick<ComplianceState, 'accounts' | 'dormant' | 'now'>): CheckOutcome {
  const cutoff = state.now.getTime() - state.dormant.days * dayMs;
  const dormant = state.accounts
    .filter((a) => a.status === 'active' && Date.parse(a.lastLoginAt ?? a.createdAt) < cutoff)
    .map((a) => a.id)
    .sort();
  const evidence = { dormantDays: state.dormant.days, autoDisable: state.dormant.autoDisable, dormantAccounts: dormant.length, userIds: dormant };
  return dormant.length === 0
    ? passing(`no active account is dormant for ${state.dormant.days} days`, evidence)
    : failing(`${dormant.length} active account(s) have not signed in for ${state.dormant.days} days`, evidence);
}
