import { describe, expect, it } from 'vitest';
import { aes256GcmSuite } from '../../../src/platform/crypto/aes-256-gcm.suite.js';
import { blindIndex, nameTokens, normalizeEmail, normalizeIdNumber, normalizePhone } from '../../../src/platform/crypto/blind-index.js';
import { sm4CtrHmacSm3Suite } from '../../../src/platform/crypto/sm4-ctr-hmac-sm3.suite.js';

describe('normalizeEmail', () => {
  it.each([
    ['  Alice@Example.COM ', 'alice@example.com'],
    ['bob@example.com', 'bob@example.com'],
    ['ＡＬＩＣＥ＠ｅｘａｍｐｌｅ．ｃｏｍ', 'alice@example.com'], // full-width (NFKC)
    ['\tCarol.Smith+crm@Mail.Example.org\n', 'carol.smith+crm@mail.example.org'],
  ])('%j -> %j', (input, expected) => {
    expect(normalizeEmail(input)).toBe(expected);
  });

  it.each(['alice.example.com', '', '   ', '@example.com', 'alice@'])('rejects %j without echoing it', (input) => {
    expect(() => normalizeEmail(input)).toThrow('invalid email address');
  });
});

describe('normalizePhone', () => {
  it.each([
    ['138 0013 8000', '+8613800138000'],
    ['+86 138-0013-8000', '+8613800138000'],
    ['008613800138000', '+8613800138000'],
    ['(+86) 138.0013.8000', '+8613800138000'],
    ['１３８００１３８０００', '+8613800138000'], // full-width digits
    ['010-6552 9988', '+861065529988'], // trunk 0 dropped for the default country
    ['+1 (415) 555-2671', '+14155552671'],
    ['0044 20 7946 0958', '+442079460958'],
  ])('%j -> %j', (input, expected) => {
    expect(normalizePhone(input)).toBe(expected);
  });

  it('uses the given default country code', () => {
    expect(normalizePhone('020 7946 0958', '44')).toBe('+442079460958');
    expect(normalizePhone('(415) 555-2671', '1')).toBe('+14155552671');
    expect(() => normalizePhone('12345678', '0')).toThrow();
  });

  it.each(['', 'abc', '+0123456789', '+12345', '+1234567890123456', '138-0013-800O'])('rejects %j', (input) => {
    expect(() => normalizePhone(input)).toThrow('invalid phone number');
  });
});

describe('normalizeIdNumber', () => {
  it.each([
    ['110101199003071234', '110101199003071234'],
    ['11010519491231002x', '11010519491231002X'],
    [' 110101 19900307 123x ', '11010119900307123X'],
    ['g1234-5678', 'G12345678'],
    ['１１０１０１１９９００３０７１２３４', '110101199003071234'],
  ])('%j -> %j', (input, expected) => {
    expect(normalizeIdNumber(input)).toBe(expected);
  });
  it('rejects an empty value', () => {
    expect(() => normalizeIdNumber(' - ')).toThrow();
  });
});

describe('nameTokens', () => {
  it('splits a 2-char CJK name into full name, family name and given name', () => {
    expect(nameTokens('张伟')).toEqual(['张伟', '张', '伟']);
  });
  it('handles a spaced CJK name', () => {
    const t = nameTokens(' 张  伟 ');
    expect(t).toEqual(expect.arrayContaining(['张 伟', '张', '伟', '张伟']));
    expect(new Set(t).size).toBe(t.length);
  });
  it('handles 3- and 4-char CJK names, and supplementary-plane Han characters', () => {
    expect(nameTokens('欧阳娜娜')).toEqual(['欧阳娜娜', '欧', '阳娜娜']);
    expect(nameTokens('李小龙')).toEqual(['李小龙', '李', '小龙']);
    expect(nameTokens('𠀋一')).toEqual(['𠀋一', '𠀋', '一']);
    expect(nameTokens('爱新觉罗溥仪')).toEqual(['爱新觉罗溥仪']); // > 4 chars: no split
  });
  it('tokenises Latin names by whitespace, lower-cased', () => {
    expect(nameTokens('Mary  Ann SMITH')).toEqual(['mary ann smith', 'mary', 'ann', 'smith']);
    expect(nameTokens('Ｍａｒｙ')).toEqual(['mary']);
  });
  it('returns nothing for blank input and never an empty token', () => {
    expect(nameTokens('   ')).toEqual([]);
    expect(nameTokens('a\u3000 b').every((t) => t.length > 0)).toBe(true);
  });
});

describe('blindIndex', () => {
  const key = Buffer.alloc(32, 5);

  it('is deterministic, keyed and hex of the first bits of the MAC', () => {
    const a = blindIndex(aes256GcmSuite, key, 'contacts.email', 'alice@example.com', 64);
    expect(a).toBe(blindIndex(aes256GcmSuite, key, 'contacts.email', 'alice@example.com', 64));
    expect(a).toMatch(/^[0-9a-f]{16}$/);
    const full = aes256GcmSuite.mac(key, 'contacts.email\0alice@example.com').toString('hex');
    expect(full.startsWith(a)).toBe(true);
    expect(blindIndex(aes256GcmSuite, key, 'contacts.email', 'alice@example.com', 256)).toBe(full);
    expect(blindIndex(aes256GcmSuite, Buffer.alloc(32, 6), 'contacts.email', 'alice@example.com', 64)).not.toBe(a);
    expect(blindIndex(aes256GcmSuite, key, 'contacts.email', 'bob@example.com', 64)).not.toBe(a);
  });

  it('separates domains and suites', () => {
    const email = blindIndex(aes256GcmSuite, key, 'contacts.email', 'x', 128);
    expect(blindIndex(aes256GcmSuite, key, 'leads.email', 'x', 128)).not.toBe(email);
    expect(blindIndex(sm4CtrHmacSm3Suite, key, 'contacts.email', 'x', 128)).not.toBe(email);
    // a NUL in the domain could shift the domain/value boundary, so it is refused
    expect(() => blindIndex(aes256GcmSuite, key, 'contacts.email\0x', '', 128)).toThrow();
    expect(() => blindIndex(aes256GcmSuite, key, '', 'x', 128)).toThrow();
  });

  it.each([16, 20, 32, 100, 256])('returns %i bits', (bits) => {
    expect(blindIndex(sm4CtrHmacSm3Suite, key, 'contacts.phone', '+8613800138000', bits)).toHaveLength(bits / 4);
  });

  it.each([0, 12, 15, 17, 260, 512, 32.5, Number.NaN])('rejects %d bits', (bits) => {
    expect(() => blindIndex(aes256GcmSuite, key, 'contacts.email', 'x', bits)).toThrow();
  });
});
