import { ageDays, type CheckOutcome, failing, passing } from '../compliance-check.js';
import type { ComplianceState } from '../compliance-state.js';

/** Maximum password age per profile (platform/identity/password-policy.ts: `cn-mlps3` rotates every 90 days). */
const maxAgeDays: Record<string, number | null> = { intl: null, 'cn-mlps3': 90 };

/**
 * Administrators' passwords: the policy profile is known, no active administrator still has a
 * password an administrator chose or saw (or one they must change), and under `cn-mlps3` none is
 * older than the maximum age.
 */
export function adminPasswordPolicy(state: Pick<ComplianceState, 'accounts' | 'roles' | 'passwordProfile' | 'now'>): CheckOutcome {
  const adminRoles = new Set(state.roles.filter((r) => r.administrator).map((r) => r.key));
  const admins = state.accounts.filter((a) => a.status === 'active' && a.roles.some((r) => adminRoles.has(r)));
  const maxAge = maxAgeDays[state.passwordProfile];
  const known = admins.filter((a) => a.adminKnownCredential || a.mustChangePassword).map((a) => a.id);
  const expired = maxAge == null ? [] : admins.filter((a) => a.passwordChangedAt && ageDays(a.passwordChangedAt, state.now) > maxAge).map((a) => a.id);
  const evidence = {
    profile: state.passwordProfile,
    maxAgeDays: maxAge ?? null,
    administrators: admins.length,
    credentialKnownToAnotherUserIds: known.sort(),
    passwordTooOldUserIds: expired.sort(),
  };
  if (maxAge === undefined) return failing(`unknown password profile ${state.passwordProfile}`, evidence);
  if (known.length > 0) return failing(`${known.length} administrator(s) still use a password chosen or seen by someone else`, evidence);
  if (expired.length > 0) return failing(`${expired.length} administrator password(s) are older than ${maxAge} days`, evidence);
  return passing(`administrator passwords follow the ${state.passwordProfile} profile`, evidence);
}
