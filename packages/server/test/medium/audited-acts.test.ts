import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildApp } from '../../src/http/build-app.js';
import { Client } from '../helpers/cookie-client.js';
import { testDialects } from '../helpers/databases.js';
import { ADMIN_PASSWORD, addUser, createTestInstall, type TestInstall, tokenFor, USER_PASSWORD } from '../helpers/test-install.js';
import { oathtoolCode } from '../helpers/totp-codes.js';

/** The list: sign-in, failed sign-in, reveal, role change and export each leave an event with the right actor and outcome. */
describe.each(testDialects)('audited acts and export on %s', (dialect) => {
  let install: TestInstall;
  let app: Awaited<ReturnType<typeof buildApp>>;
  const nextStep = () => vi.setSystemTime(new Date(Date.now() + 61_000));

  async function enrolled(email: string, password: string): Promise<{ client: Client; secret: string; id: string }> {
    const client = new Client(app);
    nextStep();
    await client.call('POST', '/api/v1/auth/login', { email, password });
    const secret = (await client.call('POST', '/api/v1/me/mfa/totp')).json().secret;
    await client.call('POST', '/api/v1/me/mfa/totp/confirm', { code: oathtoolCode(secret) });
    return { client, secret, id: (await client.call('GET', '/api/v1/me')).json().id };
  }

  beforeAll(async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    install = await createTestInstall(dialect);
    app = await buildApp(install.kernel, { logger: false });
    await app.ready();
  });
  afterAll(async () => {
    vi.useRealTimers();
    await app?.close();
    await install?.cleanup();
  });

  const lastEvent = (action: string) =>
    install.kernel.db.kysely.selectFrom('audit_events').selectAll().where('action', '=', action).orderBy('seq', 'desc').limit(1).executeTakeFirstOrThrow();

  it('records sign-in, failed sign-in, reveal, role change and export with actor and outcome', async () => {
    const manager = await addUser(install.kernel, ['sales_manager'], 'Acts', 'acts.manager@example.com');
    const other = await addUser(install.kernel, ['sales_manager'], 'Elsewhere');
    const token = await tokenFor(install.kernel, manager);
    const mine = await app.inject({
      method: 'POST',
      url: '/api/v1/contacts',
      headers: { authorization: `Bearer ${token}` },
      payload: { name: '周杰', phone: '13600001111', idNumber: '110101198808081234' },
    });
    await app.inject({
      method: 'POST',
      url: '/api/v1/contacts',
      headers: { authorization: `Bearer ${await tokenFor(install.kernel, other)}` },
      payload: { name: 'Not Yours', phone: '13600002222' },
    });

    await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: manager.email, password: 'not the password at all' } });
    const failed = await lastEvent('auth.login.failed');
    expect([failed.actor_id, failed.outcome]).toEqual([manager.id, 'failure']);

    const { client, secret } = await enrolled(manager.email, USER_PASSWORD);
    const signedIn = await lastEvent('auth.login.succeeded');
    expect([signedIn.actor_id, signedIn.outcome]).toEqual([manager.id, 'success']);

    const reveal = await client.call('POST', `/api/v1/contacts/${mine.json().id}/reveal`, { fields: ['idNumber'], reason: 'legal_request' });
    expect(reveal.json().values.idNumber).toBe('110101198808081234');
    const revealed = await lastEvent('personal_data.reveal');
    expect([revealed.actor_id, revealed.outcome, revealed.fields]).toEqual([manager.id, 'success', '["idNumber"]']);

    nextStep();
    await client.call('POST', '/api/v1/auth/step-up', { code: oathtoolCode(secret) });
    const csv = await client.call('GET', '/api/v1/contacts/export?format=csv');
    expect(csv.statusCode, csv.body).toBe(200);
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.body).toContain('周杰');
    expect(csv.body).toContain('1101**********1234');
    expect(csv.body).not.toContain('110101198808081234');
    expect(csv.body).not.toContain('Not Yours');
    const exported = await lastEvent('personal_data.export');
    expect([exported.actor_id, exported.outcome, JSON.parse(String(exported.subject_ids))]).toEqual([manager.id, 'success', [expect.any(String)]]);
    const viaToken = await app.inject({ method: 'GET', url: '/api/v1/contacts/export', headers: { authorization: `Bearer ${token}` } });
    expect(viaToken.json().error.code).toBe('step_up_required');

    const admin = await enrolled('admin@example.com', ADMIN_PASSWORD);
    const changed = await admin.client.call('PATCH', `/api/v1/users/${manager.id}`, { roles: ['sales_rep'] });
    expect(changed.statusCode).toBe(200);
    const roleEvent = await lastEvent('user.roles.changed');
    expect([roleEvent.actor_id, roleEvent.outcome, roleEvent.resource_id]).toEqual([admin.id, 'success', manager.id]);
  });
});
