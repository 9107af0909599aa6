import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { completeRotation, runningRotation } from '../../src/platform/crypto/key-rotation.js';
import { asSystem } from '../../src/platform/data/as-system.js';
import { testDialects } from '../helpers/databases.js';
import { type App, startTestApp, stopTestApp } from '../helpers/test-app.js';
import { ADMIN_PASSWORD, addUser, type TestInstall, USER_PASSWORD } from '../helpers/test-install.js';
import { oathtoolCode } from '../helpers/totp-codes.js';
import { nextTotpStep, type TotpSessions } from '../helpers/totp-sessions.js';

/** keys.manage is checked: only the security administrator sees key versions and starts a rotation, after a step-up. */
describe.each(testDialects)('key administration over the API on %s', (dialect) => {
  let install: TestInstall;
  let app: App;
  let sessions: TotpSessions;

  beforeAll(async () => {
    ({ install, app, sessions } = await startTestApp(dialect));
  });
  afterAll(async () => {
    await stopTestApp({ install, app });
  });

  it('refuses anyone without keys.manage', async () => {
    const manager = await addUser(install.kernel, ['sales_manager'], 'Keys Team');
    const client = await sessions.fullSession(manager.email, USER_PASSWORD);
    expect((await client.call('GET', '/api/v1/keys')).statusCode).toBe(403);
    expect((await client.call('POST', '/api/v1/keys/rotate')).json().error.code).toBe('forbidden');
  });

  it('shows key versions to the security administrator and starts a rotation only after a step-up', async () => {
    const admin = await sessions.fullSession('admin@example.com', ADMIN_PASSWORD);
    const status = await admin.call('GET', '/api/v1/keys');
    expect(status.statusCode, status.body).toBe(200);
    expect(status.json()).toMatchObject({ currentVersion: 1, rotation: null });

    vi.setSystemTime(new Date(Date.now() + 6 * 60_000)); // the sign-in's second factor is no longer fresh
    const early = await admin.call('POST', '/api/v1/keys/rotate');
    expect(early.statusCode).toBe(403);
    expect(early.json().error.code).toBe('step_up_required');
    expect(await runningRotation(install.kernel)).toBeUndefined();

    nextTotpStep();
    expect((await admin.call('POST', '/api/v1/auth/step-up', { code: oathtoolCode(sessions.secrets.get('admin@example.com') ?? '') })).statusCode).toBe(200);
    const started = await admin.call('POST', '/api/v1/keys/rotate');
    expect(started.statusCode, started.body).toBe(202);
    expect(started.json()).toMatchObject({ toVersion: 2, resumed: false });
    const event = await install.kernel.db.kysely
      .selectFrom('audit_events')
      .select(['actor_kind', 'actor_id', 'request_id'])
      .where('action', '=', 'key.rotation.started')
      .executeTakeFirstOrThrow();
    expect(event.actor_kind).toBe('user');
    expect(event.request_id).not.toBeNull();

    await completeRotation(install.kernel, asSystem('test worker'), started.json().id, { workerId: 'test', batchSize: 50 });
    expect((await admin.call('GET', '/api/v1/keys')).json()).toMatchObject({ currentVersion: 2, rotation: { status: 'finished', remaining: 0 } });
  });
});
