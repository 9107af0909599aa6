import { describe, expect, it } from 'vitest';
import { hashPassword } from '../../src/platform/identity/password-hash.js';
import {
  checkPassword,
  type PasswordContext,
  type PasswordProblemCode,
  type PasswordProfile,
  passwordExpired,
  passwordHistoryLength,
  passwordMaxAgeDays,
} from '../../src/platform/identity/password-policy.js';

const user: PasswordContext = { email: 'jsmith@example.com', name: 'Margaret Thornbury' };
const strongPassphrase = 'violet-canyon-harbor-71';
/** 128 code points but 256 UTF-16 units: length counts code points. */
const astral128 = `violet-canyon-harbor-71-${'𝒜'.repeat(104)}`;

type Row = readonly [password: string, context: PasswordContext, codes: readonly PasswordProblemCode[]];

const intl: readonly Row[] = [
  [strongPassphrase, {}, []],
  ['mellow tangerine submarine', user, []],
  ['Zq8!vR2#mT5wKp', user, []],
  // zxcvbn-ts finds no dictionary word in it ("troubador" is misspelt) and rates it brute force (score 4).
  ['Tr0ub4dor&3xyz', user, []],
  ['Tr0ub4dor&3', user, ['too_short']],
  ['correcthors', {}, ['too_short']],
  ['correcthorse', {}, ['too_weak']], // exactly 12: long enough, but two common words
  ['🔒'.repeat(11), {}, ['too_short']], // 22 UTF-16 units, 11 code points
  [astral128, {}, []],
  [`${astral128}x`, {}, ['too_long']],
  ['a'.repeat(129), {}, ['too_long']],
  ['x'.repeat(100_000), {}, ['too_long']],
  ['password1234', {}, ['common']],
  ['Password123!', {}, ['common']], // trailing digits and symbols stripped, case ignored
  ['MONKEY12345678', {}, ['common']],
  ['ｐａｓｓｗｏｒｄ１２３４', {}, ['common']], // full-width, NFKC → "password1234"
  ['aaaaaaaaaaaaaa', {}, ['too_weak']],
  ['abcdefghijklmn', {}, ['too_weak']],
  ['dragon!dragon!', {}, ['too_weak']],
  ['jsmith-violet-canyon-71', user, ['contains_identity']],
  ['Violet-JSmith-Canyon-71', user, ['contains_identity']],
  ['thornbury violet canyon', user, ['contains_identity']],
  ['violet canyon harbor', { name: 'Li Wei' }, []], // name tokens under 4 characters are not refused
  ['alllowercaseletters long enough', user, []], // no composition rules
];

const cn: readonly Row[] = [
  [strongPassphrase, {}, []], // lower, digit, symbol
  ['Violet-Canyon-Harbor-71', user, []],
  ['Zq8!vR2#mT5wKp', user, []],
  ['alllowercaseletters long enough', user, ['needs_classes']],
  ['mellow tangerine submarine', user, ['needs_classes']],
  ['MellowTangerineSubmarine', user, ['needs_classes']], // lower + upper only
  ['password1234', {}, ['common', 'needs_classes']],
  ['Password123!', {}, ['common']],
  ['correcthors', {}, ['too_short', 'needs_classes']],
  ['Tr0ub4dor&3', {}, ['too_short']],
  ['a'.repeat(129), {}, ['too_long']],
  ['jsmith-violet-canyon-71', user, ['contains_identity']],
  ['dragon!dragon!', {}, ['needs_classes', 'too_weak']],
  ['Dragon1Dragon1', {}, ['too_weak']],
];

const label = (password: string) => (password.length > 40 ? `${password.slice(0, 12)}… (${[...password].length} code points)` : password);
const cases = (['intl', 'cn-mlps3'] as const).flatMap((profile: PasswordProfile) =>
  (profile === 'intl' ? intl : cn).map(([password, context, codes]) => [profile, label(password), codes, password, context] as const),
);

describe('password policy', () => {
  it.each(cases)('%s: %s → %j', async (profile, _label, codes, password, context) => {
    const problems = await checkPassword(profile, password, context);
    expect(problems.map((p) => p.code)).toEqual(codes);
    for (const { message } of problems) {
      expect(message).toMatch(/^[A-Z].*\.$/);
      expect(message).not.toContain(password);
      expect(message.toLowerCase()).not.toContain(password.normalize('NFKC').toLowerCase());
    }
  });

  it('exports the profile parameters', () => {
    expect(passwordHistoryLength).toEqual({ intl: 0, 'cn-mlps3': 5 });
    expect(passwordMaxAgeDays).toEqual({ intl: null, 'cn-mlps3': 90 });
  });

  describe('history (cn-mlps3)', () => {
    const passwords = [
      'Oldest-Granite-Kettle-11',
      'Amber-Falcon-Meadow-22',
      'Cobalt-Lantern-Ridge-33',
      'Dusky-Orchid-Summit-44',
      'Ember-Quartz-Willow-55',
      'Frosty-Tulip-Harbour-66',
    ];
    const hashes = Promise.all(passwords.map(hashPassword));
    /** The last 5, newest first: the oldest of the six is no longer passed. */
    const lastFive = async () => (await hashes).slice(1).reverse();

    it.each(passwords.slice(1))('refuses %s, one of the last 5', async (password) => {
      const problems = await checkPassword('cn-mlps3', password, { ...user, previousHashes: await lastFive() });
      expect(problems.map((p) => p.code)).toEqual(['reused']);
      expect(problems[0]?.message).not.toContain(password);
    });

    it('allows the 6th-oldest password, which is no longer in the history', async () => {
      expect(await checkPassword('cn-mlps3', passwords[0]!, { previousHashes: await lastFive() })).toEqual([]);
    });

    it('allows a new password and ignores malformed hashes', async () => {
      const previousHashes = [...(await lastFive()), 'not-a-hash'];
      expect(await checkPassword('cn-mlps3', 'Gentle-Pebble-Voyage-77', { previousHashes })).toEqual([]);
    });

    it('compares the password exactly as received', async () => {
      const problems = await checkPassword('cn-mlps3', 'amber-falcon-meadow-22', { previousHashes: await lastFive() });
      expect(problems).toEqual([]);
    });

    it('has no history under intl', async () => {
      const [newest] = await lastFive();
      expect(await checkPassword('intl', passwords[5]!, { previousHashes: [newest!] })).toEqual([]);
    });
  });

  describe('expiry', () => {
    const changedAt = new Date('2025-01-01T00:00:00Z');
    const after = (days: number) => new Date(changedAt.getTime() + days * 24 * 60 * 60 * 1000);

    it.each([
      ['cn-mlps3', 0, false],
      ['cn-mlps3', 89, false],
      ['cn-mlps3', 91, true],
      ['intl', 91, false],
      ['intl', 3650, false],
    ] as const)('%s after %i days: expired %s', (profile, days, expired) => {
      expect(passwordExpired(profile, changedAt, after(days))).toBe(expired);
    });

    it('fails closed on an invalid change date', () => {
      expect(passwordExpired('cn-mlps3', new Date(Number.NaN), after(1))).toBe(true);
    });

    it('defaults now to the current time', () => {
      expect(passwordExpired('cn-mlps3', new Date())).toBe(false);
      expect(passwordExpired('cn-mlps3', new Date(Date.now() - 91 * 24 * 60 * 60 * 1000))).toBe(true);
    });
  });
});
