import { defaultRevealReasons } from '@castellan/shared';
import { describe, expect, it } from 'vitest';
import { checkRevealReason } from '../../src/platform/data/reveal-reason.js';

const codes = [...defaultRevealReasons];

describe('reveal reasons', () => {
  it.each([
    [{ code: 'caller_verification' }, { code: 'caller_verification' }],
    [
      { code: 'complaint', note: '  customer disputes the March invoice  ' },
      { code: 'complaint', note: 'customer disputes the March invoice' },
    ],
    [{ code: 'legal_request', note: '   ' }, { code: 'legal_request' }],
    [
      { code: 'other', note: 'regulator inspection' },
      { code: 'other', note: 'regulator inspection' },
    ],
  ])('accepts %o', (reason, checked) => {
    expect(checkRevealReason(codes, reason)).toEqual(checked);
  });

  it.each([
    [{ code: 'curiosity' }, /reason must be one of: caller_verification, complaint/],
    [{ code: 'other' }, /the reason "other" needs a note/],
    [{ code: 'other', note: ' ' }, /the reason "other" needs a note/],
    [{ code: 'complaint', note: 'x'.repeat(501) }, /at most 500 characters/],
  ])('refuses %o with a 400', (reason, message) => {
    expect(() => checkRevealReason(codes, reason)).toThrow(message);
    try {
      checkRevealReason(codes, reason);
    } catch (error) {
      expect(error).toMatchObject({ status: 400, code: 'validation_failed' });
    }
  });

  it('follows the configured list', () => {
    expect(() => checkRevealReason(['court_order'], { code: 'complaint' })).toThrow(/one of: court_order/);
    expect(checkRevealReason(['court_order'], { code: 'court_order' })).toEqual({ code: 'court_order' });
  });
});
