/**
 * One automated compliance check: its outcome from live state, the evidence for it (counts, role
 * names, record ids, setting values — never a personal value) and the controls it speaks to.
 */
export type CheckStatus = 'passing' | 'failing';

export type Framework = 'GDPR' | 'CCPA' | 'PIPL' | 'CSL' | 'MLPS3';

export interface Control {
  framework: Framework;
  /** The article or control identifier, e.g. `Art. 32(1)(a)` or `8.1.4.1 a)`. */
  id: string;
}

export type EvidenceValue = string | number | boolean | null | string[];
export type Evidence = Readonly<Record<string, EvidenceValue>>;

/** What a pure check answers: the status and its evidence (`reason` is an English sentence without personal values). */
export interface CheckOutcome {
  status: CheckStatus;
  reason: string;
  evidence: Evidence;
}

export const passing = (reason: string, evidence: Evidence): CheckOutcome => ({ status: 'passing', reason, evidence });
export const failing = (reason: string, evidence: Evidence): CheckOutcome => ({ status: 'failing', reason, evidence });

export const checkIds = [
  'mfa_coverage',
  'encryption_coverage',
  'audit_chain',
  'log_retention',
  'backup_age',
  'restore_drill',
  'overdue_requests',
  'consent_coverage',
  'dormant_accounts',
  'access_review',
  'separation_of_duties',
  'tls_settings',
  'training_coverage',
  'admin_password_policy',
  'key_rotation',
  'pipia_current',
  'transfer_register',
  'ropa_current',
  'retention_rules',
] as const;
export type CheckId = (typeof checkIds)[number];

export interface CheckResult extends CheckOutcome {
  id: CheckId;
  controls: Control[];
}

export const dayMs = 86_400_000;
export const ageDays = (from: string, now: Date): number => Math.floor((now.getTime() - Date.parse(from)) / dayMs);
