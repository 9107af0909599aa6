import { describe, expect, it } from 'vitest';
import { ApiError, NetworkError } from '../../src/api/api-error';
import { authErrorKey } from '../../src/features/auth/auth-errors';

describe('what a refused sign-in step says', () => {
  const unauthenticated = (message: string) => new ApiError(401, 'unauthenticated', message);

  it('names the step that failed: password, code, passkey, current password', () => {
    expect(authErrorKey('login', unauthenticated('invalid e-mail or password'))).toBe('auth:errors.invalidCredentials');
    expect(authErrorKey('code', unauthenticated('the code is not valid'))).toBe('auth:errors.invalidCode');
    expect(authErrorKey('passkey', unauthenticated('the passkey is not valid'))).toBe('auth:errors.passkeyRefused');
    expect(authErrorKey('currentPassword', unauthenticated('the current password is wrong'))).toBe('auth:errors.wrongCurrentPassword');
  });

  it('says when the sign-in challenge has run out, whatever the step', () => {
    expect(authErrorKey('code', unauthenticated('the sign-in challenge is not valid; sign in again'))).toBe('auth:errors.challengeExpired');
  });

  it('says a cancelled passkey request is not a refusal', () => {
    const cancelled = new Error('The operation either timed out or was not allowed.');
    cancelled.name = 'NotAllowedError';
    expect(authErrorKey('passkey', cancelled)).toBe('auth:errors.passkeyCancelled');
  });

  it('leaves everything else to the app-wide messages', () => {
    expect(authErrorKey('login', new ApiError(429, 'rate_limited', 'too many failed attempts'))).toBeNull();
    expect(authErrorKey('login', new NetworkError())).toBeNull();
    expect(authErrorKey('link', unauthenticated('x'))).toBeNull();
  });
});
