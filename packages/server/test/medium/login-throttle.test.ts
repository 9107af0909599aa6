import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  accountRule,
  claimAttempt,
  recordFailure,
  recordSuccess,
  refundClaim,
  secondFactorRule,
  throttleDelay,
} from '../../src/platform/identity/login-throttle.js';
import { testDialects } from '../helpers/databases.js';
import { createTestInstall, type TestInstall } from '../helpers/test-install.js';

describe.each(testDialects)('sign-in throttle on %s', (dialect) => {
  let install: TestInstall;
  beforeAll(async () => {
    install = await createTestInstall(dialect);
  });
  afterAll(async () => install?.cleanup());

  const row = (key: string) => install.kernel.db.kysely.selectFrom('login_throttle').selectAll().where('key', '=', key).executeTakeFirstOrThrow();

  it('backs off exponentially after 5 consecutive failures', async () => {
    const db = install.kernel.db.kysely;
    const start = new Date('2026-01-01T08:00:00Z');
    for (let i = 0; i < 5; i++) await recordFailure(db, 'acct:backoff', accountRule, start);
    expect(await throttleDelay(db, 'acct:backoff', start)).toBe(0);
    await recordFailure(db, 'acct:backoff', accountRule, start);
    expect(await throttleDelay(db, 'acct:backoff', start)).toBe(1000);
    await recordFailure(db, 'acct:backoff', accountRule, start);
    expect(await throttleDelay(db, 'acct:backoff', start)).toBe(2000);
    for (let i = 0; i < 20; i++) await recordFailure(db, 'acct:backoff', accountRule, start);
    expect(await throttleDelay(db, 'acct:backoff', start)).toBe(15 * 60_000);
    await recordSuccess(db, 'acct:backoff');
    expect(await throttleDelay(db, 'acct:backoff', start)).toBe(0);
  });

  it('throttles the 101st failure in an hour even when successes keep resetting the back-off', async () => {
    const db = install.kernel.db.kysely;
    let now = new Date('2026-01-01T09:00:00Z');
    for (let i = 1; i <= 100; i++) {
      expect(await throttleDelay(db, 'acct:cap', now), `attempt ${i}`).toBe(0);
      await recordFailure(db, 'acct:cap', accountRule, now);
      if (i % 4 === 0) await recordSuccess(db, 'acct:cap');
      now = new Date(now.getTime() + 30_000);
    }
    // 100 failures within 50 minutes: attempt 101 is refused until the hour is over.
    const wait = await throttleDelay(db, 'acct:cap', now);
    expect(wait).toBeGreaterThan(0);
    expect(wait).toBeLessThanOrEqual(10 * 60_000);
    expect(await throttleDelay(db, 'acct:cap', new Date('2026-01-01T10:00:01Z'))).toBe(0);
    // The next failure after the hour starts a new window.
    await recordFailure(db, 'acct:cap', accountRule, new Date('2026-01-01T10:00:01Z'));
    expect((await row('acct:cap')).failures).toBe(1);
  });

  it('counts parallel failures exactly (one statement each, no read-then-write)', async () => {
    // Attack: 40 failures at once. Read-then-write loses most of them (each reads the same count).
    const db = install.kernel.db.kysely;
    const now = new Date('2026-01-02T08:00:00Z');
    await Promise.all(Array.from({ length: 40 }, () => recordFailure(db, 'acct:parallel', accountRule, now)));
    const counted = await row('acct:parallel');
    expect(counted.failures).toBe(40);
    expect(counted.consecutive).toBe(40);
    expect(await throttleDelay(db, 'acct:parallel', now)).toBe(15 * 60_000);
  });

  it('grants parallel claims only up to the back-off (free failures + 1), then refuses until it lapses', async () => {
    const db = install.kernel.db.kysely;
    const now = new Date('2026-01-03T08:00:00Z');
    const granted = await Promise.all(Array.from({ length: 20 }, () => claimAttempt(db, 'mfa:parallel', secondFactorRule, now)));
    // Claims 1-5 are free; the 6th is granted and sets a 1 s back-off that refuses the other 14.
    expect(granted.filter(Boolean)).toHaveLength(secondFactorRule.freeFailures + 1);
    expect((await row('mfa:parallel')).consecutive).toBe(6);
    expect(await claimAttempt(db, 'mfa:parallel', secondFactorRule, new Date(now.getTime() + 999))).toBe(false);
    expect(await claimAttempt(db, 'mfa:parallel', secondFactorRule, new Date(now.getTime() + 1000))).toBe(true);
    expect(await throttleDelay(db, 'mfa:parallel', new Date(now.getTime() + 1000))).toBe(2000);
    // A claim that then succeeds is handed back: not a failure, and the back-off is cleared.
    await refundClaim(db, 'mfa:parallel', secondFactorRule);
    expect(await row('mfa:parallel')).toMatchObject({ consecutive: 0, failures: 6, locked_until: null });
  });

  it('locks a key at the hourly cap until the hour ends; only a refunded claim or the hour lifts it', async () => {
    const db = install.kernel.db.kysely;
    let now = new Date('2026-01-04T08:00:00Z');
    for (let i = 1; i <= secondFactorRule.hourlyCap; i++) {
      expect(await claimAttempt(db, 'mfa:cap', secondFactorRule, now), `claim ${i}`).toBe(true);
      // A success clears the back-off (never more than 3 consecutive failures here), not the hourly count.
      if (i % 3 === 0) await recordSuccess(db, 'mfa:cap', secondFactorRule);
      now = new Date(now.getTime() + 60_000);
    }
    expect(await claimAttempt(db, 'mfa:cap', secondFactorRule, now)).toBe(false);
    expect(await throttleDelay(db, 'mfa:cap', now)).toBe(Date.parse('2026-01-04T09:00:00Z') - now.getTime());
    await recordSuccess(db, 'mfa:cap', secondFactorRule);
    expect(await claimAttempt(db, 'mfa:cap', secondFactorRule, now)).toBe(false);
    // The 10th claim turned out right: handed back, it no longer counts, and the cap lock goes.
    await refundClaim(db, 'mfa:cap', secondFactorRule);
    expect(await claimAttempt(db, 'mfa:cap', secondFactorRule, now)).toBe(true);
    expect(await claimAttempt(db, 'mfa:cap', secondFactorRule, now)).toBe(false);
    expect(await claimAttempt(db, 'mfa:cap', secondFactorRule, new Date('2026-01-04T09:00:00Z'))).toBe(true);
    expect((await row('mfa:cap')).failures).toBe(1);
  });
});
