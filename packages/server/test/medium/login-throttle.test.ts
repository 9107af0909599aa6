import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accountRule, recordFailure, recordSuccess, throttleDelay } from '../../src/platform/identity/login-throttle.js';
import { testDialects } from '../helpers/databases.js';
import { createTestInstall, type TestInstall } from '../helpers/test-install.js';

describe.each(testDialects)('sign-in throttle on %s', (dialect) => {
  let install: TestInstall;
  beforeAll(async () => {
    install = await createTestInstall(dialect);
  });
  afterAll(async () => install?.cleanup());

  it('backs off exponentially after 5 consecutive failures', async () => {
    const db = install.kernel.db.kysely;
    const start = new Date('2026-01-01T08:00:00Z');
    for (let i = 0; i < 5; i++) await recordFailure(db, 'acct:backoff', accountRule, start);
    expect(await throttleDelay(db, 'acct:backoff', start)).toBe(0);
    await recordFailure(db, 'acct:backoff', accountRule, start);
    expect(await throttleDelay(db, 'acct:backoff', start)).toBe(1000);
    await recordFailure(db, 'acct:backoff', accountRule, start);
    expect(await throttleDelay(db, 'acct:backoff', start)).toBe(2000);
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
  });
});
