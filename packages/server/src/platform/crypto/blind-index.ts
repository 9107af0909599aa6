import type { CipherSuite } from './cipher-suite.js';

/** Normalisers used before blind indexing; errors never echo the input value. */

export function normalizeEmail(value: string): string {
  const v = value.normalize('NFKC').trim().toLowerCase();
  const at = v.lastIndexOf('@');
  if (at <= 0 || at === v.length - 1) throw new Error('invalid email address');
  return v;
}

const E164 = /^\+[1-9]\d{6,14}$/;

export function normalizePhone(value: string, defaultCountryCode = '86'): string {
  if (!/^[1-9]\d{0,2}$/.test(defaultCountryCode)) throw new Error('invalid default country code');
  let v = value.normalize('NFKC').replace(/[\s\-.()]/g, '');
  if (v.startsWith('00')) {
    v = `+${v.slice(2)}`;
  } else if (!v.startsWith('+')) {
    if (v.startsWith('0')) v = v.slice(1); // national trunk prefix of the default country
    v = `+${defaultCountryCode}${v}`;
  }
  if (!E164.test(v)) throw new Error('invalid phone number');
  return v;
}

export function normalizeIdNumber(value: string): string {
  const v = value.normalize('NFKC').replace(/[\s-]/g, '').toUpperCase();
  if (v.length === 0) throw new Error('invalid ID number');
  return v;
}

const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u;
const ALL_CJK = /^[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]+$/u;

/**
 * Whole-token search keys for a person's name (exact match only, no prefixes):
 * the full name (whitespace collapsed), each whitespace-separated token, and for CJK names
 * the name without spaces plus, for 2–4 CJK characters, family name (first char) and given name.
 */
export function nameTokens(value: string): string[] {
  const full = value.normalize('NFKC').toLowerCase().trim().replace(/\s+/g, ' ');
  if (full.length === 0) return [];
  const tokens = [full, ...full.split(' ')];
  if (CJK.test(full)) {
    const compact = full.replace(/ /g, '');
    tokens.push(compact);
    const chars = Array.from(compact); // code points, so supplementary-plane Han counts as one char
    if (chars.length >= 2 && chars.length <= 4 && ALL_CJK.test(compact)) {
      tokens.push(chars[0] ?? '', chars.slice(1).join(''));
    }
  }
  return [...new Set(tokens.filter((t) => t.length > 0))];
}

/**
 * Keyed, domain-separated blind index: hex of the first `bits` bits of
 * suite.mac(key, domain + '\0' + normalized). `domain` is e.g. 'contacts.email'.
 */
export function blindIndex(suite: CipherSuite, key: Buffer, domain: string, normalized: string, bits: number): string {
  if (!Number.isInteger(bits) || bits % 4 !== 0 || bits < 16 || bits > 256) {
    throw new Error('blind index bits must be a multiple of 4 between 16 and 256');
  }
  if (domain.length === 0 || domain.includes('\0')) throw new Error('blind index domain must be non-empty without NUL');
  const mac = suite.mac(key, `${domain}\0${normalized}`);
  if (mac.length * 8 < bits) throw new Error('blind index bits exceed the MAC length');
  return mac.toString('hex').slice(0, bits / 4);
}
