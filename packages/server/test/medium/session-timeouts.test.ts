/**
 * Session lifetimes (SPEC 2.3): idle timeout 30 min (15 for administrators), absolute 12 h — on a
 * faked clock. Each test would pass a server that forgot the rule only if the rule were not there:
 * a session kept busy every 25 minutes lives on without the absolute limit; an administrator's
 * session idle for 15 minutes lives on with the ordinary 30-minute idle timeout.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Client } from '../helpers/cookie-client.js';
import { testDialects } from '../helpers/databases.js';
import { type App, startTestApp, stopTestApp } from '../helpers/test-app.js';
import { ADMIN_PASSWORD, addUser, type TestInstall, USER_PASSWORD } from '../helpers/test-install.js';
import type { TotpSessions } from '../helpers/totp-sessions.js';

const MINUTE = 60_000;

describe.each(testDialects)('session timeouts on %s', (dialect) => {
  let install: TestInstall;
  let app: App;
  let sessions: TotpSessions;

  beforeAll(async () => {
    ({ install, app, sessions } = await startTestApp(dialect));
  });
  afterAll(async () => {
    await stopTestApp({ install, app });
  });

  const advance = (ms: number) => vi.setSystemTime(new Date(Date.now() + ms));
  const alive = async (client: Client) => (await client.call('GET', '/api/v1/me')).statusCode === 200;

  it('ends a session 12 hours after sign-in however busy it is', async () => {
    const user = await addUser(install.kernel, ['service_agent'], 'Busy');
    const client = await sessions.fullSession(user.email, USER_PASSWORD);
    const signedInAt = Date.now();
    // Busy every 25 minutes (never idle for 30) until a minute before the 12 hours are up.
    while (Date.now() + 25 * MINUTE < signedInAt + 12 * 60 * MINUTE - MINUTE) {
      advance(25 * MINUTE);
      expect(await alive(client), `${Math.round((Date.now() - signedInAt) / MINUTE)} min after sign-in`).toBe(true);
    }
    vi.setSystemTime(new Date(signedInAt + 12 * 60 * MINUTE - MINUTE));
    expect(await alive(client)).toBe(true);
    vi.setSystemTime(new Date(signedInAt + 12 * 60 * MINUTE));
    expect(await alive(client)).toBe(false);
    const me = await client.call('GET', '/api/v1/me');
    expect(me.json().error.code).toBe('unauthenticated');
  });

  it('ends an administrator session idle for 15 minutes, and another user’s only after 30', async () => {
    const user = await addUser(install.kernel, ['service_agent'], 'Idle');
    const agent = await sessions.fullSession(user.email, USER_PASSWORD);
    // Signed in last (each sign-in moves the clock to the next TOTP step): both idle clocks start here.
    const admin = await sessions.fullSession('admin@example.com', ADMIN_PASSWORD);
    expect(await alive(agent)).toBe(true);
    // Activity resets the idle clock: 14 minutes idle, a request, 14 minutes idle again.
    advance(14 * MINUTE);
    expect(await alive(admin)).toBe(true);
    expect(await alive(agent)).toBe(true);
    advance(14 * MINUTE);
    expect(await alive(admin)).toBe(true);
    advance(15 * MINUTE);
    expect(await alive(admin)).toBe(false);
    expect(await alive(agent)).toBe(true); // 29 minutes idle: still within 30
    advance(30 * MINUTE);
    expect(await alive(agent)).toBe(false);
  });
});
