import { ApiError } from '../../api/api-error';

/**
 * Where to go after signing in: only a path of this app (`/…`, never `//host` or `https://…`), so a
 * crafted sign-in link cannot send the person to another site.
 */
export function safeNext(next: string | null | undefined, fallback = '/'): string {
  if (!next?.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return fallback;
  if ([...next].some((char) => char.charCodeAt(0) < 0x20)) return fallback;
  if (next.startsWith('/sign-in') || next.startsWith('/welcome')) return fallback;
  return next;
}

export interface AuthFragment {
  /** Single sign-on came back and asks for the second factor of this challenge. */
  mfaChallenge?: string;
  /** Single sign-on came back with an identity that claims an existing account: prove it by signing in. */
  ssoLinkRequired: boolean;
  /** The token of a reset or enrolment link. */
  token?: string;
}

/** What the address's fragment carries (`#mfa-challenge=…`, `#sso-link-required`, `#token=…`): it never reaches a server. */
export function readFragment(hash: string): AuthFragment {
  const raw = hash.startsWith('#') ? hash.slice(1) : hash;
  const out: AuthFragment = { ssoLinkRequired: false };
  for (const part of raw.split('&')) {
    if (!part) continue;
    const at = part.indexOf('=');
    const key = at < 0 ? part : part.slice(0, at);
    let value = '';
    try {
      value = at < 0 ? '' : decodeURIComponent(part.slice(at + 1));
    } catch {
      value = '';
    }
    if (key === 'sso-link-required') out.ssoLinkRequired = true;
    else if (key === 'mfa-challenge' && value) out.mfaChallenge = value;
    else if (key === 'token' && value) out.token = value;
  }
  return out;
}

export const passwordProblemCodes = ['too_short', 'too_long', 'common', 'too_weak', 'contains_identity', 'needs_classes', 'reused'] as const;

/** The problem codes of a refused new password (422 `unprocessable`, details = the codes). */
export function passwordProblems(error: unknown): string[] {
  if (!(error instanceof ApiError) || error.code !== 'unprocessable' || !Array.isArray(error.details)) return [];
  return error.details.filter((code): code is string => typeof code === 'string');
}

/** The e-mail and password step answers either a session or a challenge for the second factor. */
export type LoginAnswer =
  | { mfaRequired: true; challengeId: string; expiresAt: string }
  | { sessionKind: 'full' | 'restricted'; expiresAt: string; csrfToken: string; mfaEnrolmentRequired: boolean; passwordChangeRequired: boolean };

export type SessionAnswer = Exclude<LoginAnswer, { mfaRequired: true }>;

export const needsChallenge = (answer: LoginAnswer): answer is Extract<LoginAnswer, { mfaRequired: true }> => 'mfaRequired' in answer && answer.mfaRequired;

/** After a sign-in step that ended in a session: the first-sign-in steps, or the page asked for. */
export function afterSignIn(answer: SessionAnswer, next: string): { path: string; passwordChangeRequired: boolean } {
  if (answer.sessionKind === 'restricted' || answer.mfaEnrolmentRequired || answer.passwordChangeRequired)
    return { path: `/welcome?next=${encodeURIComponent(next)}`, passwordChangeRequired: answer.passwordChangeRequired };
  return { path: next, passwordChangeRequired: false };
}

/** A file name for the downloaded recovery codes. */
export const recoveryCodesFileName = (email: string): string => `castellan-recovery-codes-${email.replace(/[^\w.-]+/g, '_')}.txt`;

/** The text of the downloaded recovery codes. */
export const recoveryCodesText = (heading: string, codes: readonly string[]): string => `${heading}\n\n${codes.join('\n')}\n`;
