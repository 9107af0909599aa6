import { type Kysely, sql, type Transaction } from 'kysely';
import type { Actor } from '../authz/actor.js';
import type { CipherSuite } from '../crypto/cipher-suite.js';
import type { Keyring } from '../crypto/keyring.js';
import { newId, nowIso } from '../data/ids.js';
import type { DialectKind } from '../db/database.js';
import type { AuditEventsTable, Database } from '../db/schema.js';
import { guardAuditDetail } from './audit-detail-guard.js';
import type { AuditEventInput, RequestContext } from './audit-event.js';
import { auditPseudonym, sealAuditDetails } from './audit-personal-details.js';

export const GENESIS_HASH = '0'.repeat(64);

type ChainedFields = Omit<AuditEventsTable, 'seq' | 'hash' | 'seal'>;

/**
 * The canonical form hashed into the chain: fixed key order, JSON, UTF-8. The sealed details
 * (base64 of `sealed_enc`) are appended only when the event has them, so events written before
 * they existed hash exactly as they did.
 */
export function canonicalAuditForm(event: ChainedFields): string {
  const sealed = event.sealed_enc ? [Buffer.from(event.sealed_enc).toString('base64')] : [];
  return JSON.stringify([
    event.id,
    event.at,
    event.actor_kind,
    event.actor_id,
    event.action,
    event.outcome,
    event.resource,
    event.resource_id,
    event.subject_ids,
    event.fields,
    event.request_id,
    event.ip,
    event.user_agent,
    event.detail,
    event.prev_hash,
    ...sealed,
  ]);
}

export function chainHash(suite: CipherSuite, event: ChainedFields): string {
  return suite.hash(canonicalAuditForm(event)).toString('hex');
}

/** The keyed seal of an event's hash: without the key nobody can forge or re-hash an event. */
export function eventSeal(suite: CipherSuite, sealKey: Buffer, hash: string): string {
  return suite.mac(sealKey, `castellan-audit-seal:v1:${hash}`).toString('hex');
}

/** The hash of the newest archived event (retention.ts stores it, signed, as the `audit_anchor` setting). */
async function anchorHash(trx: Transaction<Database> | Kysely<Database>): Promise<string | undefined> {
  const row = await trx.selectFrom('settings').select('value').where('key', '=', 'audit_anchor').executeTakeFirst();
  if (!row) return undefined;
  const hash = (JSON.parse(row.value) as { hash?: unknown }).hash;
  return typeof hash === 'string' ? hash : undefined;
}

/** How an actor is named in `actor_id`: a user id, `<userId>/<tokenId>` for a token, `os:<account>` for an operator. */
export function auditActorId(actor: Actor): string | null {
  if (actor.kind === 'token') return `${actor.userId}/${actor.tokenId}`;
  if (actor.kind === 'operator') return `os:${actor.operator?.osUser ?? 'unknown'}`;
  return actor.userId;
}

/**
 * Appends one event inside the caller's transaction, linked to the previous event's hash.
 * The PostgreSQL advisory lock serialises appenders across nodes; SQLite transactions are serial.
 */
export async function appendAuditEvent(
  trx: Transaction<Database> | Kysely<Database>,
  dialect: DialectKind,
  keyring: Keyring,
  actor: Actor,
  context: RequestContext,
  input: AuditEventInput,
): Promise<string> {
  const guarded = guardAuditDetail(input.detail);
  const detail = actor.reason
    ? { ...guarded, systemReason: actor.reason }
    : actor.kind === 'operator'
      ? { ...guarded, onBehalfOf: actor.userId, cliVerb: actor.operator?.verb }
      : guarded;
  const id = newId();
  // The staff member's address and browser, and a note they typed, are personal data: pseudonyms in
  // the clear, the originals sealed under the audit key (readable with audit.personal only).
  const sealed = sealAuditDetails(keyring, id, { ip: context.ip ?? undefined, userAgent: context.userAgent ?? undefined, note: input.note });
  if (dialect === 'postgres') await sql`SELECT pg_advisory_xact_lock(7242)`.execute(trx);
  const last = await trx.selectFrom('audit_events').select('hash').orderBy('seq', 'desc').limit(1).executeTakeFirst();
  // An empty table after a retention cut that archived every event: the chain continues from the signed anchor.
  const previous = last?.hash ?? (await anchorHash(trx)) ?? GENESIS_HASH;
  const event: ChainedFields = {
    id,
    at: nowIso(),
    actor_kind: actor.kind,
    actor_id: auditActorId(actor),
    action: input.action,
    outcome: input.outcome,
    resource: input.resource ?? null,
    resource_id: input.resourceId ?? null,
    subject_ids: input.subjectIds?.length ? JSON.stringify(input.subjectIds) : null,
    fields: input.fields?.length ? JSON.stringify(input.fields) : null,
    request_id: context.requestId,
    ip: context.ip ? auditPseudonym(keyring, 'ip', context.ip) : null,
    user_agent: context.userAgent ? auditPseudonym(keyring, 'ua', context.userAgent) : null,
    detail: detail ? JSON.stringify(detail) : null,
    prev_hash: previous,
    sealed_enc: sealed,
  };
  const suite = keyring.suite;
  const hash = chainHash(suite, event);
  const inserted = await trx
    .insertInto('audit_events')
    .values({ ...event, hash, seal: eventSeal(suite, keyring.auditSealKey, hash) })
    .returning('seq')
    .executeTakeFirstOrThrow();
  const subjects = [...new Set(input.subjectIds ?? [])];
  for (let i = 0; i < subjects.length; i += 500) {
    await trx
      .insertInto('audit_subjects')
      .values(subjects.slice(i, i + 500).map((subject_id) => ({ subject_id, seq: Number(inserted.seq) })))
      .execute();
  }
  return event.id;
}
