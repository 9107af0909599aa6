import { auditActions } from '../../audit/audit-event.js';

/**
 * The normalized event the detection rules read, made from one exported audit event (a JSON line of
 * `castellan audit export`, see audit/siem/jsonl-format.ts). Only what a rule needs is copied, and only
 * in shapes that cannot carry a personal value: ids, keyed pseudonyms (`ip:…`, `ua:…`, `acct:…`),
 * field names, reason codes from a fixed list and counts. Anything else in `detail` is never read.
 */

/** A data subject's flag that makes every access to them notable; the caller looks it up, the audit trail does not record it. */
export type SensitiveFlag = 'minor' | 'vip';

/** A change of what a user may do (`user.roles.changed`, `role.changed`). */
export interface PrivilegeChange {
  /** The users whose rights changed: the user of `user.roles.changed`; for `role.changed` none are recorded (the caller may add the role's holders). */
  targets: readonly string[];
  /** The role changed (`role.changed`), null for a user's roles. */
  roleKey: string | null;
  /** The user's role keys after the change (`user.roles.changed`), null when not recorded. */
  rolesAfter: readonly string[] | null;
  /** False only when the event shows the change removed rights and added none. */
  raised: boolean;
}

/** One audit event as the rules read it: ids, pseudonyms, names and counts only. */
export interface MonitorEvent {
  seq: number;
  /** Milliseconds since the epoch. */
  at: number;
  action: string;
  /** False for an action this version does not know; it is still scored by the rules that do not care. */
  knownAction: boolean;
  outcome: string;
  actorKind: string;
  /** The user acting (for a token, its user; for an operator, the user it acted for), null if none. */
  actorId: string | null;
  /** The API token acting (actor kind `token`), null otherwise. */
  tokenId: string | null;
  /** The account a sign-in event is about: the `acct:` pseudonym of a failed or throttled attempt (a user id on failures recorded before it was), the user for other events; null when not recorded. */
  accountKey: string | null;
  /** Keyed pseudonym of the client address (`ip:` + 16 hex); a raw address is never copied. */
  address: string | null;
  /** Keyed pseudonym of the user agent (`ua:` + 16 hex). */
  device: string | null;
  subjectIds: readonly string[];
  fields: readonly string[];
  /** `detail.count` (rows found, read or exported) when recorded. */
  rowCount: number | null;
  /** A search by a field the actor sees masked (`detail.searchedMasked`). */
  searchMasked: boolean;
  /** `auth.login.failed`: `unknown_account`, `disabled`, `wrong_password` or `other`; null for other actions. */
  failureReason: string | null;
  privilege: PrivilegeChange | null;
  /** Flag → the ids of this event's subjects carrying it. Fed by the caller (never in the audit trail). */
  sensitive?: Partial<Record<SensitiveFlag, readonly string[]>>;
}

/** Why a line was not turned into an event; never quotes the line. */
export interface SkippedLine {
  skipped: string;
}

const KNOWN_ACTIONS: ReadonlySet<string> = new Set(auditActions);
const FAILURE_REASONS: ReadonlySet<string> = new Set(['unknown_account', 'disabled', 'wrong_password']);
const ADDRESS = /^ip:[0-9a-f]{16}$/;
const DEVICE = /^ua:[0-9a-f]{16}$/;
const ACCOUNT = /^acct:[0-9a-f]{8,128}$/;
/** Record ids: a UUID (users, data subjects, records) or 32 hex digits (API tokens). A phone number or e-mail address never matches. */
const ID = /^(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[0-9a-f]{32})$/i;
/** Role keys and permission names (`system_admin`, `contacts.read`). */
const KEY = /^[a-z][a-z0-9_.:-]{0,63}$/;
const FIELD = /^[A-Za-z_][A-Za-z0-9_.]{0,79}$/;
const ACTION = /^[a-z][a-z0-9_.]{0,99}$/;
const MAX_LIST = 10_000;

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const idOrNull = (value: unknown): string | null => (typeof value === 'string' && ID.test(value) ? value : null);
const matching = (value: unknown, shape: RegExp): string | null => (typeof value === 'string' && shape.test(value) ? value : null);
const isCount = (value: unknown): value is number => Number.isSafeInteger(value) && (value as number) >= 0;

/** A JSON column as exported (parsed) or as stored (text); anything unreadable is null. */
function jsonColumn(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value);
  } catch {
    return null;
  }
}

function listOf(value: unknown, shape: RegExp): string[] {
  const list = jsonColumn(value);
  if (!Array.isArray(list)) return [];
  return [...new Set(list.slice(0, MAX_LIST).filter((item): item is string => typeof item === 'string' && shape.test(item)))];
}

function actorOf(kind: string, actorId: unknown, detail: Json): { actorId: string | null; tokenId: string | null } {
  if (kind === 'token' && typeof actorId === 'string') {
    const [userId, tokenId] = actorId.split('/');
    return { actorId: idOrNull(userId), tokenId: idOrNull(tokenId) };
  }
  // An operator is named `os:<account>` (an OS login name): not copied; the user it acted for is.
  if (kind === 'operator') return { actorId: idOrNull(detail.onBehalfOf), tokenId: null };
  return { actorId: idOrNull(actorId), tokenId: null };
}

function accountKeyOf(action: string, resourceId: string | null, actorId: string | null, detail: Json): string | null {
  // The throttle key first (recorded since the monitor came; it names unknown accounts too), else the user id of older events.
  if (action === 'auth.login.failed') return matching(detail.account, ACCOUNT) ?? resourceId;
  if (action === 'auth.login.throttled') return matching(detail.account, ACCOUNT);
  return actorId;
}

function privilegeOf(action: string, resourceId: string | null, rawResourceId: unknown, detail: Json): PrivilegeChange | null {
  if (action === 'user.roles.changed') {
    const before = Array.isArray(detail.before) ? listOf(detail.before, KEY) : null;
    const after = Array.isArray(detail.after) ? listOf(detail.after, KEY) : null;
    const raised = !before || !after || after.some((role) => !before.includes(role));
    return { targets: resourceId ? [resourceId] : [], roleKey: null, rolesAfter: after, raised };
  }
  if (action === 'role.changed') {
    const before = isObject(detail.before) ? detail.before : null;
    const after = isObject(detail.after) ? detail.after : null;
    const was = before && Array.isArray(before.permissions) ? listOf(before.permissions, KEY) : null;
    const now = after && Array.isArray(after.permissions) ? listOf(after.permissions, KEY) : null;
    const sameRest = before !== null && after !== null && JSON.stringify([before.scope, before.fields]) === JSON.stringify([after.scope, after.fields]);
    const raised = !was || !now || !sameRest || now.some((p) => !was.includes(p));
    return { targets: [], roleKey: matching(rawResourceId, KEY), rolesAfter: null, raised };
  }
  return null;
}

/**
 * One exported audit event (the parsed object or its JSON text) as a `MonitorEvent`, or why not.
 * Never throws: `seq`, `at`, `action` and `outcome` are required, everything else is optional and
 * read only in its expected shape (a raw IP address or browser string in `ip`/`user_agent`, as an old
 * or altered row might hold, is dropped, not copied). An unknown action is normalized anyway.
 */
export function fromAuditJson(line: unknown): MonitorEvent | SkippedLine {
  try {
    return normalize(typeof line === 'string' ? parseLine(line) : line);
  } catch {
    return { skipped: 'unreadable event' };
  }
}

const NOT_JSON = Symbol('not JSON');

function parseLine(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return NOT_JSON;
  }
}

function normalize(row: unknown): MonitorEvent | SkippedLine {
  if (row === NOT_JSON) return { skipped: 'not JSON' };
  if (!isObject(row)) return { skipped: 'not a JSON object' };
  const seq = typeof row.seq === 'string' && /^\d{1,15}$/.test(row.seq) ? Number(row.seq) : row.seq;
  if (!isCount(seq)) return { skipped: 'seq missing or not a non-negative integer' };
  const at = typeof row.at === 'string' ? Date.parse(row.at) : Number.NaN;
  if (!Number.isFinite(at)) return { skipped: 'at missing or not an ISO time' };
  if (typeof row.action !== 'string' || !ACTION.test(row.action)) return { skipped: 'action missing or malformed' };
  if (typeof row.outcome !== 'string' || !ACTION.test(row.outcome)) return { skipped: 'outcome missing or malformed' };
  const action = row.action;
  const detailColumn = jsonColumn(row.detail);
  const detail: Json = isObject(detailColumn) ? detailColumn : {};
  const actorKind = typeof row.actor_kind === 'string' && ACTION.test(row.actor_kind) ? row.actor_kind : 'unknown';
  const { actorId, tokenId } = actorOf(actorKind, row.actor_id, detail);
  const resourceId = idOrNull(row.resource_id);
  const reason = action === 'auth.login.failed' ? (typeof detail.reason === 'string' && FAILURE_REASONS.has(detail.reason) ? detail.reason : 'other') : null;
  return {
    seq,
    at,
    action,
    knownAction: KNOWN_ACTIONS.has(action),
    outcome: row.outcome,
    actorKind,
    actorId,
    tokenId,
    accountKey: accountKeyOf(action, resourceId, actorId, detail),
    address: matching(row.ip, ADDRESS),
    device: matching(row.user_agent, DEVICE),
    subjectIds: listOf(row.subject_ids, ID),
    fields: listOf(row.fields, FIELD),
    rowCount: isCount(detail.count) ? detail.count : null,
    searchMasked: detail.searchedMasked === true,
    failureReason: reason,
    privilege: privilegeOf(action, resourceId, row.resource_id, detail),
  };
}

/** True when `fromAuditJson` skipped the line. */
export const isSkipped = (result: MonitorEvent | SkippedLine): result is SkippedLine => 'skipped' in result;
