import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildApp } from '../../src/http/build-app.js';
import { exportAuditJsonl } from '../../src/platform/audit/siem/export-jsonl.js';
import { replayEvents } from '../../src/platform/monitor/replay.js';
import { defaultRuleConfig } from '../../src/platform/monitor/rules/index.js';
import { testDialects } from '../helpers/databases.js';
import { addUser, createTestInstall, type TestInstall, type TestUser } from '../helpers/test-install.js';

type App = Awaited<ReturnType<typeof buildApp>>;

/**
 * The detection rules over a real audit trail, as `castellan monitor replay` reads it: sign-in attacks
 * made through the real HTTP routes (the throttle refusing most of them), exported as JSON lines the
 * way `castellan audit export` writes them, scored offline. Guessing one account is one alert on that
 * account whether the attempts failed or were throttled; spraying unknown accounts from one address is
 * one alert on the address; neither carries an e-mail address or an IP address.
 */
describe.each(testDialects)('monitor replay of a real audit trail on %s', (dialect) => {
  let install: TestInstall;
  let app: App;
  let victim: TestUser;
  const started = Date.parse('2026-12-01T02:00:00Z');

  beforeAll(async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(started);
    install = await createTestInstall(dialect);
    app = await buildApp(install.kernel, { logger: false });
    await app.ready();
    victim = await addUser(install.kernel, ['service_agent'], 'Care Desk', 'victim@example.com');
  });
  afterAll(async () => {
    vi.useRealTimers();
    await app?.close();
    await install?.cleanup();
  });

  const login = (email: string, remoteAddress: string) =>
    app.inject({ method: 'POST', url: '/api/v1/auth/login', remoteAddress, payload: { email, password: 'a wrong password entirely' } });

  const exported = async () => {
    const lines: string[] = [];
    await exportAuditJsonl(install.kernel.db.kysely, async (chunk) => void lines.push(...chunk.split('\n').filter(Boolean)));
    return lines;
  };

  it('raises one alert for guessing one account and one for spraying from one address, naming neither person nor address', async () => {
    // 12 guesses at one account, a second apart: some fail, the throttle refuses the others (its back-off doubles from 1 s).
    const statuses: number[] = [];
    for (let i = 0; i < 12; i += 1) {
      vi.setSystemTime(started + 60_000 + i * 1000);
      statuses.push((await login(victim.email, '198.51.100.7')).statusCode);
    }
    expect(statuses.filter((s) => s === 401).length).toBeGreaterThanOrEqual(5);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(1);
    expect(statuses.every((s) => s === 401 || s === 429)).toBe(true);
    // 25 accounts nobody has, from another address, a second apart.
    for (let i = 0; i < 25; i += 1) {
      vi.setSystemTime(started + 120_000 + i * 1000);
      await login(`nobody.${i}@example.net`, '203.0.113.9');
    }
    const lines = await exported();
    const report = await replayEvents(
      (async function* () {
        yield* lines;
        yield 'not a line of JSON';
      })(),
      defaultRuleConfig(),
    );
    expect(report.skipped).toEqual({ 'not JSON': 1 });
    expect(report.engine.scored).toBe(lines.length);
    const byRule = new Map(report.alerts.map((a) => [a.ruleId, a]));
    const guessing = byRule.get('brute-force-account');
    expect(guessing?.entity).toEqual({ kind: 'account', id: expect.stringMatching(/^acct:[0-9a-f]+$/) });
    // Raised at the 10th, the two after it counted on it; the evidence is the latest finding's.
    expect(guessing?.evidence).toMatchObject({ failures: 12, threshold: 10 });
    expect(guessing?.suppressedCount).toBe(2);
    const spraying = byRule.get('spraying-address');
    expect(spraying?.entity).toEqual({ kind: 'address', id: expect.stringMatching(/^ip:[0-9a-f]+$/) });
    // Distinct accounts are counted up to the threshold (bounded memory); the failures all.
    expect(spraying?.evidence).toMatchObject({ accounts: 20, failures: 25, threshold: 20 });
    expect(spraying?.suppressedCount).toBe(5);
    // The two attacks are told apart: the guessed account's alert is not the sprayed address's.
    expect(report.alerts.filter((a) => a.ruleId === 'brute-force-account')).toHaveLength(1);
    const text = JSON.stringify(report.alerts);
    for (const secret of ['victim@example.com', 'nobody.3@example.net', '198.51.100.7', '203.0.113.9']) expect(text).not.toContain(secret);
  });
});
