import { verify } from '@node-rs/argon2';
import { isCommonPassword } from './common-passwords.js';
import { strengthScore } from './password-strength.js';

/**
 * Password policy profiles (SPEC 2.3):
 * - `intl`: NIST SP 800-63B / OWASP ASVS 5.0 — 12..128 code points after NFKC, not on the common /
 *   breached list, zxcvbn score ≥ 3, no user data; no composition rules, no rotation, no history.
 * - `cn-mlps3`: 等保 2.0 level 3 practice — all of `intl`, plus 3 of 4 character classes, a maximum
 *   age of 90 days and no reuse of the last 5 passwords.
 */
export type PasswordProfile = 'intl' | 'cn-mlps3';
export type PasswordProblemCode = 'too_short' | 'too_long' | 'common' | 'too_weak' | 'contains_identity' | 'needs_classes' | 'reused';
/** `message` is English and never contains the password. */
export interface PasswordProblem {
  code: PasswordProblemCode;
  message: string;
}
/** `previousHashes`: the argon2id hashes of the user's last `passwordHistoryLength[profile]` passwords. */
export interface PasswordContext {
  email?: string;
  name?: string;
  previousHashes?: readonly string[];
}

export const passwordHistoryLength: Record<PasswordProfile, number> = { intl: 0, 'cn-mlps3': 5 };
export const passwordMaxAgeDays: Record<PasswordProfile, number | null> = { intl: null, 'cn-mlps3': 90 };

const minLength = 12;
const maxLength = 128;
const minStrengthScore = 3;
const minClasses = 3;
/** Identity tokens shorter than this are not refused inside a password (too many false hits). */
const minIdentityToken = 4;
const dayMs = 24 * 60 * 60 * 1000;

const messages: Record<PasswordProblemCode, string> = {
  too_short: `The password must have at least ${minLength} characters.`,
  too_long: `The password must have at most ${maxLength} characters.`,
  common: 'The password is on a list of common or breached passwords; choose another one.',
  too_weak: 'The password is too easy to guess; a phrase of several unrelated words is stronger.',
  contains_identity: 'The password must not contain your e-mail address or your name.',
  needs_classes: `The password must use at least ${minClasses} of: lower-case letters, upper-case letters, digits, symbols.`,
  reused: 'The password must differ from your previous passwords.',
};
const problem = (code: PasswordProblemCode): PasswordProblem => ({ code, message: messages[code] });

const normalize = (text: string): string => text.normalize('NFKC').toLowerCase();
const tokens = (text: string): string[] => text.split(/[^\p{L}\p{M}\p{N}]+/u).filter((token) => token.length > 0);

/** The user's own data: what zxcvbn gets as extra words, and what must not appear in the password. */
function identity(context: PasswordContext): { userInputs: string[]; forbidden: string[] } {
  const email = normalize(context.email ?? '');
  const at = email.lastIndexOf('@');
  const local = at < 0 ? email : email.slice(0, at);
  const domainParts =
    at < 0
      ? []
      : email
          .slice(at + 1)
          .split('.')
          .filter((part) => part.length > 0);
  const personal = [local, ...tokens(local), ...tokens(normalize(context.name ?? ''))].filter((t) => t.length > 0);
  return {
    userInputs: [...new Set([...personal, ...domainParts])],
    forbidden: [...new Set(personal.filter((t) => [...t].length >= minIdentityToken))],
  };
}

/** Lower case, upper case, digits, anything else (symbols, spaces, letters without case). */
function characterClasses(password: string): number {
  const classes = [/\p{Ll}/u, /[\p{Lu}\p{Lt}]/u, /\p{Nd}/u, /[^\p{Ll}\p{Lu}\p{Lt}\p{Nd}]/u];
  return classes.filter((pattern) => pattern.test(password)).length;
}

async function matchesAny(hashes: readonly string[], password: string): Promise<boolean> {
  const results = await Promise.all(hashes.map((stored) => verify(stored, password).catch(() => false)));
  return results.some(Boolean);
}

/**
 * Problems with a new password under the profile; [] means acceptable. A too long password is
 * refused at once; the strength estimate runs only when the password is long enough, not common and
 * free of user data; the history only when nothing but the strength estimate is wrong.
 */
export async function checkPassword(profile: PasswordProfile, password: string, context: PasswordContext = {}): Promise<PasswordProblem[]> {
  // NFKC shrinks text by far less than 8:1, so longer input cannot come back within the limit.
  if (password.length > maxLength * 8) return [problem('too_long')];
  const normalized = password.normalize('NFKC');
  const length = [...normalized].length;
  if (length > maxLength) return [problem('too_long')];

  const problems: PasswordProblem[] = [];
  if (length < minLength) problems.push(problem('too_short'));
  if (await isCommonPassword(normalized)) problems.push(problem('common'));
  const { userInputs, forbidden } = identity(context);
  const lower = normalized.toLowerCase();
  if (forbidden.some((token) => lower.includes(token))) problems.push(problem('contains_identity'));
  const cn = profile === 'cn-mlps3';
  if (cn && characterClasses(normalized) < minClasses) problems.push(problem('needs_classes'));

  // Started before the (synchronous) strength estimate so that argon2 runs on the thread pool meanwhile.
  const history = cn && problems.length === 0 ? (context.previousHashes ?? []) : [];
  const reused = history.length > 0 ? matchesAny(history, password) : Promise.resolve(false);
  const skipEstimate = problems.some((p) => p.code !== 'needs_classes');
  if (!skipEstimate && (await strengthScore(normalized, userInputs)) < minStrengthScore) {
    problems.push(problem('too_weak'));
  }
  if (await reused) problems.push(problem('reused'));
  return problems;
}

/** Whether a password last changed at `changedAt` must be changed now (only `cn-mlps3` expires). */
export function passwordExpired(profile: PasswordProfile, changedAt: Date, now: Date = new Date()): boolean {
  const maxAgeDays = passwordMaxAgeDays[profile];
  if (maxAgeDays === null) return false;
  const age = now.getTime() - changedAt.getTime();
  if (Number.isNaN(age)) return true; // an unknown change date fails closed
  return age >= maxAgeDays * dayMs;
}
