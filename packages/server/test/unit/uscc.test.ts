import { isUscc, usccCheckCharacter, usccProblem } from '@castellan/shared';
import { describe, expect, it } from 'vitest';

/**
 * 统一社会信用代码 check characters (GB 32100-2015). Valid codes: the standard's worked example and
 * codes published by the companies themselves (business licences, annual reports).
 */
describe('USCC validator (GB 32100-2015)', () => {
  it.each([
    ['91350100M000100Y43', 'worked example of GB 32100-2015'],
    ['914403001922038216', '华为技术有限公司'],
    ['91440300708461136T', '深圳市腾讯计算机系统有限公司'],
    ['9144030071526726XG', '腾讯科技（深圳）有限公司'],
    ['91110000802100433B', '北京百度网讯科技有限公司'],
    ['91110108551385082Q', '小米科技有限责任公司'],
    ['91330100716105852F', '阿里巴巴（中国）有限公司'],
  ])('accepts %s (%s)', (code) => {
    expect(usccProblem(code)).toBeNull();
    expect(isUscc(code.toLowerCase())).toBe(true);
    expect(usccCheckCharacter(code.slice(0, 17))).toBe(code[17]);
  });

  it.each([
    ['914403001922038217', 'the check character is wrong (GB 32100-2015: expected 6)'],
    ['91440300708461136X', 'the check character is wrong (GB 32100-2015: expected T)'],
    ['91350100M000100Y44', 'the check character is wrong (GB 32100-2015: expected 3)'],
    ['91440300192203821', 'must be 18 characters (got 17)'],
    ['9144030019220382166', 'must be 18 characters (got 19)'],
    ['', 'must be 18 characters (got 0)'],
    ['9144030019220382I6', '"I" is not allowed (digits and A-H J-N P-R T-U W-Y only)'],
    ['9144030019220382O6', '"O" is not allowed (digits and A-H J-N P-R T-U W-Y only)'],
    ['91440300192203821S', '"S" is not allowed (digits and A-H J-N P-R T-U W-Y only)'],
    ['91440300192203821V', '"V" is not allowed (digits and A-H J-N P-R T-U W-Y only)'],
    ['91440300192203821Z', '"Z" is not allowed (digits and A-H J-N P-R T-U W-Y only)'],
    ['9144030019220382-6', '"-" is not allowed (digits and A-H J-N P-R T-U W-Y only)'],
  ])('refuses %s: %s', (code, problem) => {
    expect(usccProblem(code)).toBe(problem);
    expect(isUscc(code)).toBe(false);
  });

  it('a check value of 31 is written 0, and every single-character change of a valid code is caught', () => {
    // 31 − (Σ mod 31) is 31 exactly when the sum is a multiple of 31: that code ends in 0.
    expect(usccCheckCharacter('00000000000000000')).toBe('0');
    const valid = '914403001922038216';
    const alphabet = '0123456789ABCDEFGHJKLMNPQRTUWXY';
    for (let i = 0; i < 18; i++)
      for (const c of alphabet) {
        if (c === valid[i]) continue;
        expect(isUscc(`${valid.slice(0, i)}${c}${valid.slice(i + 1)}`), `position ${i + 1} → ${c}`).toBe(false);
      }
  });
});
