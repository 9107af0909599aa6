import { randomBytes } from 'node:crypto';
import { isRoleKey, type RoleKey } from '@castellan/shared';
import type { RequestContext } from '../audit/audit-event.js';
import { can } from '../authz/access-policy.js';
import type { Actor } from '../authz/actor.js';
import { openValue, sealValue } from '../crypto/envelope.js';
import { nowIso } from '../data/ids.js';
import { AppError, forbidden, notFound, unprocessable } from '../errors.js';
import type { Kernel } from '../kernel.js';
import { hasFreshSecondFactor } from './second-factor.js';
import { revokeUserSessions } from './sessions.js';
import { createUser, ensureTeam, rolesOf } from './user-directory.js';

/**
 * Administration of staff accounts. 等保 三员分立: the system administrator (users.manage) creates,
 * edits and disables accounts; only the security administrator (roles.assign) grants or removes roles,
 * after a fresh second factor, and never their own. Disabling an account ends all its sessions at once.
 */
export interface UserView {
  id: string;
  email: string;
  name: string;
  teamId: string | null;
  managerId: string | null;
  status: string;
  roles: string[];
  mfaEnrolled: boolean;
  lastLoginAt: string | null;
  createdAt: string;
}

const userColumns = [
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

function baseQuery(kernel: Kernel) {
  return kernel.db.kysely
    .selectFrom('users')
    .innerJoin('data_subjects', 'data_subjects.id', 'users.subject_id')
    .select([...userColumns]);
}

type UserRow = Awaited<ReturnType<ReturnType<typeof baseQuery>['executeTakeFirstOrThrow']>>;

function present(kernel: Kernel, row: UserRow, roles: string[]): UserView {
  const erased = !row.wrapped_key;
  const key = erased ? undefined : kernel.keyring.subjectKey(row.subject_id, row.key_version, Buffer.from(row.wrapped_key as Buffer));
  const open = (column: 'email' | 'name', envelope: Buffer) =>
    key ? openValue(key, Buffer.from(envelope), { table: 'users', column, rowId: row.id }) : '[erased]';
  return {
    id: row.id,
    email: open('email', row.email_enc),
    name: open('name', row.name_enc),
    teamId: row.team_id,
    managerId: row.manager_id,
    status: row.status,
    roles,
    mfaEnrolled: row.mfa_enrolled_at !== null,
    lastLoginAt: row.last_login_at,
    createdAt: row.created_at,
  };
}

async function rolesByUser(kernel: Kernel, ids: string[]): Promise<Map<string, string[]>> {
  const map = new Map<string, string[]>(ids.map((id) => [id, []]));
  if (ids.length === 0) return map;
  const rows = await kernel.db.kysely.selectFrom('user_roles').select(['user_id', 'role_key']).where('user_id', 'in', ids).execute();
  for (const r of rows) map.get(r.user_id)?.push(r.role_key);
  return map;
}

/** Staff directory for administrators; reading staff e-mail and names is audited like any personal data. */
export async function listUsers(
  kernel: Kernel,
  actor: Actor,
  context: RequestContext,
  query: { limit: number; cursor?: string; status?: string; teamId?: string },
) {
  let q = baseQuery(kernel)
    .orderBy('users.id')
    .limit(query.limit + 1);
  if (query.cursor) q = q.where('users.id', '>', query.cursor);
  if (query.status) q = q.where('users.status', '=', query.status);
  if (query.teamId) q = q.where('users.team_id', '=', query.teamId);
  const rows = await q.execute();
  const page = rows.slice(0, query.limit);
  const roles = await rolesByUser(
    kernel,
    page.map((r) => r.id),
  );
  const items = page.map((row) => present(kernel, row, roles.get(row.id) ?? []));
  if (page.length) {
    await kernel.transaction((tx) =>
      tx.audit(actor, context, {
        action: 'personal_data.read',
        outcome: 'success',
        resource: 'users',
        subjectIds: page.map((r) => r.subject_id),
        fields: ['email', 'name'],
        detail: { count: page.length },
      }),
    );
  }
  return { items, nextCursor: rows.length > query.limit ? (page.at(-1)?.id ?? null) : null };
}

export async function getUser(kernel: Kernel, actor: Actor, context: RequestContext, id: string): Promise<UserView> {
  const row = await baseQuery(kernel).where('users.id', '=', id).executeTakeFirst();
  if (!row) throw notFound('user');
  await kernel.transaction((tx) =>
    tx.audit(actor, context, {
      action: 'personal_data.read',
      outcome: 'success',
      resource: 'users',
      resourceId: id,
      subjectIds: [row.subject_id],
      fields: ['email', 'name'],
    }),
  );
  return present(kernel, row, (await rolesByUser(kernel, [id])).get(id) ?? []);
}

/** Granting or removing roles: security administrator only, never on oneself, after a fresh second factor. */
function checkRoleChange(actor: Actor, targetUserId: string | null, roles: string[]): RoleKey[] {
  const unknown = roles.filter((r) => !isRoleKey(r));
  if (unknown.length) throw unprocessable(`unknown role ${unknown.join(', ')}`);
  if (!can(actor, 'roles.assign')) throw forbidden('granting roles needs the security administrator (roles.assign)');
  if (targetUserId && targetUserId === actor.userId) throw forbidden('nobody may change their own roles');
  if (actor.kind !== 'system' && !hasFreshSecondFactor(actor)) {
    throw new AppError('step_up_required', 403, 'changing roles needs a fresh second factor: POST /api/v1/auth/step-up, then retry within 5 minutes');
  }
  return roles as RoleKey[];
}

/** A new account; without a password a one-time password is returned (shown once, must be changed). */
export async function createUserByAdmin(
  kernel: Kernel,
  actor: Actor,
  context: RequestContext,
  input: { email: string; name: string; roles: string[]; team?: string; managerId?: string; password?: string },
): Promise<{ user: UserView; oneTimePassword?: string }> {
  const roles = input.roles.length ? checkRoleChange(actor, null, input.roles) : [];
  const oneTimePassword = input.password === undefined ? `${randomBytes(12).toString('base64url')}Aa7` : undefined;
  const created = await kernel.transaction((tx) =>
    createUser(kernel, tx, actor, context, {
      email: input.email,
      name: input.name,
      roles,
      teamName: input.team,
      password: input.password ?? oneTimePassword,
      mustChangePassword: oneTimePassword !== undefined,
      allowNoRoles: true,
    }),
  );
  if (input.managerId) await kernel.db.kysely.updateTable('users').set({ manager_id: input.managerId }).where('id', '=', created.id).execute();
  const row = await baseQuery(kernel).where('users.id', '=', created.id).executeTakeFirstOrThrow();
  return { user: present(kernel, row, roles), oneTimePassword };
}

export interface UserPatch {
  name?: string;
  team?: string | null;
  managerId?: string | null;
  status?: 'active' | 'disabled';
  roles?: string[];
}

export async function updateUser(kernel: Kernel, actor: Actor, context: RequestContext, id: string, patch: UserPatch): Promise<UserView> {
  if (!can(actor, 'users.manage') && !can(actor, 'roles.assign')) throw forbidden('missing permission users.manage or roles.assign');
  const row = await baseQuery(kernel).where('users.id', '=', id).executeTakeFirst();
  if (!row) throw notFound('user');
  const administrative = ['name', 'team', 'managerId', 'status'].some((k) => k in patch);
  if (administrative && !can(actor, 'users.manage')) throw forbidden('missing permission users.manage');
  if (administrative && id === actor.userId && ('status' in patch || 'team' in patch || 'managerId' in patch))
    throw forbidden('nobody may change their own team, manager or status');
  const before = await rolesOf(kernel, id);
  const roles = patch.roles ? checkRoleChange(actor, id, patch.roles) : undefined;
  if (patch.managerId && patch.managerId === id) throw unprocessable('a user cannot be their own manager');
  return kernel.transaction(async (tx) => {
    const changes: Record<string, unknown> = { updated_at: nowIso() };
    if (patch.name !== undefined) {
      const key = kernel.keyring.subjectKey(row.subject_id, row.key_version, Buffer.from(row.wrapped_key as Buffer));
      changes.name_enc = sealValue(kernel.suite, key, row.key_version, patch.name, { table: 'users', column: 'name', rowId: id });
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
    let sessionsEnded = 0;
    if (roles !== undefined) {
      await tx.trx.deleteFrom('user_roles').where('user_id', '=', id).execute();
      if (roles?.length)
        await tx.trx
          .insertInto('user_roles')
          .values(roles.map((role_key) => ({ user_id: id, role_key })))
          .execute();
      sessionsEnded = await revokeUserSessions(tx.trx, id);
      await tx.audit(actor, context, {
        action: 'user.roles.changed',
        outcome: 'success',
        resource: 'users',
        resourceId: id,
        detail: { before, after: roles, sessionsEnded },
      });
    }
    if (patch.status === 'disabled') {
      sessionsEnded += await revokeUserSessions(tx.trx, id);
      await tx.audit(actor, context, { action: 'user.disabled', outcome: 'success', resource: 'users', resourceId: id, detail: { sessionsEnded } });
    } else if (patch.status === 'active') {
      await tx.audit(actor, context, { action: 'user.enabled', outcome: 'success', resource: 'users', resourceId: id });
    }
    const fields = Object.keys(patch).filter((k) => k !== 'roles' && k !== 'status');
    if (fields.length)
      await tx.audit(actor, context, { action: 'user.updated', outcome: 'success', resource: 'users', resourceId: id, subjectIds: [row.subject_id], fields });
    const updated = await tx.trx
      .selectFrom('users')
      .innerJoin('data_subjects', 'data_subjects.id', 'users.subject_id')
      .select([...userColumns])
      .where('users.id', '=', id)
      .executeTakeFirstOrThrow();
    return present(kernel, updated, roles ?? before);
  });
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
