import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * One-time recovery codes for the second factor: `xxxxx-xxxxx`, 10 symbols from a 32-symbol alphabet
 * (Crockford's base32 in lower case: no i, l, o or u, so nothing is mistaken for 0 or 1) = 50 bits each.
 * Stored as HMAC-SHA-256 under a server-side pepper: the codes are random, so a fast keyed hash is
 * enough, and a leaked table cannot be checked without the pepper.
 */
export const RECOVERY_CODE_ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';
const GROUP = 5;
const SYMBOLS = 2 * GROUP;
const DEFAULT_COUNT = 10;
const MIN_PEPPER_BYTES = 16;

export function newRecoveryCodes(count: number = DEFAULT_COUNT): string[] {
  if (!Number.isInteger(count) || count < 1 || count > 100) throw new RangeError('recovery code count must be 1 to 100');
  const codes = new Set<string>();
  while (codes.size < count) {
    // 256 is a multiple of 32, so `byte & 31` is uniform.
    const symbols = Array.from(randomBytes(SYMBOLS), (byte) => RECOVERY_CODE_ALPHABET[byte & 31]).join('');
    codes.add(`${symbols.slice(0, GROUP)}-${symbols.slice(GROUP)}`);
  }
  return [...codes];
}

/** Lower-case, without spaces (any whitespace) or hyphens. */
export function normaliseRecoveryCode(code: string): string {
  return code.toLowerCase().replace(/[\s-]+/g, '');
}

/** HMAC-SHA-256(pepper, normalised code), hex. */
export function hashRecoveryCode(pepper: Buffer, code: string): string {
  if (pepper.length < MIN_PEPPER_BYTES) throw new RangeError(`the recovery-code pepper must be at least ${MIN_PEPPER_BYTES} bytes`);
  return createHmac('sha256', pepper).update(normaliseRecoveryCode(code), 'utf8').digest('hex');
}

/**
 * Index of the stored hash matching `code`, or -1. Every entry is compared in constant time (no early
 * exit); entries of the wrong length never match. The caller must delete the matched entry (one use).
 */
export function matchRecoveryCode(pepper: Buffer, code: string, storedHashes: readonly string[]): number {
  if (typeof code !== 'string' || code.length > 64 || normaliseRecoveryCode(code) === '') return -1;
  const presented = Buffer.from(hashRecoveryCode(pepper, code), 'utf8');
  let found = -1;
  storedHashes.forEach((stored, index) => {
    const candidate = Buffer.from(stored.toLowerCase(), 'utf8');
    if (candidate.length === presented.length && timingSafeEqual(candidate, presented) && found === -1) found = index;
  });
  return found;
}
