import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTokenAsOperator } from '../../src/cli/token.command.js';
import type { Client } from '../helpers/cookie-client.js';
import { testDialects } from '../helpers/databases.js';
import { type App, startTestApp, stopTestApp } from '../helpers/test-app.js';
import { ADMIN_PASSWORD, addUser, type TestInstall, tokenFor, USER_PASSWORD } from '../helpers/test-install.js';
import { oathtoolCode } from '../helpers/totp-codes.js';
import { nextTotpStep, type TotpSessions } from '../helpers/totp-sessions.js';

/**
 * Finding 13: API tokens skipped the second factor SPEC calls mandatory, outlived a disabled
 * account and kept scopes their user had lost.
 */
describe.each(testDialects)('API tokens need the second factor and follow their user on %s', (dialect) => {
  let install: TestInstall;
  let app: App;
  let admin: Client;
  let sessions: TotpSessions;
  const db = () => install.kernel.db.kysely;
  const bearer = (token: string, method: 'GET' | 'POST' | 'DELETE' = 'GET', url = '/api/v1/contacts', payload?: object) =>
    app.inject({ method, url, headers: { authorization: `Bearer ${token}` }, ...(payload ? { payload } : {}) });
  const stepUp = async (client: Client, email: string) => {
    nextTotpStep();
    expect((await client.call('POST', '/api/v1/auth/step-up', { code: oathtoolCode(sessions.secrets.get(email) ?? '') })).statusCode).toBe(200);
  };
  const staleSecondFactor = async (client: Client) => {
    const sessionId = (await client.call('GET', '/api/v1/me')).json().session.id;
    await db()
      .updateTable('sessions')
      .set({ mfa_at: new Date(Date.now() - 10 * 60_000).toISOString() })
      .where('id', '=', sessionId)
      .execute();
  };
  const scopesOf = async (id: string) =>
    JSON.parse((await db().selectFrom('api_tokens').select('scopes').where('id', '=', id).executeTakeFirstOrThrow()).scopes);
  const tokenId = (token: string) => token.split('_')[1] ?? '';

  beforeAll(async () => {
    ({ install, app, sessions } = await startTestApp(dialect));
    admin = await sessions.fullSession('admin@example.com', ADMIN_PASSWORD);
  });
  afterAll(async () => {
    await stopTestApp({ install, app });
  });

  it('refuses a plain CLI token for an account that reads personal data and never enrolled a factor; a named integration token is listed as such', async () => {
    const manager = await addUser(install.kernel, ['sales_manager'], 'No Factor');
    await expect(createTokenAsOperator(install.kernel, { user: manager.email, expiresDays: '30' })).rejects.toThrow(/integration|second factor/);
    expect(await db().selectFrom('api_tokens').select('id').where('user_id', '=', manager.id).execute()).toEqual([]);
    await expect(createTokenAsOperator(install.kernel, { user: manager.email, expiresDays: '30', integration: 'bad name!' })).rejects.toThrow(/name/);
    const created = await createTokenAsOperator(install.kernel, { user: manager.email, expiresDays: '30', integration: 'erp-sync' });
    expect((await bearer(created.token)).statusCode).toBe(200);
    const listed = (await admin.call('GET', '/api/v1/tokens')).json().items.find((t: { id: string }) => t.id === created.id);
    expect(listed).toMatchObject({ userId: manager.id, kind: 'integration', name: 'erp-sync', revokedAt: null });
  });

  it("makes a personal token only from the user's own session with a fresh second factor, never with a token", async () => {
    const manager = await addUser(install.kernel, ['sales_manager'], 'Self Service');
    const own = await sessions.fullSession(manager.email, USER_PASSWORD);
    await staleSecondFactor(own);
    const stale = await own.call('POST', '/api/v1/me/tokens', { name: 'laptop-cli' });
    expect(stale.statusCode, stale.body).toBe(403);
    expect(stale.json().error.code).toBe('step_up_required');
    await stepUp(own, manager.email);
    const made = await own.call('POST', '/api/v1/me/tokens', { name: 'laptop-cli', scopes: ['contacts.read'], expiresDays: 7 });
    expect(made.statusCode, made.body).toBe(201);
    expect(made.json()).toMatchObject({ kind: 'personal', name: 'laptop-cli', scopes: ['contacts.read'] });
    const token = made.json().token as string;
    expect((await bearer(token)).statusCode).toBe(200);
    expect((await bearer(token, 'POST', '/api/v1/me/tokens', { name: 'from-a-token' })).statusCode).toBe(403);
    const mine = (await own.call('GET', '/api/v1/me/tokens')).json().items;
    expect(mine.map((t: { name: string }) => t.name)).toEqual(['laptop-cli']);
    expect(JSON.stringify(mine)).not.toContain(token);
    // Nobody else's tokens: another user's id is not found.
    const other = (await admin.call('GET', '/api/v1/tokens')).json().items.find((t: { userId: string }) => t.userId !== manager.id);
    expect((await own.call('DELETE', `/api/v1/me/tokens/${other.id}`)).statusCode).toBe(404);
    expect((await own.call('DELETE', `/api/v1/me/tokens/${made.json().id}`)).statusCode).toBe(204);
    expect((await bearer(token)).statusCode).toBe(401);
  });

  it('refuses the old token of a user who was disabled and then enabled again', async () => {
    const user = await addUser(install.kernel, ['sales_manager'], 'Leaver');
    const token = await tokenFor(install.kernel, user);
    expect((await bearer(token)).statusCode).toBe(200);
    expect((await admin.call('PATCH', `/api/v1/users/${user.id}`, { status: 'disabled' })).statusCode).toBe(200);
    expect((await admin.call('PATCH', `/api/v1/users/${user.id}`, { status: 'active' })).statusCode).toBe(200);
    expect((await bearer(token)).statusCode).toBe(401);
    const row = await db().selectFrom('api_tokens').select(['revoked_at', 'revoked_reason']).where('id', '=', tokenId(token)).executeTakeFirstOrThrow();
    expect(row.revoked_reason).toBe('user_disabled');
  });

  it('narrows a token to the scopes its user still holds after a role change, and revokes one left with none', async () => {
    const user = await addUser(install.kernel, ['sales_manager'], 'Narrowed');
    const wide = await tokenFor(install.kernel, user);
    const deleteOnly = await tokenFor(install.kernel, user, ['contacts.delete']);
    await stepUp(admin, 'admin@example.com');
    expect((await admin.call('PATCH', `/api/v1/users/${user.id}`, { roles: ['sales_rep'] })).statusCode).toBe(200);
    const scopes = await scopesOf(tokenId(wide));
    expect(scopes).toContain('contacts.read');
    expect(scopes).not.toContain('contacts.delete');
    expect(scopes).not.toContain('contacts.export');
    const revoked = await db().selectFrom('api_tokens').select(['revoked_reason']).where('id', '=', tokenId(deleteOnly)).executeTakeFirstOrThrow();
    expect(revoked.revoked_reason).toBe('no_scope_left');
    // Given the role back, the token does not regain what it lost.
    expect((await admin.call('PATCH', `/api/v1/users/${user.id}`, { roles: ['sales_manager'] })).statusCode).toBe(200);
    expect(await scopesOf(tokenId(wide))).not.toContain('contacts.delete');
    expect((await bearer(deleteOnly)).statusCode).toBe(401);
  });

  it('narrows the tokens of every holder when the security administrator edits a role', async () => {
    const user = await addUser(install.kernel, ['licensing_manager'], 'Licences');
    const token = await tokenFor(install.kernel, user);
    expect(await scopesOf(tokenId(token))).toContain('accounts.create');
    await stepUp(admin, 'admin@example.com');
    const edited = await admin.call('PATCH', '/api/v1/roles/licensing_manager', { permissions: ['contacts.read', 'accounts.read'] });
    expect(edited.statusCode, edited.body).toBe(200);
    expect((await scopesOf(tokenId(token))).sort()).toEqual(['accounts.read', 'contacts.read']);
    const events = await db()
      .selectFrom('audit_events')
      .select('detail')
      .where('action', '=', 'auth.token.narrowed')
      .where('resource_id', '=', tokenId(token))
      .execute();
    expect(events).toHaveLength(1);
  });
});
