import { describe, expect, it } from 'vitest';
import { ApiError } from '../../src/api/api-error';
import { afterSignIn, passwordProblems, readFragment, recoveryCodesFileName, recoveryCodesText, safeNext } from '../../src/features/auth/auth-links';

describe('where sign-in leads', () => {
  it('follows only paths of this app', () => {
    expect(safeNext('/contacts?view=mine')).toBe('/contacts?view=mine');
    expect(safeNext(null)).toBe('/');
    expect(safeNext('')).toBe('/');
    expect(safeNext('https://evil.example/')).toBe('/');
    expect(safeNext('//evil.example/')).toBe('/');
    expect(safeNext('/\\evil.example')).toBe('/');
    expect(safeNext('javascript:alert(1)')).toBe('/');
    expect(safeNext('/a\nb')).toBe('/');
    expect(safeNext('/sign-in?next=/x')).toBe('/');
    expect(safeNext('/welcome')).toBe('/');
  });

  it('sends a restricted session or a due password change to the first-sign-in steps, keeping next', () => {
    const full = { sessionKind: 'full' as const, expiresAt: '', csrfToken: '', mfaEnrolmentRequired: false, passwordChangeRequired: false };
    expect(afterSignIn(full, '/deals')).toEqual({ path: '/deals', passwordChangeRequired: false });
    expect(afterSignIn({ ...full, sessionKind: 'restricted', mfaEnrolmentRequired: true }, '/deals')).toEqual({
      path: '/welcome?next=%2Fdeals',
      passwordChangeRequired: false,
    });
    expect(afterSignIn({ ...full, sessionKind: 'restricted', passwordChangeRequired: true }, '/')).toEqual({
      path: '/welcome?next=%2F',
      passwordChangeRequired: true,
    });
  });
});

describe('the fragment', () => {
  it('carries the single sign-on outcome and link tokens, nothing else', () => {
    expect(readFragment('#mfa-challenge=abc%2Fdef')).toEqual({ ssoLinkRequired: false, mfaChallenge: 'abc/def' });
    expect(readFragment('#sso-link-required')).toEqual({ ssoLinkRequired: true });
    expect(readFragment('#token=t0ken_value-123')).toEqual({ ssoLinkRequired: false, token: 't0ken_value-123' });
    expect(readFragment('')).toEqual({ ssoLinkRequired: false });
    expect(readFragment('#token=%E0%A4%A')).toEqual({ ssoLinkRequired: false });
    expect(readFragment('#other=1&mfa-challenge=')).toEqual({ ssoLinkRequired: false });
  });
});

describe('a refused new password', () => {
  it('gives the problem codes of the 422 answer', () => {
    expect(passwordProblems(new ApiError(422, 'unprocessable', 'x', undefined, ['too_short', 'common']))).toEqual(['too_short', 'common']);
    expect(passwordProblems(new ApiError(401, 'unauthenticated', 'x'))).toEqual([]);
    expect(passwordProblems(new Error('x'))).toEqual([]);
  });
});

describe('recovery codes download', () => {
  it('is one code a line under a heading, in a file named for the account', () => {
    expect(recoveryCodesText('Codes', ['a', 'b'])).toBe('Codes\n\na\nb\n');
    expect(recoveryCodesFileName('li.lei@example.cn')).toBe('castellan-recovery-codes-li.lei_example.cn.txt');
  });
});
