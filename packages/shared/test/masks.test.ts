import { describe, expect, it } from 'vitest';
import { maskAddress, maskDate, maskEmail, maskIdNumber, maskName, maskPhone, maskText } from '../src/masks.js';

describe('masks', () => {
  it.each([
    [maskPhone, '13800138000', '1******8000'],
    [maskPhone, '+8613800138000', '+86*******8000'],
    [maskPhone, '+86 138-0013-8000', '+86 ***-****-8000'],
    [maskPhone, '1234567', '****567'],
    [maskPhone, '12345', '*****'],
    [maskPhone, '１３８００１３８０００', '１******８０００'],
    [maskPhone, '138 ext.55 abc', '*** ***.** ***'],
    [maskEmail, 'alice@example.com', 'a***@example.com'],
    [maskEmail, 'broken', '***'],
    [maskIdNumber, '110101199003071234', '1101**********1234'],
    [maskIdNumber, '110101900307123', '110********7123'],
    [maskIdNumber, 'E12345678', 'E1*****78'],
    [maskIdNumber, '1234567', '*******'],
    [maskName, '张伟', '张*'],
    [maskName, '欧阳娜娜', '欧***'],
    [maskName, 'Alice Smith', 'A**** S****'],
    [maskDate, '1990-03-07', '1990-**-**'],
    [maskAddress, '北京市 朝阳区 建国路 1号', '北京市 ***'],
    [maskAddress, 'Nowhere', '***'],
  ])('%o(%s) = %s', (mask, input, expected) => {
    expect(mask(input)).toBe(expected);
  });

  it('never returns the input unchanged for a non-trivial value', () => {
    for (const [mask, value] of [
      [maskPhone, '13912345678'],
      [maskEmail, 'bob@example.org'],
      [maskIdNumber, '44010619401127001X'],
      [maskName, 'Bob Lee'],
    ] as const) {
      expect(mask(value)).not.toBe(value);
    }
  });
});

/** A small seeded generator (mulberry32): the property runs are random but reproducible. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const digitsOf = (s: string) => [...s].filter((c) => /\p{Nd}/u.test(c));
/** How many positions show the same digit as the input (masks keep positions). */
const shownDigits = (input: string, masked: string) => {
  const a = [...input];
  const b = [...masked];
  return a.filter((c, i) => /\p{Nd}/u.test(c) && b[i] === c).length;
};

describe('masks hide at least half, whatever the input (property, 5 000 random inputs each)', () => {
  const next = random(20261201);
  const pick = (chars: string) => chars[Math.floor(next() * chars.length)] as string;
  const randomPhone = () => {
    const length = 1 + Math.floor(next() * 20);
    let out = next() < 0.3 ? '+' : '';
    for (let i = 0; i < length; i++) out += next() < 0.15 ? pick(' -().') : pick('0123456789');
    return out;
  };

  it('phone: at least half of the digits hidden, length and separators kept, never the input back', () => {
    for (let i = 0; i < 5000; i++) {
      const phone = randomPhone();
      const masked = maskPhone(phone);
      const digits = digitsOf(phone).length;
      expect([...masked].length).toBe([...phone].length);
      expect(shownDigits(phone, masked) * 2, `${phone} → ${masked}`).toBeLessThanOrEqual(digits);
      if (digits > 0) expect(masked).not.toBe(phone);
    }
  });

  it('ID number: at least half of the characters hidden, at most 8 shown', () => {
    for (let i = 0; i < 5000; i++) {
      const length = 1 + Math.floor(next() * 24);
      let id = '';
      for (let j = 0; j < length; j++) id += pick('0123456789X');
      const masked = maskIdNumber(id);
      const shown = [...masked].filter((c) => c !== '*').length;
      expect(masked.length).toBe(id.length);
      expect(shown * 2, `${id} → ${masked}`).toBeLessThanOrEqual(id.length);
      expect(shown).toBeLessThanOrEqual(8);
    }
  });

  it('free text, e-mail and names never come back whole', () => {
    for (let i = 0; i < 5000; i++) {
      const length = 2 + Math.floor(next() * 12);
      let word = '';
      for (let j = 0; j < length; j++) word += pick('abcdefghij张王李');
      expect(maskText(word)).not.toBe(word);
      expect(maskName(word)).not.toBe(word);
      expect(maskEmail(`${word}@example.com`)).not.toBe(`${word}@example.com`);
    }
  });
});

describe('free-text mask', () => {
  it('keeps only the first character', () => {
    expect(maskText('wx_zhangwei88')).toBe('w***');
    expect(maskText('总经理')).toBe('总***');
  });
});
