import { fieldCatalogue, isProtected, type ObjectCatalogue, roleKeys } from '@castellan/shared';
import { sql } from 'kysely';
import type { ComplianceState } from '../../modules/compliance/compliance-state.js';
import { verifyAuditChain } from '../audit/verify-audit-chain.js';
import { currentRoleMatrix } from '../authz/role-matrix.js';
import { loadRoleMatrix } from '../authz/role-store.js';
import { subjectSealedColumns } from '../crypto/sealed-columns.js';
import { BOOTSTRAP_ADMIN_SETTING } from '../db/migrations/011-staff-credentials.js';
import type { Kernel } from '../kernel.js';
import { readRecordsState } from '../records/records-state.js';

/**
 * One snapshot of what the compliance checks read: ids, role names, counts, timestamps and settings
 * from the live database and configuration. No sealed column is selected and nothing is decrypted,
 * so no personal value can reach a check, its evidence or the report.
 */
export async function readComplianceState(kernel: Kernel, now = new Date()): Promise<ComplianceState> {
  const db = kernel.db.kysely;
  await loadRoleMatrix(db);
  const matrix = currentRoleMatrix();
  const users = await db
    .selectFrom('users')
    .select([
      'id',
      'status',
      'totp_secret_enc',
      'mfa_enrolled_at',
      'admin_known_credential',
      'must_change_password',
      'password_changed_at',
      'last_login_at',
      'created_at',
    ])
    .select((eb) => eb('totp_secret_enc', 'is not', null).as('has_totp'))
    .execute();
  const userRoles = await db.selectFrom('user_roles').select(['user_id', 'role_key']).execute();
  const passkeys = await db.selectFrom('webauthn_credentials').select('user_id').distinct().execute();
  const withPasskey = new Set(passkeys.map((p) => p.user_id));
  const rolesOf = new Map<string, string[]>();
  for (const r of userRoles) rolesOf.set(r.user_id, [...(rolesOf.get(r.user_id) ?? []), r.role_key]);
  const bootstrap = await db.selectFrom('settings').select('value').where('key', '=', BOOTSTRAP_ADMIN_SETTING).executeTakeFirst();
  const chain = await verifyAuditChain(kernel);
  // Domain tables (not in the kernel's typed schema): plain columns only, no sealed evidence.
  const campaigns = (
    await sql<{ id: string; status: string; purpose: string; channel: string }>`SELECT id, status, purpose, channel FROM campaigns`.execute(db)
  ).rows;
  const consents = (
    await sql<{ contact_id: string; purpose: string; channel: string; status: string; at: unknown; expires_at: unknown; given_by: string }>`
      SELECT contact_id, purpose, channel, status, at, expires_at, given_by FROM consents`.execute(db)
  ).rows;
  const requests = (await sql<{ id: string; status: string; due_at: unknown }>`SELECT id, status, due_at FROM privacy_requests`.execute(db)).rows;
  const reviews = await db.selectFrom('access_reviews').select(['id', 'status', 'created_at', 'due_at']).execute();
  const pending = await db
    .selectFrom('access_review_items')
    .select(['review_id', (eb) => eb.fn.countAll<number>().as('n')])
    .where('decision', '=', 'pending')
    .groupBy('review_id')
    .execute();
  const pendingOf = new Map(pending.map((p) => [p.review_id, Number(p.n)]));
  const retentionRules = (await sql<{ object: string; enabled: number }>`SELECT object, enabled FROM retention_rules`.execute(db)).rows;
  const lastRetention = (
    await sql<{
      finished_at: string | null;
    }>`SELECT max(finished_at) AS finished_at FROM retention_runs WHERE kind = 'scheduled' AND dry_run = 0 AND state = 'finished'`.execute(db)
  ).rows[0];
  const lastBackup = (await sql<{ at: string | null }>`SELECT max(finished_at) AS at FROM backup_runs WHERE status = 'good'`.execute(db)).rows[0];
  const lastDrill = (await sql<{ at: string | null }>`SELECT max(finished_at) AS at FROM backup_drills WHERE status = 'passed'`.execute(db)).rows[0];
  const keys = await db.selectFrom('data_keys').select(['version', 'status', 'created_at']).where('purpose', '=', 'field').execute();
  return {
    now,
    accounts: users.map((u) => ({
      id: u.id,
      status: u.status,
      roles: rolesOf.get(u.id) ?? [],
      hasSecondFactor: (u.totp_secret_enc !== null && u.mfa_enrolled_at !== null) || withPasskey.has(u.id),
      adminKnownCredential: Number(u.admin_known_credential) === 1,
      mustChangePassword: Number(u.must_change_password) === 1,
      passwordChangedAt: u.password_changed_at,
      lastLoginAt: u.last_login_at,
      createdAt: u.created_at,
    })),
    roles: roleKeys.map((key) => ({ key, administrator: matrix[key].administrator, permissions: matrix[key].permissions })),
    bootstrapUserId: bootstrap?.value ?? null,
    personalColumns: personalColumns(),
    schema: await liveSchema(kernel),
    auditChain: { intact: chain.intact, events: chain.events, checkpoints: chain.checkpoints, problem: chain.problem?.kind ?? null },
    auditRetentionDays: kernel.config.auditRetention.days,
    lastBackupAt: lastBackup?.at ?? null,
    lastRestoreDrillAt: lastDrill?.at ?? null,
    privacyRequests: requests.map((r) => ({ id: r.id, status: r.status, dueAt: r.due_at === null || r.due_at === undefined ? null : timestamp(r.due_at) })),
    campaigns: campaigns.map((c) => ({ id: c.id, status: c.status, purpose: c.purpose, channel: c.channel })),
    consents: consents.map((e) => ({
      contactId: e.contact_id,
      purpose: e.purpose,
      channel: e.channel,
      status: e.status,
      at: timestamp(e.at),
      expiresAt: e.expires_at === null || e.expires_at === undefined ? null : timestamp(e.expires_at),
      givenBy: e.given_by,
    })),
    dormant: kernel.config.dormant,
    accessReviews: reviews.map((r) => ({ id: r.id, status: r.status, createdAt: r.created_at, dueAt: r.due_at, pending: pendingOf.get(r.id) ?? 0 })),
    tls: kernel.config.tls.settings,
    passwordProfile: kernel.config.passwordProfile,
    fieldKeys: keys.map((k) => ({ version: Number(k.version), status: k.status, createdAt: k.created_at })),
    records: await readRecordsState(kernel),
    retention: {
      rules: retentionRules.map((r) => ({ object: r.object, enabled: Number(r.enabled) === 1 })),
      lastScheduledRunAt: lastRetention?.finished_at ?? null,
    },
  };
}

/** PostgreSQL answers timestamptz as a Date, SQLite as text. */
const timestamp = (v: unknown): string => (v instanceof Date ? v.toISOString() : String(v));

/** Every personal column the catalogue and the registry declare: its plaintext name and its sealed one. */
function personalColumns(): ComplianceState['personalColumns'] {
  const out = new Map<string, { table: string; column: string; sealed: string }>();
  for (const [table, fields] of Object.entries(fieldCatalogue as Record<string, ObjectCatalogue>)) {
    for (const spec of Object.values(fields)) {
      if (isProtected(spec)) out.set(`${table}.${spec.column}`, { table, column: spec.column, sealed: `${spec.column}_enc` });
    }
  }
  for (const c of subjectSealedColumns) out.set(`${c.table}.${c.aadColumn}`, { table: c.table, column: c.aadColumn, sealed: c.column });
  return [...out.values()];
}

/** The live schema's tables and their columns, on either database. */
async function liveSchema(kernel: Kernel): Promise<Map<string, Set<string>>> {
  const db = kernel.db.kysely;
  const schema = new Map<string, Set<string>>();
  const add = (table: string, column: string) => schema.set(table, (schema.get(table) ?? new Set()).add(column));
  if (kernel.db.dialect === 'sqlite') {
    const rows = await sql<{ t: string; c: string }>`
      SELECT m.name AS t, p.name AS c FROM sqlite_master m JOIN pragma_table_info(m.name) p
      WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%'`.execute(db);
    for (const r of rows.rows) add(r.t, r.c);
  } else {
    const rows = await sql<{ t: string; c: string }>`
      SELECT table_name AS t, column_name AS c FROM information_schema.columns WHERE table_schema = current_schema()`.execute(db);
    for (const r of rows.rows) add(r.t, r.c);
  }
  return schema;
}
