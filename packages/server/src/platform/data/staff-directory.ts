import { applyMask, type FieldAccess } from '@castellan/shared';
import { noRequest, type RequestContext } from '../audit/audit-event.js';
import { can, fieldAccess } from '../authz/access-policy.js';
import type { Actor } from '../authz/actor.js';
import { forbidden, notFound } from '../errors.js';
import type { AuditedTransaction, Kernel } from '../kernel.js';
import { asSystem } from './as-system.js';
import { decodePersonalValues } from './record-codec.js';
import { tablePlan } from './table-plan.js';

/**
 * The door to staff personal data (the `users` object of the field catalogue), beside the protected
 * store and sharing its rules: field access from the role matrix (`users` field rules; one's own
 * profile is always readable), decryption of readable and masked fields only (record-codec), masks
 * from the catalogue, and the read event in the same transaction as the read. Staff are data subjects
 * too: nothing else in the server decrypts a staff member's e-mail or name.
 */
export interface StaffRecord {
  id: string;
  /** Absent when hidden from the reader; masked when `maskedFields` names it; null when erased. */
  email?: string | null;
  name?: string | null;
  teamId: string | null;
  managerId: string | null;
  status: string;
  mfaEnrolled: boolean;
  lastLoginAt: string | null;
  createdAt: string;
  maskedFields: string[];
}

export interface StaffQuery {
  limit: number;
  cursor?: string;
  status?: string;
  teamId?: string;
}

const columns = [
  'users.id',
  'users.subject_id',
  'users.email_enc',
  'users.name_enc',
  'users.team_id',
  'users.manager_id',
  'users.status',
  'users.mfa_enrolled_at',
  'users.last_login_at',
  'users.created_at',
  'data_subjects.key_version',
  'data_subjects.wrapped_key',
] as const;

const select = (tx: AuditedTransaction) =>
  tx.trx
    .selectFrom('users')
    .innerJoin('data_subjects', 'data_subjects.id', 'users.subject_id')
    .select([...columns]);
type StaffRow = Awaited<ReturnType<ReturnType<typeof select>['executeTakeFirstOrThrow']>>;

/** What `actor` sees of one field of staff member `userId`: their own profile in full, else the field rules. */
export function staffFieldAccess(actor: Actor, userId: string, field: string): FieldAccess {
  if (actor.kind !== 'system' && actor.userId !== null && actor.userId === userId) return 'readable';
  return fieldAccess(actor, 'users', field);
}

interface PresentOptions {
  /** Only these personal fields (default: all of the catalogue's). */
  fields?: readonly string[];
  detail?: Record<string, unknown>;
}

/** Decrypts what the actor may see of each row, masks, and appends one read event in `tx`. */
async function present(kernel: Kernel, tx: AuditedTransaction, actor: Actor, context: RequestContext, rows: StaffRow[], options: PresentOptions = {}) {
  const plan = tablePlan('users');
  const wanted = plan.encrypted.filter((f) => !options.fields || options.fields.includes(f.name));
  const subjects = new Set<string>();
  const fieldsRead = new Set<string>();
  const records = rows.map((row): StaffRecord => {
    const access = new Map(wanted.map((f) => [f.name, staffFieldAccess(actor, row.id, f.name)]));
    const visible = wanted.filter((f) => access.get(f.name) !== 'hidden');
    const key = visible.length && row.wrapped_key ? kernel.keyring.subjectKey(row.subject_id, row.key_version, Buffer.from(row.wrapped_key)) : undefined;
    const values = key ? decodePersonalValues(kernel.suite, plan, row, key, visible) : {};
    if (key) {
      subjects.add(row.subject_id);
      for (const f of visible) fieldsRead.add(f.name);
    }
    const record: StaffRecord = {
      id: row.id,
      teamId: row.team_id,
      managerId: row.manager_id,
      status: row.status,
      mfaEnrolled: row.mfa_enrolled_at !== null,
      lastLoginAt: row.last_login_at,
      createdAt: row.created_at,
      maskedFields: [],
    };
    for (const field of visible) {
      const value = values[field.name] ?? null;
      const name = field.name as 'email' | 'name';
      if (access.get(field.name) === 'masked' && field.spec.mask) {
        record[name] = value === null ? null : applyMask(field.spec.mask, value);
        record.maskedFields.push(field.name);
      } else record[name] = value;
    }
    return record;
  });
  if (subjects.size > 0) {
    await tx.audit(actor, context, {
      action: 'personal_data.read',
      outcome: 'success',
      resource: 'users',
      resourceId: rows.length === 1 ? rows[0]?.id : undefined,
      subjectIds: [...subjects],
      fields: [...fieldsRead],
      detail: rows.length > 1 ? { count: rows.length, ...options.detail } : options.detail,
    });
  }
  return records;
}

/** The staff directory for holders of users.read: one page, filtered by status and team. */
export async function listStaff(kernel: Kernel, actor: Actor, context: RequestContext, query: StaffQuery) {
  if (!can(actor, 'users.read')) throw forbidden('missing permission users.read');
  return kernel.transaction(async (tx) => {
    let q = select(tx)
      .orderBy('users.id')
      .limit(query.limit + 1);
    if (query.cursor) q = q.where('users.id', '>', query.cursor);
    if (query.status) q = q.where('users.status', '=', query.status);
    if (query.teamId) q = q.where('users.team_id', '=', query.teamId);
    const rows = await q.execute();
    const page = rows.slice(0, query.limit);
    const items = await present(kernel, tx, actor, context, page);
    return { items, nextCursor: rows.length > query.limit ? (page.at(-1)?.id ?? null) : null };
  });
}

/**
 * One staff member as `actor` may see them, inside the caller's transaction (after a change the
 * caller was allowed to make, or for a holder of users.read). Unknown id: 404.
 */
export async function readStaffMember(kernel: Kernel, tx: AuditedTransaction, actor: Actor, context: RequestContext, id: string): Promise<StaffRecord> {
  const row = await select(tx).where('users.id', '=', id).executeTakeFirst();
  if (!row) throw notFound('user');
  const [record] = await present(kernel, tx, actor, context, [row], { detail: actor.userId === id ? { self: true } : undefined });
  return record as StaffRecord;
}

export async function getStaff(kernel: Kernel, actor: Actor, context: RequestContext, id: string): Promise<StaffRecord> {
  if (!can(actor, 'users.read')) throw forbidden('missing permission users.read');
  return kernel.transaction((tx) => readStaffMember(kernel, tx, actor, context, id));
}

/**
 * A staff member's e-mail address and/or name for a system use (sending them mail, labelling their
 * authenticator, checking a new password contains neither): an audited read by a named system actor.
 */
export async function staffValuesForSystem(
  kernel: Kernel,
  userId: string,
  use: string,
  fields: readonly ('email' | 'name')[],
): Promise<{ email?: string; name?: string } | undefined> {
  const actor = asSystem(`staff ${fields.map((f) => (f === 'email' ? 'e-mail' : f)).join(' and ')} for ${use}`);
  return kernel.transaction(async (tx) => {
    const row = await select(tx).where('users.id', '=', userId).executeTakeFirst();
    if (!row?.wrapped_key) return undefined;
    const [record] = await present(kernel, tx, actor, noRequest, [row], { fields: [...fields] });
    return { email: record?.email ?? undefined, name: record?.name ?? undefined };
  });
}

export async function staffEmailForSystem(kernel: Kernel, userId: string, use: string): Promise<string | undefined> {
  return (await staffValuesForSystem(kernel, userId, use, ['email']))?.email;
}
