import { revealReasonCodePattern } from '@castellan/shared';
import { sql } from 'kysely';
import { can } from '../authz/access-policy.js';
import type { Actor } from '../authz/actor.js';
import { IntegrityError } from '../crypto/integrity-error.js';
import type { Keyring } from '../crypto/keyring.js';
import type { ProtectedStore } from '../data/protected-store.js';
import type { AuditEventsTable } from '../db/schema.js';
import { AppError, forbidden } from '../errors.js';
import type { AuditedTransaction, Kernel } from '../kernel.js';
import type { RequestContext } from './audit-event.js';
import { auditPseudonyms, revealAuditDetails } from './audit-personal-details.js';

/**
 * Reading the audit trail: the audit administrator's query over all events, and per contact the
 * list of accesses to its data subject ("who has seen this customer"). Both reads are audited
 * themselves ('audit.read'), in the same transaction as the query.
 *
 * The personal details events keep (staff IP address, user agent, reveal notes) are shown in the
 * clear only to holders of `audit.personal` (audit administrator, privacy officer); everyone else
 * sees keyed pseudonyms. The per-contact access list is for `audit.personal` holders only: it tells
 * which staff member looked at whom, and when — data about staff that their colleagues do not need.
 */

export interface AuditEventFilters {
  limit: number;
  cursor?: string;
  /** User id; matches the user acting through a session and through any of their API tokens. */
  actor?: string;
  /** Data subject id (through the audit_subjects index). */
  subject?: string;
  /** Contact id: its data subject (also after the contact was deleted, from the log itself). */
  contact?: string;
  /** Exact action, or a prefix ending in `.*` (e.g. `personal_data.*`). */
  action?: string;
  outcome?: 'success' | 'failure' | 'refused';
  /** ISO times: from ≤ at < to. */
  from?: string;
  to?: string;
  resource?: string;
  resourceId?: string;
}

export interface AuditEventView {
  seq: number;
  id: string;
  at: string;
  actorKind: string;
  actorId: string | null;
  /** The user an operator (actorKind 'operator', actorId `os:<account>`) acted for: their scope applied, the act is the operator's. */
  onBehalfOf: string | null;
  action: string;
  outcome: string;
  resource: string | null;
  resourceId: string | null;
  subjectIds: string[];
  fields: string[];
  requestId: string | null;
  /** Keyed pseudonym of the IP address (`ip:<hex>`): equal addresses, equal pseudonyms. */
  ip: string | null;
  /** Keyed pseudonym of the user agent (`ua:<hex>`). */
  userAgent: string | null;
  detail: Record<string, unknown> | null;
  /** The sealed details in the clear (audit.personal only; null otherwise). */
  personal: PersonalDetailsView | null;
  prevHash: string;
  hash: string;
}

export interface PersonalDetailsView {
  ip: string | null;
  userAgent: string | null;
  /** The note typed with a reveal. */
  note: string | null;
  /** False when the sealed details failed their integrity check (altered or moved). */
  intact: boolean;
}

export interface AccessView {
  seq: number;
  at: string;
  /** userId: the user who acted (null for an operator, who acted on behalf of `onBehalfOf`). */
  actor: { kind: string; id: string | null; userId: string | null; onBehalfOf: string | null };
  action: string;
  fields: string[];
  /** The reason code given for a reveal, or a system job's stated reason; null for ordinary reads. */
  reason: string | null;
  /** The note typed with a reveal (unsealed). */
  note: string | null;
  requestId: string | null;
  ip: string | null;
  userAgent: string | null;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** Actions listed as accesses to a person's data. */
const ACCESS_PREFIX = 'personal_data.';
/** Event columns shown to the caller that describe people (the staff who acted). */
const EVENT_VIEW_FIELDS = ['actorId', 'ip', 'userAgent', 'subjectIds'];
const PERSONAL_VIEW_FIELDS = ['personal.ip', 'personal.userAgent', 'personal.note'];
const ACCESS_VIEW_FIELDS = ['actorId', 'ip', 'userAgent', 'note'];

type EventRow = Omit<AuditEventsTable, 'seq'> & { seq: number | string };

export async function queryAuditEvents(kernel: Kernel, actor: Actor, context: RequestContext, filters: AuditEventFilters): Promise<Page<AuditEventView>> {
  if (!can(actor, 'audit.read')) throw forbidden('missing permission audit.read');
  const personal = can(actor, 'audit.personal');
  const before = filters.cursor === undefined ? undefined : decodeCursor(filters.cursor);
  return kernel.transaction(async (tx) => {
    const contactSubject = filters.contact === undefined ? undefined : await subjectOfContact(tx, filters.contact);
    const subjects = [filters.subject, contactSubject].filter((s): s is string => s !== undefined && s !== null);
    const unknownContact = filters.contact !== undefined && contactSubject === null;
    let rows: EventRow[] = [];
    if (!unknownContact && !(subjects.length === 2 && subjects[0] !== subjects[1])) {
      let q = tx.trx.selectFrom('audit_events').selectAll();
      const subject = subjects[0];
      if (subject !== undefined) {
        q = q.where('seq', 'in', tx.trx.selectFrom('audit_subjects').select('seq').where('subject_id', '=', subject));
      }
      if (filters.actor !== undefined) {
        const userId = filters.actor;
        // Token events name `<userId>/<tokenId>`; ids are UUIDs (validated at the edge), so no LIKE escaping is needed.
        q = q.where((eb) => eb.or([eb('actor_id', '=', userId), eb('actor_id', 'like', `${userId}/%`)]));
      }
      if (filters.action !== undefined) {
        if (filters.action.endsWith('.*')) {
          const prefix = filters.action.slice(0, -1);
          // substr, not LIKE: '_' in action names is a LIKE wildcard, and SQLite's LIKE ignores case.
          q = q.where(sql<boolean>`substr(action, 1, ${sql.lit(prefix.length)}) = ${prefix}`);
        } else q = q.where('action', '=', filters.action);
      }
      if (filters.outcome !== undefined) q = q.where('outcome', '=', filters.outcome);
      if (filters.from !== undefined) q = q.where('at', '>=', isoTime(filters.from));
      if (filters.to !== undefined) q = q.where('at', '<', isoTime(filters.to));
      if (filters.resource !== undefined) q = q.where('resource', '=', filters.resource);
      if (filters.resourceId !== undefined) q = q.where('resource_id', '=', filters.resourceId);
      if (before !== undefined) q = q.where('seq', '<', before);
      rows = (await q
        .orderBy('seq', 'desc')
        .limit(filters.limit + 1)
        .execute()) as EventRow[];
    }
    const page = rows.slice(0, filters.limit);
    const items = page.map((row) => eventView(kernel.keyring, row, personal));
    await tx.audit(actor, context, {
      action: 'audit.read',
      outcome: 'success',
      resource: 'audit_events',
      subjectIds: subjects.length ? [...new Set(subjects)] : undefined,
      fields: personal ? [...EVENT_VIEW_FIELDS, ...PERSONAL_VIEW_FIELDS] : EVENT_VIEW_FIELDS,
      detail: { view: 'audit_events', query: queryDetail(filters), personalDetails: personal, ...pageDetail(items) },
    });
    return { items, nextCursor: rows.length > filters.limit && items.length ? encodeCursor(items[items.length - 1]!.seq) : null };
  });
}

/**
 * "Who has seen this customer": the reads, searches and reveals naming the contact's data subject,
 * newest first, with the staff member, time, fields, reason code, note and address. Only for holders
 * of `audit.personal` (403 for anyone else, whatever the id), who must also be able to see the
 * contact (store scope check: outside it, 404).
 */
export async function contactAccesses(
  kernel: Kernel,
  store: ProtectedStore,
  actor: Actor,
  context: RequestContext,
  contactId: string,
  query: { limit: number; cursor?: string },
): Promise<Page<AccessView>> {
  if (!can(actor, 'audit.personal')) throw forbidden('the accesses to a contact are shown to audit and privacy roles (audit.personal)');
  const before = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
  return kernel.transaction(async (tx) => {
    const subject = await store.assertVisible(actor, 'contacts', contactId, tx);
    let rows: EventRow[] = [];
    if (subject) {
      let q = tx.trx
        .selectFrom('audit_events')
        .selectAll()
        .where('seq', 'in', tx.trx.selectFrom('audit_subjects').select('seq').where('subject_id', '=', subject))
        .where(sql<boolean>`substr(action, 1, ${sql.lit(ACCESS_PREFIX.length)}) = ${ACCESS_PREFIX}`);
      if (before !== undefined) q = q.where('seq', '<', before);
      rows = (await q
        .orderBy('seq', 'desc')
        .limit(query.limit + 1)
        .execute()) as EventRow[];
    }
    const page = rows.slice(0, query.limit);
    const items = page.map((row) => accessView(kernel.keyring, row));
    await tx.audit(actor, context, {
      action: 'audit.read',
      outcome: 'success',
      resource: 'audit_events',
      subjectIds: subject ? [subject] : undefined,
      fields: ACCESS_VIEW_FIELDS,
      detail: { view: 'contact_accesses', contactId, ...pageDetail(items) },
    });
    return { items, nextCursor: rows.length > query.limit && items.length ? encodeCursor(items[items.length - 1]!.seq) : null };
  });
}

// ---- internals ---------------------------------------------------------------------------

/**
 * The data subject of a contact: from the contacts table, or — once the contact is deleted — from
 * the events the log holds about it. null when neither knows it.
 */
async function subjectOfContact(tx: AuditedTransaction, contactId: string): Promise<string | null> {
  const row = await tx.trx.selectFrom('contacts').select('subject_id').where('id', '=', contactId).executeTakeFirst();
  if (row) return row.subject_id;
  const event = await tx.trx
    .selectFrom('audit_events')
    .select('subject_ids')
    .where('resource', '=', 'contacts')
    .where('resource_id', '=', contactId)
    .where('subject_ids', 'is not', null)
    .orderBy('seq', 'desc')
    .limit(1)
    .executeTakeFirst();
  const ids = parseJson<string[]>(event?.subject_ids ?? null);
  return ids?.[0] ?? null;
}

/** The user an operator's event was on behalf of (from its detail), else null. */
function onBehalfOf(row: EventRow, detail: Record<string, unknown> | null): string | null {
  return row.actor_kind === 'operator' && typeof detail?.onBehalfOf === 'string' ? detail.onBehalfOf : null;
}

/** The sealed details of one event in the clear; an altered envelope is reported, not thrown. */
function personalDetails(keyring: Keyring, row: EventRow): PersonalDetailsView {
  try {
    const details = revealAuditDetails(keyring, row);
    return { ip: details.ip ?? null, userAgent: details.userAgent ?? null, note: details.note ?? null, intact: true };
  } catch (error) {
    if (!(error instanceof IntegrityError)) throw error;
    return { ip: null, userAgent: null, note: null, intact: false };
  }
}

/**
 * Reveal reasons were free text before they became codes; such events stay in the log as written.
 * Without audit.personal the text is withheld (it is staff-typed, so personal until proven otherwise).
 */
function withholdFreeTextReason(action: string, detail: Record<string, unknown> | null): Record<string, unknown> | null {
  if (action !== 'personal_data.reveal' || typeof detail?.reason !== 'string' || revealReasonCodePattern.test(detail.reason)) return detail;
  return { ...detail, reason: '[withheld: free text]' };
}

function eventView(keyring: Keyring, row: EventRow, personal: boolean): AuditEventView {
  const pseudonyms = auditPseudonyms(keyring, row);
  const detail = parseJson<Record<string, unknown>>(row.detail);
  return {
    seq: Number(row.seq),
    id: row.id,
    at: row.at,
    actorKind: row.actor_kind,
    actorId: row.actor_id,
    onBehalfOf: onBehalfOf(row, detail),
    action: row.action,
    outcome: row.outcome,
    resource: row.resource,
    resourceId: row.resource_id,
    subjectIds: parseJson<string[]>(row.subject_ids) ?? [],
    fields: parseJson<string[]>(row.fields) ?? [],
    requestId: row.request_id,
    ip: pseudonyms.ip,
    userAgent: pseudonyms.userAgent,
    detail: personal ? detail : withholdFreeTextReason(row.action, detail),
    personal: personal ? personalDetails(keyring, row) : null,
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}

function accessView(keyring: Keyring, row: EventRow): AccessView {
  const detail = parseJson<Record<string, unknown>>(row.detail) ?? {};
  const reason = typeof detail.reason === 'string' ? detail.reason : typeof detail.systemReason === 'string' ? detail.systemReason : null;
  const details = personalDetails(keyring, row);
  return {
    seq: Number(row.seq),
    at: row.at,
    actor: {
      kind: row.actor_kind,
      id: row.actor_id,
      userId: row.actor_kind === 'operator' ? null : (row.actor_id?.split('/')[0] ?? null),
      onBehalfOf: onBehalfOf(row, detail),
    },
    action: row.action,
    fields: parseJson<string[]>(row.fields) ?? [],
    reason,
    note: details.note,
    requestId: row.request_id,
    ip: details.ip,
    userAgent: details.userAgent,
  };
}

/** What the reader asked for (ids, action names, times — nothing personal), to be kept in the audit.read event. */
function queryDetail(filters: AuditEventFilters): Record<string, unknown> {
  const { limit, cursor: _cursor, ...rest } = filters;
  return { limit, ...Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined)) };
}

/** Which events were shown: the log is append-only, so the seq range and count pin the page down. */
function pageDetail(items: { seq: number }[]): Record<string, unknown> {
  return { count: items.length, ...(items.length ? { newestSeq: items[0]!.seq, oldestSeq: items[items.length - 1]!.seq } : {}) };
}

function parseJson<T>(value: string | null): T | null {
  if (value === null) return null;
  try {
    return JSON.parse(value) as T;
  } catch {
    return null;
  }
}

function isoTime(value: string): string {
  const time = new Date(value);
  if (Number.isNaN(time.getTime())) throw new AppError('bad_request', 400, 'times must be ISO 8601');
  return time.toISOString();
}

const encodeCursor = (seq: number): string => Buffer.from(`seq:${seq}`, 'utf8').toString('base64url');

function decodeCursor(cursor: string): number {
  const match = /^seq:(\d{1,15})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!match?.[1]) throw new AppError('bad_request', 400, 'invalid cursor');
  return Number(match[1]);
}
