/**
 * The live state the checks read, gathered by platform/compliance/read-compliance-state.ts: ids,
 * role names, counts, timestamps and settings only — never a personal value.
 */
export interface StaffAccount {
  id: string;
  status: string;
  roles: readonly string[];
  /** A confirmed TOTP secret or at least one passkey. */
  hasSecondFactor: boolean;
  adminKnownCredential: boolean;
  mustChangePassword: boolean;
  passwordChangedAt: string | null;
  lastLoginAt: string | null;
  createdAt: string;
}

export interface RoleGrant {
  key: string;
  administrator: boolean;
  permissions: readonly string[];
}

/** The records of processing (platform/records/records-state.ts): activity keys, ids and codes only. */
export interface RecordsComplianceState {
  /** Activities that need a PIPIA (PIPL Art. 55) and the state of theirs. */
  requirements: readonly {
    activity: string;
    triggers: readonly string[];
    articles: readonly string[];
    pipiaId: string | null;
    state: 'missing' | 'draft' | 'outdated' | 'uncovered' | 'current';
  }[];
  transfers: readonly { id: string; status: string; crossBorder: boolean; mechanism: string | null; flags: readonly string[]; problems: readonly string[] }[];
  /** The latest RoPA version: outdated (classifications changed) or stale (its inputs changed since); null when none exists. */
  ropa: { latestNumber: number; outdated: boolean; stale: boolean } | null;
}

export interface ComplianceState {
  now: Date;
  accounts: readonly StaffAccount[];
  roles: readonly RoleGrant[];
  /** The first administrator may hold system + security until a second administrator exists. */
  bootstrapUserId: string | null;
  /** Personal columns the catalogue and the sealed-column registry expect: table, plaintext name, sealed name. */
  personalColumns: readonly { table: string; column: string; sealed: string }[];
  /** The live schema: table → its column names. */
  schema: ReadonlyMap<string, ReadonlySet<string>>;
  auditChain: { intact: boolean; events: number; checkpoints: number; problem: string | null };
  auditRetentionDays: number;
  /** No backup feature yet: both null until the backup issue records them. */
  lastBackupAt: string | null;
  lastRestoreDrillAt: string | null;
  /** Data-subject requests: id, status and due instant (null while unverified) — no requester value. */
  privacyRequests: readonly { id: string; status: string; dueAt: string | null }[];
  campaigns: readonly { id: string; status: string; purpose: string; channel: string }[];
  consents: readonly { contactId: string; purpose: string; channel: string; status: string; at: string; expiresAt: string | null; givenBy: string }[];
  dormant: { days: number; autoDisable: boolean };
  accessReviews: readonly { id: string; status: string; createdAt: string; dueAt: string; pending: number }[];
  tls: { minVersion: string; ciphers: string };
  passwordProfile: string;
  fieldKeys: readonly { version: number; status: string; createdAt: string }[];
  records: RecordsComplianceState;
  /** Retention rules (object and enabled flag) and when the last scheduled real run finished. */
  retention: { rules: readonly { object: string; enabled: boolean }[]; lastScheduledRunAt: string | null };
}
