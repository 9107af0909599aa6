import { describe, expect, it } from 'vitest';
import { maskAddress, maskDate, maskEmail, maskIdNumber, maskName, maskPhone } from '../src/masks.js';

describe('masks', () => {
  it.each([
    [maskPhone, '13800138000', '138****8000'],
    [maskPhone, '+8613800138000', '+86138****8000'],
    [maskPhone, '12345', '*****'],
    [maskEmail, 'alice@example.com', 'a***@example.com'],
    [maskEmail, 'broken', '***'],
    [maskIdNumber, '110101199003071234', '1101**********1234'],
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

describe('free-text mask', () => {
  it('keeps only the first character', async () => {
    const { maskText } = await import('../src/masks.js');
    expect(maskText('wx_zhangwei88')).toBe('w***');
    expect(maskText('总经理')).toBe('总***');
  });
});
