import type { RequestContext } from '../audit/audit-event.js';
import type { Actor } from '../authz/actor.js';
import { openValue } from '../crypto/envelope.js';
import { unauthenticated } from '../errors.js';
import type { Kernel } from '../kernel.js';
import { hasFreshSecondFactor } from './second-factor.js';

/** A user's view of their own account; reading one's own e-mail and name is audited like any read. */
export async function ownProfile(kernel: Kernel, actor: Actor, context: RequestContext) {
  if (!actor.userId) throw unauthenticated();
  const userId = actor.userId;
  return kernel.transaction(async (tx) => {
    const row = await tx.trx
      .selectFrom('users')
      .innerJoin('data_subjects', 'data_subjects.id', 'users.subject_id')
      .select([
        'users.id',
        'users.subject_id',
        'users.email_enc',
        'users.name_enc',
        'users.team_id',
        'users.mfa_enrolled_at',
        'data_subjects.key_version',
        'data_subjects.wrapped_key',
      ])
      .where('users.id', '=', userId)
      .executeTakeFirstOrThrow();
    if (!row.wrapped_key) throw unauthenticated();
    const key = kernel.keyring.subjectKey(row.subject_id, row.key_version, Buffer.from(row.wrapped_key));
    const open = (column: 'email' | 'name', envelope: Buffer) => openValue(key, Buffer.from(envelope), { table: 'users', column, rowId: row.id });
    await tx.audit(actor, context, {
      action: 'personal_data.read',
      outcome: 'success',
      resource: 'users',
      resourceId: userId,
      subjectIds: [row.subject_id],
      fields: ['email', 'name'],
      detail: { self: true },
    });
    return {
      id: row.id,
      email: open('email', row.email_enc),
      name: open('name', row.name_enc),
      teamId: row.team_id,
      roles: [...actor.roles],
      permissions: [...actor.permissions].sort(),
      mfaEnrolled: row.mfa_enrolled_at !== null,
      session: actor.session ? { id: actor.session.id, kind: actor.session.kind, stepUpValid: hasFreshSecondFactor(actor) } : null,
    };
  });
}

export async function ownSessions(kernel: Kernel, actor: Actor) {
  if (!actor.userId) throw unauthenticated();
  const rows = await kernel.db.kysely
    .selectFrom('sessions')
    .select(['id', 'kind', 'created_at', 'last_seen_at', 'expires_at', 'ip', 'user_agent'])
    .where('user_id', '=', actor.userId)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', new Date().toISOString())
    .orderBy('created_at', 'desc')
    .execute();
  return rows.map((s) => ({
    id: s.id,
    kind: s.kind,
    createdAt: s.created_at,
    lastSeenAt: s.last_seen_at,
    expiresAt: s.expires_at,
    ip: s.ip,
    userAgent: s.user_agent,
    current: s.id === actor.session?.id,
  }));
}
