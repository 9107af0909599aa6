import { envelopeKeyVersion, type FieldContext, openValue, sealValue } from '../crypto/envelope.js';
import type { Keyring } from '../crypto/keyring.js';

/**
 * The personal details an audit event may carry — the staff member's IP address and user agent, and
 * the note typed with a reveal — are sealed, together, under the audit data key into
 * `audit_events.sealed_enc` (AAD binds the event id). The `ip` and `user_agent` columns hold keyed
 * pseudonyms instead: equal values give equal pseudonyms (so events can be correlated, by a SIEM too),
 * but only the key holder can tell which address or browser a pseudonym stands for.
 *
 * The same pseudonyms and the same sealing serve the other places that keep a staff member's address
 * or browser: the sign-in throttle's per-address key (`ip:<pseudonym>`) and a session's
 * `sessions.client_enc` (sealed with `sealStaffDetails`, bound to its own table, column and row).
 */
export interface AuditPersonalDetails {
  ip?: string;
  userAgent?: string;
  note?: string;
}

type PseudonymKind = 'ip' | 'ua';
const PSEUDONYM = /^(ip|ua):[0-9a-f]{16}$/;
const SEALED_CONTEXT = (eventId: string) => ({ table: 'audit_events', column: 'sealed', rowId: eventId });

export const isAuditPseudonym = (value: string): boolean => PSEUDONYM.test(value);

const pseudonymKeys = new WeakMap<Keyring, Buffer>();
function pseudonymKey(keyring: Keyring): Buffer {
  let key = pseudonymKeys.get(keyring);
  if (!key) {
    // Derived from the first audit key version, so pseudonyms stay stable if the key is ever rotated.
    key = keyring.suite.mac(keyring.auditDetailKey(1), 'castellan:audit-pseudonym:v1');
    pseudonymKeys.set(keyring, key);
  }
  return key;
}

/** `ip:<16 hex>` / `ua:<16 hex>`: 64 bits of a keyed MAC of the value. */
export function auditPseudonym(keyring: Keyring, kind: PseudonymKind, value: string): string {
  return `${kind}:${keyring.suite.mac(pseudonymKey(keyring), `${kind}\0${value}`).subarray(0, 8).toString('hex')}`;
}

/**
 * Seals a staff member's personal details under the audit data key, bound (AAD) to the cell that
 * stores them; null when there are none. The one sealing of staff details: audit events and sessions.
 */
export function sealStaffDetails(keyring: Keyring, cell: FieldContext, details: AuditPersonalDetails): Buffer | null {
  const present = Object.fromEntries(Object.entries(details).filter(([, v]) => typeof v === 'string' && v !== ''));
  if (Object.keys(present).length === 0) return null;
  return sealValue(keyring.suite, keyring.auditDetailKey(), keyring.auditDetailVersion, JSON.stringify(present), cell);
}

/** Opens what sealStaffDetails sealed for this cell; a moved or altered envelope throws IntegrityError. */
export function openStaffDetails(keyring: Keyring, cell: FieldContext, sealed: Buffer): AuditPersonalDetails {
  const envelope = Buffer.from(sealed);
  const json = openValue(keyring.auditDetailKey(envelopeKeyVersion(envelope)), envelope, cell, keyring.suite);
  return JSON.parse(json) as AuditPersonalDetails;
}

/** The sealed envelope of the details for one event; null when there are none. */
export function sealAuditDetails(keyring: Keyring, eventId: string, details: AuditPersonalDetails): Buffer | null {
  return sealStaffDetails(keyring, SEALED_CONTEXT(eventId), details);
}

/** Opens an event's sealed details; a moved or altered envelope throws IntegrityError. */
export function openAuditDetails(keyring: Keyring, eventId: string, sealed: Buffer): AuditPersonalDetails {
  return openStaffDetails(keyring, SEALED_CONTEXT(eventId), sealed);
}

interface StoredEventColumns {
  id: string;
  ip: string | null;
  user_agent: string | null;
  sealed_enc: Buffer | null;
}

/**
 * The details in the clear, for those allowed to see them. Events written before sealing existed
 * hold the IP address and user agent in plaintext in their columns: those are returned as they are.
 */
export function revealAuditDetails(keyring: Keyring, row: StoredEventColumns): AuditPersonalDetails {
  const opened = row.sealed_enc ? openAuditDetails(keyring, row.id, row.sealed_enc) : {};
  const legacy = (value: string | null) => (value !== null && !isAuditPseudonym(value) ? value : undefined);
  return { ip: opened.ip ?? legacy(row.ip), userAgent: opened.userAgent ?? legacy(row.user_agent), note: opened.note };
}

/** The pseudonyms of an event's IP address and user agent (computed for events from before sealing). */
export function auditPseudonyms(keyring: Keyring, row: StoredEventColumns): { ip: string | null; userAgent: string | null } {
  const of = (kind: PseudonymKind, value: string | null) => (value === null ? null : isAuditPseudonym(value) ? value : auditPseudonym(keyring, kind, value));
  return { ip: of('ip', row.ip), userAgent: of('ua', row.user_agent) };
}
