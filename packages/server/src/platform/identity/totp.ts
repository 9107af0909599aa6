import { randomBytes, timingSafeEqual } from 'node:crypto';
import * as OTPAuth from 'otpauth';
import QRCode from 'qrcode';

/**
 * TOTP second factor (RFC 6238): SHA-1, 6 digits, 30-second steps — the parameters every
 * authenticator app supports. Pure: the caller stores the secret (encrypted) and the last used step.
 */
const ALGORITHM = 'SHA1';
const DIGITS = 6;
const PERIOD_SECONDS = 30;
/** Steps accepted either side of the current one, for clock drift and typing time. */
const WINDOW = 1;
const SECRET_BYTES = 20; // 160 bits, as RFC 4226 recommends
const CODE_FORMAT = /^[0-9]{6}$/;

export interface TotpEnrolment {
  /** Base32 (RFC 4648, no padding), 160 bits. */
  secret: string;
  /** `otpauth://totp/…` key URI for authenticator apps. */
  otpauthUri: string;
  /** SVG markup of the URI's QR code. */
  qrSvg: string;
}

export type TotpVerification = { ok: true; step: number } | { ok: false; reason: 'malformed' | 'wrong' | 'replayed' };

/**
 * Creates a fresh secret and its key URI + QR code. `accountLabel` is put in the URI as given
 * (the caller decides whether that is a username, an opaque id, …); `issuer` defaults to 'Castellan'.
 */
export async function newTotpEnrolment(accountLabel: string, issuer = 'Castellan'): Promise<TotpEnrolment> {
  if (accountLabel.trim() === '') throw new TypeError('the TOTP account label must not be empty');
  if (issuer.trim() === '' || issuer.includes(':')) throw new TypeError('the TOTP issuer must be non-empty and contain no colon');
  const secret = new OTPAuth.Secret({ buffer: new Uint8Array(randomBytes(SECRET_BYTES)).buffer });
  const totp = new OTPAuth.TOTP({ issuer, label: accountLabel, algorithm: ALGORITHM, digits: DIGITS, period: PERIOD_SECONDS, secret });
  const otpauthUri = totp.toString();
  const qrSvg = await QRCode.toString(otpauthUri, { type: 'svg' });
  return { secret: secret.base32, otpauthUri, qrSvg };
}

/** The RFC 6238 time step (counter) containing `now` (ms since the epoch). */
export function totpStep(now: number = Date.now()): number {
  return Math.floor(now / 1000 / PERIOD_SECONDS);
}

/**
 * RFC 6238, SHA-1, 6 digits, 30 s; accepts the current step and ±1. A code is usable once: a code
 * whose step is ≤ `lastUsedStep` is refused as 'replayed'. On success returns the matched step, which
 * the caller must store as the new `lastUsedStep`. Spaces in `code` are ignored; anything other than
 * six digits is 'malformed' and nothing is computed. Throws if `secret` is not valid base32.
 */
export function verifyTotp(secret: string, code: string, lastUsedStep: number | null, now: number = Date.now()): TotpVerification {
  const token = typeof code === 'string' && code.length <= 64 ? code.replace(/\s+/g, '') : '';
  if (!CODE_FORMAT.test(token)) return { ok: false, reason: 'malformed' };
  const key = OTPAuth.Secret.fromBase32(secret);
  const presented = Buffer.from(token, 'utf8');
  const current = totpStep(now);
  // Every step in the window is computed and compared (no early exit), in constant time; the latest
  // matching step wins, so a code that happens to match two steps is judged by the newer one.
  let matched: number | null = null;
  for (let step = current - WINDOW; step <= current + WINDOW; step++) {
    if (step < 0) continue;
    const expected = Buffer.from(OTPAuth.HOTP.generate({ secret: key, algorithm: ALGORITHM, digits: DIGITS, counter: step }), 'utf8');
    if (timingSafeEqual(presented, expected)) matched = step;
  }
  if (matched === null) return { ok: false, reason: 'wrong' };
  if (lastUsedStep !== null && matched <= lastUsedStep) return { ok: false, reason: 'replayed' };
  return { ok: true, step: matched };
}
