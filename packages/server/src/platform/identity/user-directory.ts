import { isRoleKey, type RoleKey } from '@castellan/shared';
import type { RequestContext } from '../audit/audit-event.js';
import type { Actor } from '../authz/actor.js';
import { currentRoleMatrix } from '../authz/role-matrix.js';
import { isProtectedAccount } from '../authz/separation-of-duties.js';
import { blindIndex, normalizeEmail } from '../crypto/blind-index.js';
import { sealValue } from '../crypto/envelope.js';
import type { Keyring } from '../crypto/keyring.js';
import { newId, nowIso } from '../data/ids.js';
import { staffEmailForSystem } from '../data/staff-directory.js';
import { userEmailIndexBits } from '../data/table-plan.js';
import { conflict, unprocessable } from '../errors.js';
import type { AuditedTransaction, Kernel } from '../kernel.js';
import { endBootstrapPairIfNeeded, markBootstrapAdmin } from './bootstrap-admin.js';
import { hashPassword } from './password-hash.js';
import { checkPassword } from './password-policy.js';
import { assertAssignable } from './role-assignment.js';

/** Staff accounts. Staff e-mail and name are personal data: encrypted like any contact's. */
export interface NewUser {
  email: string;
  name: string;
  roles: string[];
  teamName?: string;
  password?: string;
  mustChangePassword?: boolean;
  /** Administrators may create an account first and have its roles granted separately. */
  allowNoRoles?: boolean;
  /** The user's manager (access reviews), set in the same transaction and named in the event. */
  managerId?: string;
  /** An administrator chose or was shown the password (see credential-handover.ts). */
  adminKnownCredential?: boolean;
  /** `castellan init` only: the first administrator, who may hold system_admin + security_admin. */
  bootstrapAdministrator?: boolean;
}

export interface UserRecord {
  id: string;
  subjectId: string;
  teamId: string | null;
  status: string;
  roles: RoleKey[];
}

export const userEmailIndex = (keyring: Keyring, email: string): string =>
  blindIndex(keyring.suite, keyring.blindIndexKey, 'users.email', normalizeEmail(email), userEmailIndexBits);

/** MFA is mandatory for every role that can read personal data or administer anything. */
export const mfaRequiredFor = (roles: readonly RoleKey[]): boolean => isProtectedAccount(roles, currentRoleMatrix());

export async function ensureTeam(tx: AuditedTransaction, actor: Actor, context: RequestContext, name: string): Promise<string> {
  const existing = await tx.trx.selectFrom('teams').select('id').where('name', '=', name).executeTakeFirst();
  if (existing) return existing.id;
  const id = newId();
  await tx.trx.insertInto('teams').values({ id, name, created_at: nowIso() }).execute();
  await tx.audit(actor, context, { action: 'team.created', outcome: 'success', resource: 'teams', resourceId: id });
  return id;
}

export async function createUser(kernel: Kernel, tx: AuditedTransaction, actor: Actor, context: RequestContext, input: NewUser): Promise<UserRecord> {
  const roles = [...new Set(input.roles.map((r) => r.trim()).filter(Boolean))];
  const unknown = roles.filter((r) => !isRoleKey(r));
  if ((roles.length === 0 && !input.allowNoRoles) || unknown.length > 0) throw unprocessable(`unknown role ${unknown.join(', ') || '(none given)'}`);
  let normalized: string;
  try {
    normalized = normalizeEmail(input.email);
  } catch {
    throw unprocessable('the e-mail address is not valid');
  }
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]{2,}$/.test(normalized)) throw unprocessable('the e-mail address is not valid');
  if (!input.name.trim()) throw unprocessable('the name must not be empty');
  if (input.password !== undefined) {
    const problems = await checkPassword(kernel.config.passwordProfile, input.password, { email: normalized, name: input.name });
    if (problems.length > 0)
      throw unprocessable(
        `the password is not acceptable: ${problems.map((p) => p.message).join(' ')}`,
        problems.map((p) => p.code),
      );
  }
  await assertAssignable(kernel, tx.trx, null, roles as RoleKey[], { bootstrap: input.bootstrapAdministrator });
  if (input.managerId && !(await tx.trx.selectFrom('users').select('id').where('id', '=', input.managerId).executeTakeFirst()))
    throw unprocessable('managerId does not name a user');
  const emailIndex = userEmailIndex(kernel.keyring, normalized);
  const taken = await tx.trx.selectFrom('users').select('id').where('email_bidx', '=', emailIndex).executeTakeFirst();
  if (taken) throw conflict('a user with this e-mail address exists');
  const teamId = input.teamName ? await ensureTeam(tx, actor, context, input.teamName.trim()) : null;
  const id = newId();
  const subjectId = newId();
  const subject = kernel.keyring.newSubjectKey(subjectId);
  const now = nowIso();
  const passwordHash = input.password === undefined ? null : await hashPassword(input.password);
  await tx.trx
    .insertInto('data_subjects')
    .values({ id: subjectId, key_version: subject.version, wrapped_key: subject.wrapped, created_at: now, erased_at: null })
    .execute();
  const seal = (column: string, value: string) => sealValue(kernel.suite, subject.key, subject.version, value, { table: 'users', column, rowId: id });
  await tx.trx
    .insertInto('users')
    .values({
      id,
      subject_id: subjectId,
      email_enc: seal('email', normalized),
      email_bidx: emailIndex,
      name_enc: seal('name', input.name.trim()),
      team_id: teamId,
      status: 'active',
      password_hash: passwordHash,
      password_changed_at: passwordHash ? now : null,
      must_change_password: input.mustChangePassword ? 1 : 0,
      admin_known_credential: input.adminKnownCredential ? 1 : 0,
      manager_id: input.managerId ?? null,
      created_at: now,
      updated_at: now,
    })
    .execute();
  if (roles.length)
    await tx.trx
      .insertInto('user_roles')
      .values(roles.map((role_key) => ({ user_id: id, role_key })))
      .execute();
  if (passwordHash) await tx.trx.insertInto('password_history').values({ user_id: id, hash: passwordHash, created_at: now }).execute();
  await tx.audit(actor, context, {
    action: 'user.created',
    outcome: 'success',
    resource: 'users',
    resourceId: id,
    subjectIds: [subjectId],
    detail: { roles, teamId, managerId: input.managerId ?? null, credential: passwordHash ? 'password' : 'enrolment_link' },
  });
  if (input.bootstrapAdministrator) await markBootstrapAdmin(tx.trx, id);
  else await endBootstrapPairIfNeeded(kernel, tx, actor, context, id, roles as RoleKey[]);
  return { id, subjectId, teamId, status: 'active', roles: roles as RoleKey[] };
}

/** Finds an active or disabled user by e-mail through the blind index (no plaintext lookup exists). */
export async function findUserByEmail(kernel: Kernel, email: string): Promise<UserRecord | undefined> {
  let index: string;
  try {
    index = userEmailIndex(kernel.keyring, email);
  } catch {
    return undefined;
  }
  const row = await kernel.db.kysely.selectFrom('users').select(['id', 'subject_id', 'team_id', 'status']).where('email_bidx', '=', index).executeTakeFirst();
  if (!row) return undefined;
  return { id: row.id, subjectId: row.subject_id, teamId: row.team_id, status: row.status, roles: await rolesOf(kernel, row.id) };
}

export async function rolesOf(kernel: Kernel, userId: string): Promise<RoleKey[]> {
  const rows = await kernel.db.kysely.selectFrom('user_roles').select('role_key').where('user_id', '=', userId).execute();
  return rows.map((r) => r.role_key).filter(isRoleKey);
}

/**
 * A staff member's e-mail address for a system use (mail to them, their authenticator's label, the
 * check that a new password does not contain it): read through the staff directory and audited as a
 * read by a named system actor. Runs its own transaction: do not call it inside another one.
 */
export async function userEmail(kernel: Kernel, userId: string): Promise<string | undefined> {
  return staffEmailForSystem(kernel, userId, 'mail, sign-in labels and password checks');
}
