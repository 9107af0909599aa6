import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { hashRecoveryCode, matchRecoveryCode, newRecoveryCodes, RECOVERY_CODE_ALPHABET } from '../../src/platform/identity/recovery-codes.js';

const pepper = Buffer.alloc(32, 7);
const otherPepper = Buffer.alloc(32, 8);

describe('recovery codes', () => {
  it('uses a 32-symbol alphabet without look-alikes (≥ 50 bits per code)', () => {
    expect(new Set(RECOVERY_CODE_ALPHABET).size).toBe(32);
    for (const lookAlike of 'ilou') expect(RECOVERY_CODE_ALPHABET).not.toContain(lookAlike);
    expect(10 * Math.log2(RECOVERY_CODE_ALPHABET.length)).toBeGreaterThanOrEqual(50);
  });

  it('makes 10 distinct codes in the xxxxx-xxxxx format', () => {
    const codes = newRecoveryCodes();
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    for (const code of codes) expect(code).toMatch(/^[0-9a-hjkmnp-tv-z]{5}-[0-9a-hjkmnp-tv-z]{5}$/);
  });

  it('honours a custom count and refuses a silly one', () => {
    expect(newRecoveryCodes(3)).toHaveLength(3);
    expect(() => newRecoveryCodes(0)).toThrow(RangeError);
    expect(() => newRecoveryCodes(1.5)).toThrow(RangeError);
  });

  it('uses every symbol of the alphabet (randomness sanity check)', () => {
    const seen = new Set(newRecoveryCodes(100).join('').replace(/-/g, ''));
    expect(seen.size).toBe(32);
  });

  it('hashes as HMAC-SHA-256 of the normalised code, hex', () => {
    expect(hashRecoveryCode(pepper, 'abcde-fghjk')).toBe(createHmac('sha256', pepper).update('abcdefghjk').digest('hex'));
    expect(hashRecoveryCode(pepper, 'abcde-fghjk')).toMatch(/^[0-9a-f]{64}$/);
  });

  it('normalises case, hyphens and spaces before hashing', () => {
    const expected = hashRecoveryCode(pepper, 'abcde-fghjk');
    for (const variant of ['ABCDE-FGHJK', 'abcdefghjk', ' abcde fghjk ', 'AbCdE - fGhJk', 'ab-cde-fg-hjk']) {
      expect(hashRecoveryCode(pepper, variant)).toBe(expected);
    }
    expect(hashRecoveryCode(pepper, 'abcde-fghjm')).not.toBe(expected);
  });

  it('gives different hashes under different peppers', () => {
    expect(hashRecoveryCode(pepper, 'abcde-fghjk')).not.toBe(hashRecoveryCode(otherPepper, 'abcde-fghjk'));
  });

  it('refuses a short pepper', () => {
    expect(() => hashRecoveryCode(Buffer.alloc(8), 'abcde-fghjk')).toThrow(RangeError);
  });

  it('matches a presented code to the index of its stored hash', () => {
    const codes = newRecoveryCodes();
    const stored = codes.map((code) => hashRecoveryCode(pepper, code));
    codes.forEach((code, index) => {
      expect(matchRecoveryCode(pepper, code, stored)).toBe(index);
    });
    const fourth = codes[3] ?? '';
    expect(matchRecoveryCode(pepper, ` ${fourth.toUpperCase().replace('-', ' ')} `, stored)).toBe(3);
  });

  it('returns -1 for a wrong code, a used (removed) code, another pepper, or junk', () => {
    const codes = newRecoveryCodes();
    const stored = codes.map((code) => hashRecoveryCode(pepper, code));
    const first = codes[0] ?? '';
    expect(matchRecoveryCode(pepper, 'zzzzz-zzzzz', stored)).toBe(-1);
    expect(matchRecoveryCode(pepper, first, stored.slice(1))).toBe(-1);
    expect(matchRecoveryCode(otherPepper, first, stored)).toBe(-1);
    expect(matchRecoveryCode(pepper, '', stored)).toBe(-1);
    expect(matchRecoveryCode(pepper, ' - ', stored)).toBe(-1);
    expect(matchRecoveryCode(pepper, first, [])).toBe(-1);
    expect(matchRecoveryCode(pepper, first, ['', 'not-a-hash', ...stored.slice(1)])).toBe(-1);
  });

  it('still finds the match among malformed stored entries', () => {
    const [code = ''] = newRecoveryCodes(1);
    expect(matchRecoveryCode(pepper, code, ['', 'xyz', hashRecoveryCode(pepper, code).toUpperCase()])).toBe(2);
  });
});
