import { randomBytes } from 'node:crypto';
import { isRoleKey, type RoleKey } from '@castellan/shared';
import type { RequestContext } from '../audit/audit-event.js';
import { can } from '../authz/access-policy.js';
import type { Actor } from '../authz/actor.js';
import { currentRoleMatrix } from '../authz/role-matrix.js';
import { isProtectedAccount } from '../authz/separation-of-duties.js';
import { sealValue } from '../crypto/envelope.js';
import type { WithinCreate } from '../data/idempotency-keys.js';
import { nowIso } from '../data/ids.js';
import { getStaff, listStaff, readStaffMember, type StaffQuery, type StaffRecord } from '../data/staff-directory.js';
import { lockSubjectKey } from '../data/subject-keys.js';
import { AppError, conflict, forbidden, notFound, unprocessable } from '../errors.js';
import type { Kernel } from '../kernel.js';
import type { Mailer } from '../notify/mailer.js';
import { afterRolesChanged, disableAccount } from './account-lifecycle.js';
import { endBootstrapPairIfNeeded, rolesIn } from './bootstrap-admin.js';
import { type Handover, secureHandover } from './credential-handover.js';
import { type Invitation, issueEnrolment, mailInvitation } from './enrolment-links.js';
import { assertAssignable } from './role-assignment.js';
import { hasFreshSecondFactor, requireFreshSecondFactor } from './second-factor.js';
import { revokeUserSessions } from './sessions.js';
import { createUser, ensureTeam } from './user-directory.js';

/**
 * Administration of staff accounts. 等保 三员分立: the system administrator (users.manage) creates,
 * edits and disables accounts; only the security administrator (roles.assign) grants or removes roles,
 * after a fresh second factor, and never their own; no user may end up holding two administrator
 * duties, or one and a permission on personal data. An administrator never learns a working
 * credential of an account that administers or can read personal data: it is activated by a one-time
 * enrolment link sent to the person. Disabling an account ends its sessions and revokes its tokens.
 * Staff e-mail and names are read through the staff directory (field rules, masks, read events).
 */
export interface UserView extends StaffRecord {
  roles: string[];
}

/** How a protected account is activated: whether the link was e-mailed, and until when it is valid. */
export interface EnrolmentOutcome {
  mailed: boolean;
  expiresAt: string | null;
}

async function rolesByUser(kernel: Kernel, ids: string[]): Promise<Map<string, string[]>> {
  const map = new Map<string, string[]>(ids.map((id) => [id, []]));
  if (ids.length === 0) return map;
  const rows = await kernel.db.kysely.selectFrom('user_roles').select(['user_id', 'role_key']).where('user_id', 'in', ids).execute();
  for (const r of rows) map.get(r.user_id)?.push(r.role_key);
  return map;
}

/** Staff directory for administrators; what each sees of e-mail and names follows the `users` field rules. */
export async function listUsers(kernel: Kernel, actor: Actor, context: RequestContext, query: StaffQuery) {
  const page = await listStaff(kernel, actor, context, query);
  const roles = await rolesByUser(
    kernel,
    page.items.map((u) => u.id),
  );
  return { items: page.items.map((u): UserView => ({ ...u, roles: roles.get(u.id) ?? [] })), nextCursor: page.nextCursor };
}

export async function getUser(kernel: Kernel, actor: Actor, context: RequestContext, id: string): Promise<UserView> {
  const user = await getStaff(kernel, actor, context, id);
  return { ...user, roles: (await rolesByUser(kernel, [id])).get(id) ?? [] };
}

/** Granting or removing roles: security administrator only, never on oneself, after a fresh second factor. */
function checkRoleChange(actor: Actor, targetUserId: string | null, roles: string[]): RoleKey[] {
  const unknown = roles.filter((r) => !isRoleKey(r));
  if (unknown.length) throw unprocessable(`unknown role ${unknown.join(', ')}`);
  if (!can(actor, 'roles.assign')) throw forbidden('granting roles needs the security administrator (roles.assign)');
  if (targetUserId && targetUserId === actor.userId) throw forbidden('nobody may change their own roles');
  if (actor.kind !== 'system') requireFreshSecondFactor(actor, 'changing roles');
  return [...new Set(roles)] as RoleKey[];
}

const generateOneTimePassword = (): string => `${randomBytes(12).toString('base64url')}Aa7`;

async function deliver(kernel: Kernel, mailer: Mailer, invitation: Invitation | undefined): Promise<EnrolmentOutcome> {
  return { mailed: invitation ? await mailInvitation(kernel, mailer, invitation) : false, expiresAt: invitation?.expiresAt ?? null };
}

/**
 * A new account. One that administers or can read personal data gets no password from the
 * administrator: an enrolment link is e-mailed to the person (`enrolment`; when SMTP is not configured
 * the operator prints one with `castellan user invite`). Any other account gets the password given, or
 * a one-time password returned once; either must be changed at first sign-in.
 */
export async function createUserByAdmin(
  kernel: Kernel,
  mailer: Mailer,
  actor: Actor,
  context: RequestContext,
  input: { email: string; name: string; roles: string[]; team?: string; managerId?: string; password?: string },
  within?: WithinCreate,
): Promise<{ user: UserView; oneTimePassword?: string; enrolment?: EnrolmentOutcome }> {
  const roles = input.roles.length ? checkRoleChange(actor, null, input.roles) : [];
  const linkOnly = isProtectedAccount(roles, currentRoleMatrix());
  if (linkOnly && input.password !== undefined)
    throw unprocessable(
      'an administrator may not choose the password of an account that administers or can read personal data; it is activated by a one-time enrolment link sent to the person',
    );
  const oneTimePassword = !linkOnly && input.password === undefined ? generateOneTimePassword() : undefined;
  const { user, invitation } = await kernel.transaction(async (tx) => {
    const created = await createUser(kernel, tx, actor, context, {
      email: input.email,
      name: input.name,
      roles,
      teamName: input.team,
      managerId: input.managerId,
      password: linkOnly ? undefined : (input.password ?? oneTimePassword),
      mustChangePassword: !linkOnly,
      adminKnownCredential: !linkOnly,
      allowNoRoles: true,
    });
    await within?.(tx, created.id);
    const invitation = linkOnly && mailer.configured ? await issueEnrolment(kernel, tx, actor, context, created.id, 'email') : undefined;
    return { user: { ...(await readStaffMember(kernel, tx, actor, context, created.id)), roles: created.roles }, invitation };
  });
  return { user, oneTimePassword, enrolment: linkOnly ? await deliver(kernel, mailer, invitation) : undefined };
}

/** A new enrolment link e-mailed to the person (older links stop working); never shown to the caller. */
export async function resendEnrolment(kernel: Kernel, mailer: Mailer, actor: Actor, context: RequestContext, id: string): Promise<EnrolmentOutcome> {
  if (!can(actor, 'users.manage')) throw forbidden('missing permission users.manage');
  if (!mailer.configured) throw conflict('SMTP is not configured (CASTELLAN_SMTP_URL): the operator prints a link with castellan user invite --email E');
  const invitation = await kernel.transaction(async (tx) => {
    const user = await tx.trx.selectFrom('users').select(['status']).where('id', '=', id).executeTakeFirst();
    if (!user) throw notFound('user');
    if (user.status !== 'active') throw conflict('the account is disabled');
    return issueEnrolment(kernel, tx, actor, context, id, 'email');
  });
  return deliver(kernel, mailer, invitation);
}

export interface UserPatch {
  name?: string;
  team?: string | null;
  managerId?: string | null;
  status?: 'active' | 'disabled';
  roles?: string[];
}

export async function updateUser(
  kernel: Kernel,
  mailer: Mailer,
  actor: Actor,
  context: RequestContext,
  id: string,
  patch: UserPatch,
): Promise<UserView & { enrolment?: EnrolmentOutcome }> {
  if (!can(actor, 'users.manage') && !can(actor, 'roles.assign')) throw forbidden('missing permission users.manage or roles.assign');
  const exists = await kernel.db.kysely.selectFrom('users').select(['id']).where('id', '=', id).executeTakeFirst();
  if (!exists) throw notFound('user');
  const administrative = ['name', 'team', 'managerId', 'status'].some((k) => k in patch);
  if (administrative && !can(actor, 'users.manage')) throw forbidden('missing permission users.manage');
  if (administrative && id === actor.userId && ('status' in patch || 'team' in patch || 'managerId' in patch))
    throw forbidden('nobody may change their own team, manager or status');
  const roles = patch.roles ? checkRoleChange(actor, id, patch.roles) : undefined;
  if (patch.managerId && patch.managerId === id) throw unprocessable('a user cannot be their own manager');
  const { view, handover } = await kernel.transaction(async (tx) => {
    const before = await rolesIn(tx.trx, id);
    if (roles !== undefined) await assertAssignable(kernel, tx.trx, id, roles);
    const changes: Record<string, unknown> = { updated_at: nowIso() };
    const row = await tx.trx.selectFrom('users').select(['subject_id']).where('id', '=', id).executeTakeFirstOrThrow();
    if (patch.name !== undefined) {
      const key = await lockSubjectKey(kernel, tx.trx, row.subject_id);
      if (!key) throw notFound('user');
      changes.name_enc = sealValue(kernel.suite, key.key, key.version, patch.name, { table: 'users', column: 'name', rowId: id });
    }
    if (patch.team !== undefined) changes.team_id = patch.team === null ? null : await ensureTeam(tx, actor, context, patch.team);
    if (patch.managerId !== undefined) {
      if (patch.managerId && !(await tx.trx.selectFrom('users').select('id').where('id', '=', patch.managerId).executeTakeFirst()))
        throw unprocessable('managerId does not name a user');
      changes.manager_id = patch.managerId;
    }
    if (patch.status !== undefined) {
      changes.status = patch.status;
      changes.disabled_at = patch.status === 'disabled' ? nowIso() : null;
    }
    await tx.trx.updateTable('users').set(changes).where('id', '=', id).execute();
    let handover: Handover | undefined;
    if (roles !== undefined) {
      await tx.trx.deleteFrom('user_roles').where('user_id', '=', id).execute();
      if (roles.length)
        await tx.trx
          .insertInto('user_roles')
          .values(roles.map((role_key) => ({ user_id: id, role_key })))
          .execute();
      await afterRolesChanged(tx, actor, context, id, before, roles);
      await endBootstrapPairIfNeeded(kernel, tx, actor, context, id, roles);
      const gained = roles.some((role) => !before.includes(role));
      if (gained && isProtectedAccount(roles, currentRoleMatrix()))
        handover = await secureHandover(kernel, tx, actor, context, id, mailer.configured ? 'email' : 'none');
    }
    if (patch.status === 'disabled') {
      await disableAccount(tx, actor, context, id);
    } else if (patch.status === 'active') {
      await tx.audit(actor, context, { action: 'user.enabled', outcome: 'success', resource: 'users', resourceId: id });
    }
    const fields = Object.keys(patch).filter((k) => k !== 'roles' && k !== 'status');
    if (fields.length)
      await tx.audit(actor, context, { action: 'user.updated', outcome: 'success', resource: 'users', resourceId: id, subjectIds: [row.subject_id], fields });
    const view: UserView = { ...(await readStaffMember(kernel, tx, actor, context, id)), roles: roles ?? before };
    return { view, handover };
  });
  if (!handover?.withdrawn) return view;
  return { ...view, enrolment: await deliver(kernel, mailer, handover.invitation) };
}

/**
 * Lost second factor: a security administrator (after their own step-up, never for themselves)
 * removes the user's TOTP secret, passkeys and recovery codes and ends their sessions; at the next
 * sign-in the password leads to a restricted session that can only enrol a new factor.
 */
export async function resetSecondFactors(kernel: Kernel, actor: Actor, context: RequestContext, id: string): Promise<void> {
  if (!can(actor, 'sessions.manage')) throw forbidden('missing permission sessions.manage');
  if (id === actor.userId) throw forbidden('nobody may reset their own second factor');
  if (actor.kind !== 'system' && !hasFreshSecondFactor(actor)) {
    throw new AppError('step_up_required', 403, 'resetting a second factor needs your own fresh second factor: POST /api/v1/auth/step-up');
  }
  await kernel.transaction(async (tx) => {
    const done = await tx.trx
      .updateTable('users')
      .set({ totp_secret_enc: null, totp_pending_enc: null, totp_last_step: null, mfa_enrolled_at: null, updated_at: nowIso() })
      .where('id', '=', id)
      .executeTakeFirst();
    if (Number(done.numUpdatedRows) !== 1) throw notFound('user');
    await tx.trx.deleteFrom('recovery_codes').where('user_id', '=', id).execute();
    await tx.trx.deleteFrom('webauthn_credentials').where('user_id', '=', id).execute();
    const sessionsEnded = await revokeUserSessions(tx.trx, id);
    await tx.audit(actor, context, { action: 'auth.mfa.reset', outcome: 'success', resource: 'users', resourceId: id, detail: { sessionsEnded } });
  });
}
