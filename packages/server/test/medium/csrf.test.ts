/**
 * CSRF on EVERY cookie-authenticated write (SPEC 3: writes carry the csrf_token cookie's value in
 * X-CSRF-Token; SPEC 4: CSRF is refused). The routes come from the reviewed route inventory, so a new
 * write route is attacked here as soon as it exists. Each is sent with a live full session and
 *   (a) no token at all,
 *   (b) another session's token (header and cookie both: a token the server did issue, not to this session),
 *   (c) a token equal to the cookie but not the session's (an attacker who can plant a cookie),
 * and must answer 403 `csrf_invalid` and change nothing.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildApp } from '../../src/http/build-app.js';
import { CSRF_COOKIE, SESSION_COOKIE } from '../../src/http/session-cookies.js';
import type { Client } from '../helpers/cookie-client.js';
import { testDialects } from '../helpers/databases.js';
import { addUser, createTestInstall, type TestInstall, USER_PASSWORD } from '../helpers/test-install.js';
import { TotpSessions } from '../helpers/totp-sessions.js';

type App = Awaited<ReturnType<typeof buildApp>>;

/** Tables whose rows a refused write must leave alone (the audit log records the refusal; sessions are compared without last_seen_at). */
const UNTOUCHED_EXCEPT = new Set(['audit_events', 'audit_checkpoints', 'audit_subjects', 'siem_cursors', 'kysely_migration', 'kysely_migration_lock']);

describe.each(testDialects)('CSRF on every cookie-authenticated write, on %s', (dialect) => {
  let install: TestInstall;
  let app: App;
  let victim: Client;
  let other: Client;

  beforeAll(async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    install = await createTestInstall(dialect);
    app = await buildApp(install.kernel, { logger: false });
    await app.ready();
    const sessions = new TotpSessions(app);
    const manager = await addUser(install.kernel, ['sales_manager'], 'CSRF');
    const bystander = await addUser(install.kernel, ['sales_rep'], 'CSRF');
    victim = await sessions.fullSession(manager.email, USER_PASSWORD);
    other = await sessions.fullSession(bystander.email, USER_PASSWORD);
  });
  afterAll(async () => {
    vi.useRealTimers();
    await app?.close();
    await install?.cleanup();
  });

  /** Every non-GET route that is not public, with its path parameters filled in. */
  const writeRoutes = () =>
    app.routeInventory
      .map((line) => line.split(' ') as [string, string, string])
      .filter(([method, , access]) => method !== 'GET' && method !== 'HEAD' && !access.startsWith('public'))
      .map(([method, url]) => ({
        method: method as 'POST' | 'PATCH' | 'DELETE' | 'PUT',
        url: url.replace(/:key\b/g, 'sales_rep').replace(/:[A-Za-z]+/g, () => randomUUID()),
      }));

  /** Every row of every table but the audit log's (Buffers as base64, sessions without last_seen_at). */
  async function snapshot(): Promise<string> {
    const db = install.kernel.db.kysely;
    const names =
      dialect === 'postgres'
        ? (
            await install.kernel.db.kysely
              .selectFrom('information_schema.tables' as never)
              .select('table_name as name' as never)
              .where('table_schema' as never, '=', 'public' as never)
              .execute()
          ).map((r) => String((r as { name: string }).name))
        : (
            await db
              .selectFrom('sqlite_master' as never)
              .select('name' as never)
              .where('type' as never, '=', 'table' as never)
              .execute()
          ).map((r) => String((r as { name: string }).name));
    const out: Record<string, unknown[]> = {};
    for (const name of names.filter((n) => !UNTOUCHED_EXCEPT.has(n) && !n.startsWith('sqlite_')).sort()) {
      const rows = (await db
        .selectFrom(name as never)
        .selectAll()
        .execute()) as Record<string, unknown>[];
      out[name] = rows
        .map((row) => {
          const copy: Record<string, unknown> = {};
          for (const [k, v] of Object.entries(row)) if (!(name === 'sessions' && k === 'last_seen_at')) copy[k] = Buffer.isBuffer(v) ? v.toString('base64') : v;
          return JSON.stringify(copy, Object.keys(copy).sort());
        })
        .sort();
    }
    return JSON.stringify(out);
  }

  const send = (route: { method: string; url: string }, cookies: Record<string, string>, header?: string) =>
    app.inject({
      method: route.method as 'POST',
      url: route.url,
      cookies,
      headers: header === undefined ? {} : { 'x-csrf-token': header },
      ...(route.method === 'DELETE' ? {} : { payload: {} }),
    });

  it('refuses every write route without the token, with another session’s, and with a planted one', async () => {
    const routes = writeRoutes();
    // The walk is not vacuous: the inventory's cookie-authenticated writes (me, auth, contacts, users, roles …).
    expect(routes.length).toBeGreaterThan(25);
    expect(routes.map((r) => `${r.method} ${r.url.split('/').slice(0, 4).join('/')}`)).toEqual(
      expect.arrayContaining(['POST /api/v1/auth', 'POST /api/v1/contacts', 'PATCH /api/v1/users', 'DELETE /api/v1/me']),
    );
    const session = victim.sessionToken ?? '';
    const otherToken = other.cookies.get(CSRF_COOKIE) ?? '';
    expect(session).not.toBe('');
    expect(otherToken).not.toBe(victim.cookies.get(CSRF_COOKIE));
    const before = await snapshot();

    for (const route of routes) {
      const planted = randomBytes(32).toString('base64url');
      const cases = {
        'no token': await send(route, { [SESSION_COOKIE]: session }),
        'no header': await send(route, { [SESSION_COOKIE]: session, [CSRF_COOKIE]: victim.cookies.get(CSRF_COOKIE) ?? '' }),
        "another session's token": await send(route, { [SESSION_COOKIE]: session, [CSRF_COOKIE]: otherToken }, otherToken),
        'planted token = cookie': await send(route, { [SESSION_COOKIE]: session, [CSRF_COOKIE]: planted }, planted),
      };
      for (const [name, res] of Object.entries(cases)) {
        expect(res.statusCode, `${route.method} ${route.url} (${name}): ${res.body}`).toBe(403);
        expect(res.json().error.code, `${route.method} ${route.url} (${name})`).toBe('csrf_invalid');
      }
    }

    expect(await snapshot()).toBe(before);
    // The session itself is untouched (logout, password change, factor changes were all refused).
    expect((await victim.call('GET', '/api/v1/me')).statusCode).toBe(200);
    // Positive control: the same session with its own token is let through the CSRF check.
    const own = await victim.call('POST', '/api/v1/auth/step-up', { code: 'not-a-code' });
    expect(own.json().error.code).not.toBe('csrf_invalid');
  });
});
