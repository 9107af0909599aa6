import { createHash, randomBytes } from 'node:crypto';
import type { RoleKey } from '@castellan/shared';
import type { Kysely, Transaction } from 'kysely';
import type { RequestContext } from '../audit/audit-event.js';
import { openStaffDetails, sealStaffDetails } from '../audit/audit-personal-details.js';
import { roleDefinition } from '../authz/role-matrix.js';
import { IntegrityError } from '../crypto/integrity-error.js';
import type { Keyring } from '../crypto/keyring.js';
import { newId, nowIso } from '../data/ids.js';
import type { Database, SessionsTable } from '../db/schema.js';

/**
 * Server-side sessions: opaque 256-bit tokens in a Secure HttpOnly SameSite=Strict cookie, stored as
 * SHA-256; a CSRF token bound to the session (its hash stored beside it); idle timeout 30 min
 * (15 for administrators), absolute 12 h. `enrolment` sessions may only enrol a second factor.
 *
 * The client's IP address and user agent are the staff member's personal data: they are kept only
 * sealed, together, under the audit data key in `client_enc` (AAD binds the session id), and opened
 * for the session's owner alone (`GET /api/v1/me/sessions`).
 */
export type SessionKind = 'full' | 'restricted';

export const ABSOLUTE_LIFETIME_MS = 12 * 3600_000;
export const idleSecondsFor = (roles: readonly RoleKey[]): number => (roles.some((r) => roleDefinition(r).administrator) ? 15 * 60 : 30 * 60);

export const hashSecret = (value: string): string => createHash('sha256').update(value, 'utf8').digest('hex');
const secret = (): string => randomBytes(32).toString('base64url');

export interface NewSession {
  id: string;
  token: string;
  csrfToken: string;
  kind: SessionKind;
  expiresAt: string;
  idleSeconds: number;
}

export type SessionRow = Pick<
  SessionsTable,
  'id' | 'user_id' | 'kind' | 'created_at' | 'last_seen_at' | 'expires_at' | 'idle_seconds' | 'mfa_at' | 'csrf_hash' | 'revoked_at'
>;

type Db = Kysely<Database> | Transaction<Database>;

const clientCell = (sessionId: string) => ({ table: 'sessions', column: 'client', rowId: sessionId });

/** The client details a session was opened with; nulls when none were kept or the envelope does not open here (moved, altered). */
export function openSessionClient(keyring: Keyring, sessionId: string, sealed: Buffer | null): { ip: string | null; userAgent: string | null } {
  if (!sealed) return { ip: null, userAgent: null };
  try {
    const details = openStaffDetails(keyring, clientCell(sessionId), sealed);
    return { ip: details.ip ?? null, userAgent: details.userAgent ?? null };
  } catch (error) {
    if (error instanceof IntegrityError) return { ip: null, userAgent: null };
    throw error;
  }
}

export async function createSession(
  db: Db,
  keyring: Keyring,
  user: { id: string; roles: readonly RoleKey[] },
  kind: SessionKind,
  context: RequestContext,
  mfaAt: string | null,
): Promise<NewSession> {
  const now = new Date();
  const session: NewSession = {
    id: newId(),
    token: secret(),
    csrfToken: secret(),
    kind,
    expiresAt: new Date(now.getTime() + ABSOLUTE_LIFETIME_MS).toISOString(),
    idleSeconds: idleSecondsFor(user.roles),
  };
  await db
    .insertInto('sessions')
    .values({
      id: session.id,
      token_hash: hashSecret(session.token),
      csrf_hash: hashSecret(session.csrfToken),
      user_id: user.id,
      kind,
      created_at: now.toISOString(),
      last_seen_at: now.toISOString(),
      expires_at: session.expiresAt,
      idle_seconds: session.idleSeconds,
      mfa_at: mfaAt,
      client_enc: sealStaffDetails(keyring, clientCell(session.id), { ip: context.ip ?? undefined, userAgent: context.userAgent ?? undefined }),
      revoked_at: null,
    })
    .execute();
  return session;
}

/** The live session for a presented token, or undefined (unknown, revoked, idle too long, expired). */
export async function findLiveSession(db: Db, token: string, now = new Date()): Promise<SessionRow | undefined> {
  if (token.length < 20 || token.length > 100) return undefined;
  const row = await db
    .selectFrom('sessions')
    .select(['id', 'user_id', 'kind', 'created_at', 'last_seen_at', 'expires_at', 'idle_seconds', 'mfa_at', 'csrf_hash', 'revoked_at'])
    .where('token_hash', '=', hashSecret(token))
    .executeTakeFirst();
  if (!row || row.revoked_at) return undefined;
  const idleDeadline = Date.parse(row.last_seen_at) + row.idle_seconds * 1000;
  if (now.getTime() >= Date.parse(row.expires_at) || now.getTime() >= idleDeadline) {
    await db.updateTable('sessions').set({ revoked_at: now.toISOString() }).where('id', '=', row.id).where('revoked_at', 'is', null).execute();
    return undefined;
  }
  if (now.getTime() - Date.parse(row.last_seen_at) > 30_000) {
    await db.updateTable('sessions').set({ last_seen_at: now.toISOString() }).where('id', '=', row.id).execute();
  }
  return row;
}

export async function revokeSession(db: Db, sessionId: string, userId?: string): Promise<boolean> {
  let q = db.updateTable('sessions').set({ revoked_at: nowIso() }).where('id', '=', sessionId).where('revoked_at', 'is', null);
  if (userId) q = q.where('user_id', '=', userId);
  const result = await q.executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export async function revokeUserSessions(db: Db, userId: string, except?: string): Promise<number> {
  let q = db.updateTable('sessions').set({ revoked_at: nowIso() }).where('user_id', '=', userId).where('revoked_at', 'is', null);
  if (except) q = q.where('id', '!=', except);
  const result = await q.executeTakeFirst();
  return Number(result.numUpdatedRows);
}

export async function markSecondFactor(db: Db, sessionId: string, at = nowIso()): Promise<void> {
  await db.updateTable('sessions').set({ mfa_at: at }).where('id', '=', sessionId).execute();
}
