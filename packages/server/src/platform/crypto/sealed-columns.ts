import { fieldCatalogue, isProtected, type ObjectCatalogue } from '@castellan/shared';

/**
 * THE registry of encrypted columns. Every column sealed under a data subject's key is listed in
 * `subjectSealedColumns`; key rotation re-encrypts exactly these, erasure shreds the key they depend
 * on, and DSAR export and backup read the same list. Columns sealed under another key, and binary
 * columns that are not sealed values at all, are listed with the reason in `otherBinaryColumns`.
 * `test/medium/sealed-columns.test.ts` walks the live schema on both databases and fails when a
 * binary or `*_enc` column is in neither list — so a new secret cannot silently miss rotation.
 */
/**
 * How a row leads to its data subject when it has no `subject_id` of its own: its `column` names a row
 * of `table` (by `id`), and that row's `subject_id` names the subject.
 */
export interface SubjectVia {
  readonly column: string;
  readonly table: string;
}

export interface SubjectSealedColumn {
  /** Table holding the column; each row names its data subject in `subject_id`, or through `subjectVia`. */
  readonly table: string;
  /** The stored column (an envelope, see envelope.ts). */
  readonly column: string;
  /** The column name bound into the AAD (`table \0 aadColumn \0 rowId`). */
  readonly aadColumn: string;
  /** The field-catalogue field this column stores, when it is one. */
  readonly field?: string;
  /** What the value is, for the record of processing and DSAR export. */
  readonly description: string;
  /** Set when the table has no `subject_id`: the row's subject is found through another table. */
  readonly subjectVia?: SubjectVia;
}

/** Sealed under a subject key but not a catalogue field: credentials and other per-person secrets. */
const subjectSecrets: readonly SubjectSealedColumn[] = [
  { table: 'users', column: 'totp_secret_enc', aadColumn: 'totp_secret', description: 'TOTP shared secret of a staff member' },
  { table: 'users', column: 'totp_pending_enc', aadColumn: 'totp_pending', description: 'TOTP secret of an enrolment not yet confirmed' },
  {
    table: 'webauthn_credentials',
    column: 'name_enc',
    aadColumn: 'name',
    description: 'name a staff member gave their passkey (free text)',
    subjectVia: { column: 'user_id', table: 'users' },
  },
  {
    table: 'custom_values',
    column: 'value_enc',
    aadColumn: 'value',
    description:
      "value of a personal or sensitive custom field (custom_fields) of a store record, sealed under the record's data subject key; the row id `<field id>:<record id>` is bound into the AAD",
  },
];

function catalogueColumns(): SubjectSealedColumn[] {
  const out: SubjectSealedColumn[] = [];
  for (const [table, fields] of Object.entries(fieldCatalogue as Record<string, ObjectCatalogue>)) {
    for (const [field, spec] of Object.entries(fields)) {
      if (isProtected(spec)) out.push({ table, column: `${spec.column}_enc`, aadColumn: spec.column, field, description: spec.description });
    }
  }
  return out;
}

export const subjectSealedColumns: readonly SubjectSealedColumn[] = [...catalogueColumns(), ...subjectSecrets];

/** Tables holding subject-sealed columns, each with its columns (rotation walks these). */
export function subjectSealedTables(): Map<string, SubjectSealedColumn[]> {
  const tables = new Map<string, SubjectSealedColumn[]>();
  for (const column of subjectSealedColumns) tables.set(column.table, [...(tables.get(column.table) ?? []), column]);
  return tables;
}

/** How the rows of a registered table name their subject: through `subjectVia`, or (undefined) their own `subject_id`. */
export function subjectViaOf(table: string): SubjectVia | undefined {
  const columns = subjectSealedColumns.filter((c) => c.table === table);
  const via = columns[0]?.subjectVia;
  const same = (v: SubjectVia | undefined) => v?.column === via?.column && v?.table === via?.table;
  if (!columns.every((c) => same(c.subjectVia))) throw new Error(`${table}: every registered column must name its subject the same way`);
  return via;
}

export function subjectSealedColumn(table: string, aadColumn: string): SubjectSealedColumn {
  const found = subjectSealedColumns.find((c) => c.table === table && c.aadColumn === aadColumn);
  if (!found) throw new Error(`${table}.${aadColumn} is not in the sealed-column registry`);
  return found;
}

export type OtherKey = 'master_key' | 'field_data_key' | 'oidc_state' | 'audit_key' | 'passphrase' | 'not_sealed';

export interface OtherBinaryColumn {
  readonly table: string;
  readonly column: string;
  readonly key: OtherKey;
  readonly reason: string;
}

/** Binary or `_enc` columns that are not under a subject key, and why each needs no subject-key handling. */
export const otherBinaryColumns: readonly OtherBinaryColumn[] = [
  { table: 'data_keys', column: 'wrapped', key: 'master_key', reason: 'data keys, wrapped by the master key (KEK)' },
  { table: 'data_subjects', column: 'wrapped_key', key: 'field_data_key', reason: 'per-person keys, wrapped by a field data key version' },
  {
    table: 'oidc_logins',
    column: 'code_verifier_enc',
    key: 'oidc_state',
    reason: 'PKCE verifier of a sign-in attempt, sealed under a key derived from its state; lives 10 minutes, no person',
  },
  { table: 'webauthn_credentials', column: 'public_key', key: 'not_sealed', reason: 'a passkey public key: not secret' },
  {
    table: 'import_jobs',
    column: 'spool_key',
    key: 'field_data_key',
    reason:
      'the key of an uploaded import file spooled (encrypted) on disk until the import ends, wrapped by a field data key version like a subject key; the spool and this key are deleted when the job ends, so a rotation that retires the version fails only a job still pending',
  },
  {
    table: 'audit_events',
    column: 'sealed_enc',
    key: 'audit_key',
    reason:
      "an event's staff IP address, user agent and reveal note, sealed under the audit data key (audit_detail): staff data and staff-typed text that must outlive a subject's erasure as long as the audit trail is kept; readable with audit.personal",
  },
  {
    table: 'breaches',
    column: 'description_enc',
    key: 'audit_key',
    reason:
      "an incident's description, free text typed by staff, sealed under the audit data key bound to its row: the breach register, like the audit trail, outlives any one subject's erasure; opened with breaches.personal",
  },
  {
    table: 'breaches',
    column: 'notes_enc',
    key: 'audit_key',
    reason: "an incident's notes, free text typed by staff, sealed like its description",
  },
  {
    table: 'records_controller',
    column: 'contact_enc',
    key: 'audit_key',
    reason:
      "the controller's contact details (they may name a person), sealed under the audit data key bound to its row: the records of processing are kept at least three years (PIPL Art. 56); opened with records.manage",
  },
  {
    table: 'records_controller',
    column: 'dpo_enc',
    key: 'audit_key',
    reason: 'the data protection officer (个人信息保护负责人) and how to reach them, sealed like the contact',
  },
  {
    table: 'ropa_versions',
    column: 'controller_enc',
    key: 'audit_key',
    reason: "the controller's contact and DPO as they were when a RoPA version was generated, sealed with the version (which never changes)",
  },
  {
    table: 'pipia_versions',
    column: 'findings_enc',
    key: 'audit_key',
    reason:
      "an assessor's findings in an impact assessment version, free text typed by staff, sealed under the audit data key bound to the assessment and version; kept at least three years (PIPL Art. 56); opened with records.manage, never shown to the auditor",
  },
  {
    table: 'sessions',
    column: 'client_enc',
    key: 'audit_key',
    reason:
      "the IP address and user agent a staff member's session was opened from, sealed under the audit data key (audit_detail) like the same details of audit events (whose keyed pseudonyms correlate with them); written at every sign-in, where locking a subject key would serialise sign-ins with rotation; opened only for the session's owner; the row goes with its user (ON DELETE CASCADE)",
  },
  {
    table: 'subject_legal_holds',
    column: 'note_enc',
    key: 'audit_key',
    reason:
      "a privacy officer's note on why a record is under legal hold (staff-typed text), sealed under the audit data key: it must outlive the subject's erasure, as the hold does",
  },
  {
    table: 'access_packages',
    column: 'package_enc',
    key: 'passphrase',
    reason:
      'an access / portability package, AES-256-GCM under a key derived by scrypt from a passphrase shown once to the officer (never stored); deleted when the subject is erased, unreadable without the passphrase',
  },
];
