import { randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import type { RequestContext } from '../audit/audit-event.js';
import { anonymousActor } from '../authz/actor.js';
import type { Kernel } from '../kernel.js';
import { newId } from './ids.js';

/** A code lives 30 minutes and allows five tries; a verified session lasts 30 minutes more. */
export const consentCodeLifetimeMs = 30 * 60_000;
export const consentSessionLifetimeMs = 30 * 60_000;
export const consentCodeAttempts = 5;
/** Sessions are deleted a day after they were opened (they hold MACs and contact ids only). */
const keepSessionsMs = 24 * 60 * 60_000;

export type SessionCheck = { outcome: 'verified'; key: string; contactIds: string[]; expiresAt: string } | { outcome: 'wrong' | 'spent' };

const macKeys = new WeakMap<Kernel, Buffer>();

/**
 * The privacy portal's consent sessions: a six-digit code mailed to the address given proves the
 * person holds it; only a keyed MAC of the code is stored (a key derived from the blind-index key),
 * with the ids of the people on record with that address — never the address. Each try first spends
 * an attempt by one conditional update (so parallel guesses get five in all); a right code is then
 * used once by another conditional update and hands out a random session key (kept as a MAC) that
 * lets the holder read and change those people's consents for 30 minutes.
 */
export class PortalConsentSessions {
  constructor(private readonly kernel: Kernel) {}

  private mac(purpose: string, id: string, text: string): string {
    let key = macKeys.get(this.kernel);
    if (!key) {
      key = this.kernel.suite.mac(this.kernel.keyring.blindIndexKey, 'castellan:portal-consent-session:v1');
      macKeys.set(this.kernel, key);
    }
    return this.kernel.suite.mac(key, `${purpose}\0${id}\0${text}`).toString('hex');
  }

  private static same(expectedHex: string | null | undefined, givenHex: string): boolean {
    const expected = Buffer.from(expectedHex ?? '', 'hex');
    const given = Buffer.from(givenHex, 'hex');
    return expected.length === given.length && timingSafeEqual(expected, given);
  }

  /** Opens a session for the people found (possibly none); returns its id and the code for the e-mail only. */
  async open(contactIds: readonly string[], now = new Date()): Promise<{ id: string; code: string }> {
    const id = newId();
    const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
    const db = this.kernel.db.kysely;
    await db
      .deleteFrom('portal_consent_sessions')
      .where('created_at', '<', new Date(now.getTime() - keepSessionsMs).toISOString())
      .execute();
    await db
      .insertInto('portal_consent_sessions')
      .values({
        id,
        contact_ids: JSON.stringify([...contactIds]),
        code_mac: this.mac('code', id, code),
        expires_at: new Date(now.getTime() + consentCodeLifetimeMs).toISOString(),
        attempts_left: consentCodeAttempts,
        used_at: null,
        key_mac: null,
        key_expires_at: null,
        created_at: now.toISOString(),
      })
      .execute();
    return { id, code };
  }

  /** One try at a code: spends an attempt atomically, then compares; a right code is used once. */
  async check(id: string, code: string, now = new Date()): Promise<SessionCheck> {
    const db = this.kernel.db.kysely;
    const at = now.toISOString();
    const spent = await db
      .updateTable('portal_consent_sessions')
      .set((eb) => ({ attempts_left: eb('attempts_left', '-', 1) }))
      .where('id', '=', id)
      .where('attempts_left', '>', 0)
      .where('used_at', 'is', null)
      .where('expires_at', '>', at)
      .executeTakeFirst();
    if (Number(spent.numUpdatedRows) === 0) return { outcome: 'spent' };
    const row = await db.selectFrom('portal_consent_sessions').select(['code_mac', 'contact_ids']).where('id', '=', id).executeTakeFirst();
    if (!row || !PortalConsentSessions.same(row.code_mac, this.mac('code', id, code))) return { outcome: 'wrong' };
    const key = randomBytes(24).toString('base64url');
    const expiresAt = new Date(now.getTime() + consentSessionLifetimeMs).toISOString();
    const used = await db
      .updateTable('portal_consent_sessions')
      .set({ used_at: at, key_mac: this.mac('key', id, key), key_expires_at: expiresAt })
      .where('id', '=', id)
      .where('used_at', 'is', null)
      .executeTakeFirst();
    if (Number(used.numUpdatedRows) === 0) return { outcome: 'spent' };
    return { outcome: 'verified', key, contactIds: JSON.parse(row.contact_ids) as string[], expiresAt };
  }

  /** The people a live session key stands for (null: no such session, a wrong key, or lapsed). */
  async peopleOf(id: string, key: string, now = new Date()): Promise<string[] | null> {
    const row = await this.kernel.db.kysely
      .selectFrom('portal_consent_sessions')
      .select(['key_mac', 'key_expires_at', 'contact_ids'])
      .where('id', '=', id)
      .executeTakeFirst();
    if (!row?.key_mac || !row.key_expires_at) return null;
    if (!PortalConsentSessions.same(row.key_mac, this.mac('key', id, key))) return null;
    if (row.key_expires_at <= now.toISOString()) return null;
    return JSON.parse(row.contact_ids) as string[];
  }

  /** Audits a failed try (by nobody signed in; the reason only). */
  async auditFailure(context: RequestContext, reason: 'wrong' | 'spent'): Promise<void> {
    await this.kernel.transaction((tx) =>
      tx.audit(anonymousActor, context, {
        action: 'portal_consent.verification_failed',
        outcome: 'refused',
        resource: 'consents',
        detail: { reason },
      }),
    );
  }
}
