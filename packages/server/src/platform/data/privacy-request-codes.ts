import { randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import type { RequestContext } from '../audit/audit-event.js';
import { anonymousActor } from '../authz/actor.js';
import type { AuditedTransaction, Kernel } from '../kernel.js';

/** A code lives 30 minutes and allows five attempts; a new code replaces the old one. */
export const verificationCodeLifetimeMs = 30 * 60_000;
export const verificationAttempts = 5;

/** What a try at a code came to. `token`: the status token given to the person once verified. */
export type CodeCheck = { outcome: 'verified'; token: string } | { outcome: 'wrong' | 'spent' };

const macKeys = new WeakMap<Kernel, Buffer>();

/**
 * One-time codes that prove a requester holds the e-mail on the request. Only a keyed MAC of a code
 * is stored (a key derived from the blind-index key); each try first spends one attempt by a single
 * conditional update (`attempts_left > 0`, unexpired, unused), so parallel guesses cannot exceed the
 * limit; a right code is then marked used by another conditional update, so it verifies once.
 * Verification hands out a random status token (kept as a MAC too) for the portal's status page.
 */
export class PrivacyRequestCodes {
  constructor(private readonly kernel: Kernel) {}

  private mac(purpose: string, text: string): string {
    let key = macKeys.get(this.kernel);
    if (!key) {
      key = this.kernel.suite.mac(this.kernel.keyring.blindIndexKey, 'castellan:privacy-request-code:v1');
      macKeys.set(this.kernel, key);
    }
    return this.kernel.suite.mac(key, `${purpose}\0${text}`).toString('hex');
  }

  /** Issues a fresh six-digit code for a request (in the request's transaction); returns it for the e-mail only. */
  async issue(tx: AuditedTransaction, requestId: string, now = new Date()): Promise<string> {
    const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
    const row = {
      code_mac: this.mac(`code\0${requestId}`, code),
      expires_at: new Date(now.getTime() + verificationCodeLifetimeMs).toISOString(),
      attempts_left: verificationAttempts,
      used_at: null,
      status_token_mac: null,
    };
    await tx.trx.deleteFrom('privacy_request_codes').where('request_id', '=', requestId).execute();
    await tx.trx
      .insertInto('privacy_request_codes')
      .values({ request_id: requestId, ...row })
      .execute();
    return code;
  }

  /** One try at a code: spends an attempt atomically, then compares; a right code is used once. */
  async check(requestId: string, code: string, now = new Date()): Promise<CodeCheck> {
    const db = this.kernel.db.kysely;
    const at = now.toISOString();
    const spent = await db
      .updateTable('privacy_request_codes')
      .set((eb) => ({ attempts_left: eb('attempts_left', '-', 1) }))
      .where('request_id', '=', requestId)
      .where('attempts_left', '>', 0)
      .where('used_at', 'is', null)
      .where('expires_at', '>', at)
      .executeTakeFirst();
    if (Number(spent.numUpdatedRows) === 0) return { outcome: 'spent' };
    const row = await db.selectFrom('privacy_request_codes').select('code_mac').where('request_id', '=', requestId).executeTakeFirst();
    const expected = Buffer.from(row?.code_mac ?? '', 'hex');
    const given = Buffer.from(this.mac(`code\0${requestId}`, code), 'hex');
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return { outcome: 'wrong' };
    const token = randomBytes(24).toString('base64url');
    const used = await db
      .updateTable('privacy_request_codes')
      .set({ used_at: at, status_token_mac: this.mac(`token\0${requestId}`, token) })
      .where('request_id', '=', requestId)
      .where('used_at', 'is', null)
      .executeTakeFirst();
    if (Number(used.numUpdatedRows) === 0) return { outcome: 'spent' };
    return { outcome: 'verified', token };
  }

  /** Audits a failed try (by nobody signed in; the reason only: wrong, or no tries left / expired / unknown). */
  async auditFailure(context: RequestContext, reason: 'wrong' | 'spent'): Promise<void> {
    await this.kernel.transaction((tx) =>
      tx.audit(anonymousActor, context, {
        action: 'privacy_request.verification_failed',
        outcome: 'refused',
        resource: 'privacy_requests',
        detail: { reason },
      }),
    );
  }

  /** Whether a status token is the one handed out for this request. */
  async tokenMatches(requestId: string, token: string): Promise<boolean> {
    const row = await this.kernel.db.kysely
      .selectFrom('privacy_request_codes')
      .select('status_token_mac')
      .where('request_id', '=', requestId)
      .executeTakeFirst();
    if (!row?.status_token_mac) return false;
    const expected = Buffer.from(row.status_token_mac, 'hex');
    const given = Buffer.from(this.mac(`token\0${requestId}`, token), 'hex');
    return expected.length === given.length && timingSafeEqual(expected, given);
  }
}
