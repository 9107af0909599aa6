import type { Generated } from 'kysely';

/** Table types as Kysely sees them. Encrypted values are `Buffer` envelopes (see crypto/envelope.ts). */
export interface SettingsTable {
  key: string;
  value: string;
}

export interface DataKeysTable {
  purpose: string;
  version: number;
  suite: string;
  kek_id: string;
  wrapped: Buffer;
  status: string;
  created_at: string;
}

export interface DataSubjectsTable {
  id: string;
  key_version: number;
  wrapped_key: Buffer | null;
  created_at: string;
  erased_at: string | null;
}

export interface TeamsTable {
  id: string;
  name: string;
  created_at: string;
}

export interface UsersTable {
  id: string;
  subject_id: string;
  email_enc: Buffer;
  email_bidx: string;
  name_enc: Buffer;
  team_id: string | null;
  status: string;
  password_hash: string | null;
  must_change_password: number;
  created_at: string;
  updated_at: string;
  password_changed_at: string | null;
  totp_secret_enc: Buffer | null;
  totp_pending_enc: Buffer | null;
  totp_last_step: number | null;
  mfa_enrolled_at: string | null;
  last_login_at: string | null;
  disabled_at: string | null;
  manager_id: string | null;
  /** 1 while an administrator chose or saw the password and no enrolment link has replaced it. */
  admin_known_credential: Generated<number>;
}

export interface UserRolesTable {
  user_id: string;
  role_key: string;
}

export interface ApiTokensTable {
  id: string;
  user_id: string;
  token_hash: string;
  scopes: string;
  created_at: string;
  expires_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
  /** 'personal' (the user's own, made from a session with a fresh second factor) or 'integration' (the operator's CLI). */
  kind: Generated<string>;
  name: string | null;
  revoked_reason: string | null;
}

/** One-time enrolment links: the first password of an account an administrator must never know. */
export interface EnrolmentsTable {
  token_hash: string;
  user_id: string;
  created_at: string;
  expires_at: string;
  created_by: string | null;
  delivery: string;
  used_at: string | null;
  revoked_at: string | null;
}

export interface ContactsTable {
  id: string;
  subject_id: string;
  account_id: string | null;
  owner_id: string;
  team_id: string | null;
  name_enc: Buffer | null;
  email_enc: Buffer | null;
  phone_enc: Buffer | null;
  id_number_enc: Buffer | null;
  birth_date_enc: Buffer | null;
  address_enc: Buffer | null;
  wechat_id_enc: Buffer | null;
  job_title_enc: Buffer | null;
  email_bidx: string | null;
  phone_bidx: string | null;
  id_number_bidx: string | null;
  created_at: string;
  updated_at: string;
}

export interface NameTokensTable {
  table_name: string;
  row_id: string;
  digest: string;
}

export interface AccountsTable {
  id: string;
  name: string;
  kind: string;
  industry: string | null;
  website: string | null;
  country: string | null;
  owner_id: string;
  team_id: string | null;
  created_at: string;
  updated_at: string;
}

export interface AuditEventsTable {
  seq: Generated<number>;
  id: string;
  at: string;
  actor_kind: string;
  actor_id: string | null;
  action: string;
  outcome: string;
  resource: string | null;
  resource_id: string | null;
  subject_ids: string | null;
  fields: string | null;
  request_id: string | null;
  ip: string | null;
  user_agent: string | null;
  detail: string | null;
  prev_hash: string;
  hash: string;
  seal: string | null;
  /** Personal details of the event (IP, user agent, reveal note) sealed under the audit data key. */
  sealed_enc: Buffer | null;
}

export interface KeyRotationsTable {
  id: string;
  purpose: string;
  to_version: number;
  status: string;
  total: number;
  done: number;
  started_at: string;
  finished_at: string | null;
  lease_owner: string | null;
  lease_until: string | null;
}

export interface PasswordHistoryTable {
  user_id: string;
  hash: string;
  created_at: string;
}

export interface SessionsTable {
  id: string;
  token_hash: string;
  csrf_hash: string;
  user_id: string;
  kind: string;
  created_at: string;
  last_seen_at: string;
  expires_at: string;
  idle_seconds: number;
  mfa_at: string | null;
  /** The client's IP address and user agent, sealed together under the audit data key (sessions.ts). */
  client_enc: Buffer | null;
  revoked_at: string | null;
}

export interface MfaChallengesTable {
  id: string;
  user_id: string;
  created_at: string;
  expires_at: string;
  attempts: number;
  consumed_at: string | null;
}

export interface RecoveryCodesTable {
  user_id: string;
  code_hash: string;
  used_at: string | null;
}

export interface LoginThrottleTable {
  key: string;
  window_start: string;
  /** window_start + 1 hour (010); null only on rows older than it, which then start a new window. */
  window_end: string | null;
  failures: number;
  consecutive: number;
  locked_until: string | null;
}

export interface AccessReviewsTable {
  id: string;
  created_at: string;
  created_by: string | null;
  due_at: string;
  status: string;
  closed_at: string | null;
}

export interface AccessReviewItemsTable {
  review_id: string;
  user_id: string;
  reviewer_id: string | null;
  roles: string;
  decision: string;
  decided_at: string | null;
  decided_by: string | null;
}

export interface WebauthnCredentialsTable {
  id: string;
  user_id: string;
  public_key: Buffer;
  counter: number;
  transports: string | null;
  /** The name the staff member gave the passkey, sealed under their subject key; null: a label from created_at. */
  name_enc: Buffer | null;
  created_at: string;
  last_used_at: string | null;
}

export interface WebauthnChallengesTable {
  id: string;
  user_id: string;
  purpose: string;
  challenge: string;
  mfa_challenge_id: string | null;
  session_id: string | null;
  rp_id: string;
  origin: string;
  created_at: string;
  expires_at: string;
  consumed_at: string | null;
}

export interface OidcLoginsTable {
  state_hash: string;
  code_verifier_enc: Buffer;
  nonce: string;
  created_at: string;
  expires_at: string;
  consumed_at: string | null;
}

export interface OidcIdentitiesTable {
  issuer: string;
  subject: string;
  user_id: string;
  created_at: string;
  last_login_at: string | null;
  /** How the link was made: 'jit', 'password_and_factor', 'approval'; null for links made by e-mail alone before migration 013. */
  linked_via: string | null;
}

/** An IdP identity that claims an existing account (by e-mail) and waits for proof or a security administrator. */
export interface OidcPendingLinksTable {
  id: string;
  issuer: string;
  subject: string;
  user_id: string;
  /** SHA-256 of the link token the browser holds in a cookie (the proof path). */
  token_hash: string;
  created_at: string;
  /** Until when the user may prove the link with their password and second factor. */
  proof_expires_at: string;
  /** Until when a security administrator may approve it. */
  expires_at: string;
}

export interface PasswordResetsTable {
  token_hash: string;
  user_id: string | null;
  created_at: string;
  expires_at: string;
  used_at: string | null;
}

export interface RolesTable {
  key: string;
  permissions: string;
  scope: string;
  fields: string;
  updated_at: string;
  updated_by: string | null;
}

export interface AuditSubjectsTable {
  subject_id: string;
  seq: number;
}

export interface AuditCheckpointsTable {
  seq: number;
  hash: string;
  at: string;
  key_id: string;
  signature: string;
}

export interface AuditKeyRevocationsTable {
  key_id: string;
  version: number;
  revoked_at: string;
}

export interface SiemCursorsTable {
  name: string;
  last_seq: number;
  updated_at: string;
}

/** Searches by a field the user sees masked: one row per user and window ('minute' | 'day'). */
export interface SearchQuotaTable {
  user_id: string;
  span: string;
  /** The window's number: floor(epoch ms / window length). */
  bucket: number;
  used: number;
}

/** A create's idempotency key (migration 025): MACs of the key and the body, never a value. */
/** The breach register (migration 030). Sealed text under the audit data key; subjects by id only. */
export interface BreachesTable {
  id: string;
  discovered_at: string;
  occurred_at: string | null;
  grade_input: string;
  people_affected: number | string;
  categories: string;
  status: string;
  description_enc: Buffer | null;
  notes_enc: Buffer | null;
  gdpr_notified_at: string | null;
  cac_notified_at: string | null;
  subjects_notified_at: string | null;
  compromised_user_id: string | null;
  window_from: string | null;
  window_to: string | null;
  affected_count: number | null;
  affected_found_at: string | null;
  created_by: string | null;
  created_at: string;
  updated_at: string;
}

export interface BreachSubjectsTable {
  breach_id: string;
  subject_id: string;
}

export interface BreachEscalationsTable {
  breach_id: string;
  clock: string;
  percent: number;
  at: string;
  mailed: number;
}

/** The records of processing (migration 032): controller, RoPA versions, PIPIAs and their versions, transfers. */
export interface RecordsControllerTable {
  key: string;
  name: string;
  country: string;
  contact_enc: Buffer | null;
  dpo_enc: Buffer | null;
  revision: number;
  updated_at: string;
  updated_by: string | null;
}

export interface RopaVersionsTable {
  id: string;
  number: number;
  content: string;
  content_hash: string;
  catalogue_fingerprint: string;
  controller_enc: Buffer | null;
  created_at: string;
  created_by: string | null;
}

export interface PipiasTable {
  id: string;
  activity: string;
  created_at: string;
  created_by: string | null;
}

export interface PipiaVersionsTable {
  pipia_id: string;
  version: number;
  status: string;
  content: string;
  content_hash: string;
  catalogue_fingerprint: string;
  findings_enc: Buffer | null;
  created_at: string;
  created_by: string | null;
  approved_at: string | null;
  approved_by: string | null;
}

export interface TransfersTable {
  id: string;
  recipient: string;
  country: string;
  mechanism: string | null;
  categories: string;
  activity: string;
  subjects_per_year: number | string;
  start_date: string;
  pipia_id: string | null;
  status: string;
  created_at: string;
  created_by: string | null;
  updated_at: string;
}

export interface IdempotencyKeysTable {
  /** `user:<id>` or `token:<id>`. */
  actor: string;
  /** `POST /api/v1/<route pattern>`. */
  route: string;
  key_hash: string;
  body_hash: string;
  record_id: string;
  status: number;
  created_at: string;
  expires_at: string;
}

/** One step in a data-subject request's history (migration 026): append-only, no personal value. */
export interface PrivacyRequestEventsTable {
  id: string;
  request_id: string;
  at: string;
  actor_user_id: string | null;
  step: string;
  from_status: string | null;
  to_status: string | null;
  /** Non-personal JSON (a reminder stage, a new due day). */
  detail: string;
}

/** A request's identity-verification code (migration 026): keyed MACs only, attempts counted down atomically. */
export interface PrivacyRequestCodesTable {
  request_id: string;
  code_mac: string;
  expires_at: string;
  attempts_left: number;
  used_at: string | null;
  status_token_mac: string | null;
}

/** The privacy portal's consent sessions (migration 033): MACs and contact ids only, never the address. */
export interface PortalConsentSessionsTable {
  id: string;
  contact_ids: string;
  code_mac: string;
  expires_at: string;
  attempts_left: number;
  used_at: string | null;
  key_mac: string | null;
  key_expires_at: string | null;
  created_at: string;
}

export interface Database {
  settings: SettingsTable;
  data_keys: DataKeysTable;
  data_subjects: DataSubjectsTable;
  teams: TeamsTable;
  users: UsersTable;
  user_roles: UserRolesTable;
  api_tokens: ApiTokensTable;
  contacts: ContactsTable;
  name_tokens: NameTokensTable;
  accounts: AccountsTable;
  audit_events: AuditEventsTable;
  key_rotations: KeyRotationsTable;
  password_history: PasswordHistoryTable;
  sessions: SessionsTable;
  mfa_challenges: MfaChallengesTable;
  recovery_codes: RecoveryCodesTable;
  login_throttle: LoginThrottleTable;
  oidc_logins: OidcLoginsTable;
  oidc_identities: OidcIdentitiesTable;
  oidc_pending_links: OidcPendingLinksTable;
  webauthn_credentials: WebauthnCredentialsTable;
  webauthn_challenges: WebauthnChallengesTable;
  access_reviews: AccessReviewsTable;
  access_review_items: AccessReviewItemsTable;
  password_resets: PasswordResetsTable;
  roles: RolesTable;
  audit_subjects: AuditSubjectsTable;
  audit_checkpoints: AuditCheckpointsTable;
  audit_key_revocations: AuditKeyRevocationsTable;
  siem_cursors: SiemCursorsTable;
  enrolments: EnrolmentsTable;
  search_quota: SearchQuotaTable;
  idempotency_keys: IdempotencyKeysTable;
  breaches: BreachesTable;
  breach_subjects: BreachSubjectsTable;
  breach_escalations: BreachEscalationsTable;
  privacy_request_events: PrivacyRequestEventsTable;
  privacy_request_codes: PrivacyRequestCodesTable;
  portal_consent_sessions: PortalConsentSessionsTable;
  records_controller: RecordsControllerTable;
  ropa_versions: RopaVersionsTable;
  pipias: PipiasTable;
  pipia_versions: PipiaVersionsTable;
  transfers: TransfersTable;
}
