import { ApiError } from '../../api/api-error';

/** What a sign-in step refused, said for the step: wrong password, wrong code, expired challenge; anything else as the app says it. */
export type AuthStep = 'login' | 'code' | 'passkey' | 'currentPassword' | 'link';

export function authErrorKey(step: AuthStep, error: unknown): string | null {
  if (
    !(error instanceof ApiError) &&
    error instanceof Error &&
    /NotAllowed|Abort|WebAuthn|InvalidState|Security/.test(`${error.name} ${(error as { code?: string }).code ?? ''}`)
  )
    return 'auth:errors.passkeyCancelled';
  if (!(error instanceof ApiError) || error.status !== 401) return null;
  if (/challenge/i.test(error.message)) return 'auth:errors.challengeExpired';
  switch (step) {
    case 'login':
      return 'auth:errors.invalidCredentials';
    case 'code':
      return 'auth:errors.invalidCode';
    case 'passkey':
      return 'auth:errors.passkeyRefused';
    case 'currentPassword':
      return 'auth:errors.wrongCurrentPassword';
    default:
      return null;
  }
}
