import { accessReview } from './checks/access-review.check.js';
import { adminPasswordPolicy } from './checks/admin-password-policy.check.js';
import { auditChain, logRetention } from './checks/audit-chain.check.js';
import { backupAge, restoreDrill } from './checks/backup.check.js';
import { consentCoverage } from './checks/consent-coverage.check.js';
import { dormantAccounts } from './checks/dormant-accounts.check.js';
import { encryptionCoverage } from './checks/encryption-coverage.check.js';
import { keyRotation } from './checks/key-rotation.check.js';
import { mfaCoverage } from './checks/mfa-coverage.check.js';
import { overdueRequests } from './checks/overdue-requests.check.js';
import { pipiaCurrent } from './checks/pipia-current.check.js';
import { retentionRules } from './checks/retention-rules.check.js';
import { ropaCurrent } from './checks/ropa-current.check.js';
import { separationOfDuties } from './checks/separation-of-duties.check.js';
import { tlsSettings } from './checks/tls-settings.check.js';
import { trainingCoverage } from './checks/training-coverage.check.js';
import { transferRegister } from './checks/transfer-register.check.js';
import type { CheckId, CheckOutcome, CheckResult } from './compliance-check.js';
import { controlsOf } from './compliance-controls.js';
import type { ComplianceState } from './compliance-state.js';

const rules: Readonly<Record<CheckId, (state: ComplianceState) => CheckOutcome>> = {
  mfa_coverage: mfaCoverage,
  encryption_coverage: encryptionCoverage,
  audit_chain: auditChain,
  log_retention: logRetention,
  backup_age: backupAge,
  restore_drill: restoreDrill,
  overdue_requests: overdueRequests,
  consent_coverage: consentCoverage,
  dormant_accounts: dormantAccounts,
  access_review: accessReview,
  separation_of_duties: separationOfDuties,
  tls_settings: tlsSettings,
  training_coverage: trainingCoverage,
  admin_password_policy: adminPasswordPolicy,
  key_rotation: keyRotation,
  pipia_current: pipiaCurrent,
  transfer_register: transferRegister,
  ropa_current: ropaCurrent,
  retention_rules: retentionRules,
};

/** Every check over one snapshot of the live state, each with the controls it maps to. */
export function evaluateChecks(state: ComplianceState): CheckResult[] {
  return (Object.keys(rules) as CheckId[]).map((id) => ({ id, ...rules[id](state), controls: [...controlsOf[id]] }));
}
