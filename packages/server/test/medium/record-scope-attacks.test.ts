import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiCallers } from '../helpers/api-callers.js';
import { testDialects } from '../helpers/databases.js';
import { type App, startTestApp, stopTestApp } from '../helpers/test-app.js';
import { addUser, type TestInstall, type TestUser, tokenFor, USER_PASSWORD } from '../helpers/test-install.js';
import type { TotpSessions } from '../helpers/totp-sessions.js';

/**
 * Attacks on record scope through the API: handing a record to another team, moving it out of scope,
 * revealing, changing or deleting what is outside the scope, and learning about out-of-scope
 * contacts from an account deletion. Every refused write leaves the row as it was.
 */
describe.each(testDialects)('record scope attacks on %s', (dialect) => {
  let install: TestInstall;
  let app: App;
  let managerA: TestUser;
  let repA: TestUser;
  let managerB: TestUser;
  let repB: TestUser;
  const { tokens, call, created } = apiCallers(() => app);
  let sessions: TotpSessions;

  const db = () => install.kernel.db.kysely;
  const contactRow = (id: string) => db().selectFrom('contacts').selectAll().where('id', '=', id).executeTakeFirst();
  const accountRow = (id: string) => db().selectFrom('accounts').selectAll().where('id', '=', id).executeTakeFirst();
  const count = async (table: 'contacts' | 'accounts') =>
    Number(
      (
        await db()
          .selectFrom(table)
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  const createContact = async (who: string, payload: object) => (await created(who, '/api/v1/contacts', payload)).id as string;
  const createAccount = async (who: string, name: string) => (await created(who, '/api/v1/accounts', { name, kind: 'advertiser', country: 'CN' })).id as string;

  beforeAll(async () => {
    ({ install, app, sessions } = await startTestApp(dialect));
    managerA = await addUser(install.kernel, ['sales_manager'], 'Team A');
    repA = await addUser(install.kernel, ['sales_rep'], 'Team A');
    managerB = await addUser(install.kernel, ['sales_manager'], 'Team B');
    repB = await addUser(install.kernel, ['sales_rep'], 'Team B');
    const agent = await addUser(install.kernel, ['service_agent'], 'Care');
    for (const [name, user] of Object.entries({ managerA, repA, managerB, repB, agent })) tokens[name] = await tokenFor(install.kernel, user);
  });
  afterAll(async () => {
    await stopTestApp({ install, app });
  });

  it("refuses to create a contact or an account owned by another team's user, and creates nothing", async () => {
    const before = [await count('contacts'), await count('accounts')];
    const attempts: [string, object][] = [
      // Owner of team B, record of team A: team B's rep would see it (own scope), team A's manager too.
      ['/api/v1/contacts', { name: 'Handed Over', phone: '13700001234', ownerId: repB.id, teamId: managerA.teamId }],
      ['/api/v1/contacts', { name: 'Handed Over', ownerId: repB.id }],
      ['/api/v1/contacts', { name: 'Handed Over', teamId: managerB.teamId }],
      ['/api/v1/accounts', { name: 'Handed Over Ltd', kind: 'agency', ownerId: repB.id, teamId: managerA.teamId }],
      ['/api/v1/accounts', { name: 'Handed Over Ltd', kind: 'agency', ownerId: managerB.id }],
    ];
    for (const [url, payload] of attempts) {
      const res = await call('managerA', 'POST', url, payload);
      expect(res.statusCode, `${url} ${JSON.stringify(payload)}: ${res.body}`).toBe(403);
      expect(res.json().error.code).toBe('forbidden');
    }
    // A sales rep (own scope) may not hand a new record to a teammate either.
    expect((await call('repA', 'POST', '/api/v1/contacts', { name: 'Handed Over', ownerId: managerA.id })).statusCode).toBe(403);
    expect([await count('contacts'), await count('accounts')]).toEqual(before);
    expect((await call('repB', 'GET', '/api/v1/contacts?limit=200')).json().items).toEqual([]);
    // Within the team it works, and the new owner sees the record.
    const forRep = await createContact('managerA', { name: 'Team Record', ownerId: repA.id });
    expect((await call('repA', 'GET', `/api/v1/contacts/${forRep}`)).statusCode).toBe(200);
  });

  it('refuses to move a record out of scope by PATCH of ownerId or teamId, leaving the row unchanged', async () => {
    const contact = await createContact('managerA', { name: 'Stays Home', phone: '13700005678', ownerId: repA.id });
    const account = await createAccount('managerA', 'Stays Home Media');
    const contactBefore = await contactRow(contact);
    const accountBefore = await accountRow(account);
    const patches: object[] = [
      { ownerId: repB.id },
      { ownerId: repB.id, teamId: managerA.teamId },
      { ownerId: managerB.id, teamId: managerB.teamId },
      { teamId: managerB.teamId },
      { teamId: null },
    ];
    for (const patch of patches) {
      for (const url of [`/api/v1/contacts/${contact}`, `/api/v1/accounts/${account}`]) {
        const res = await call('managerA', 'PATCH', url, patch);
        expect(res.statusCode, `${url} ${JSON.stringify(patch)}: ${res.body}`).toBe(403);
      }
    }
    // The owning rep may not pass their own record to a teammate (own scope).
    expect((await call('repA', 'PATCH', `/api/v1/contacts/${contact}`, { ownerId: managerA.id })).statusCode).toBe(403);
    expect(await contactRow(contact)).toEqual(contactBefore);
    expect(await accountRow(account)).toEqual(accountBefore);
    expect((await call('repB', 'GET', `/api/v1/contacts/${contact}`)).statusCode).toBe(404);
    expect((await call('managerB', 'GET', `/api/v1/accounts/${account}`)).statusCode).toBe(404);
    // Moving within the team is allowed.
    const moved = await call('managerA', 'PATCH', `/api/v1/contacts/${contact}`, { ownerId: managerA.id });
    expect(moved.statusCode, moved.body).toBe(200);
    expect(moved.json().ownerId).toBe(managerA.id);
  });

  it('answers 404 to a reveal of a contact outside the scope: no value, nothing audited as a reveal', async () => {
    const contact = await createContact('managerA', { name: 'Secret Keeper', phone: '13655557777', idNumber: '110101198001017777' });
    const outsider = await sessions.fullSession(managerB.email, USER_PASSWORD);
    const body = { fields: ['phone', 'idNumber'], reason: 'caller_verification', note: 'trying my luck' };
    const refused = await outsider.call('POST', `/api/v1/contacts/${contact}/reveal`, body);
    expect(refused.statusCode, refused.body).toBe(404);
    expect(refused.json().error.code).toBe('not_found');
    // The request id is a random UUID and may hold "7777" by chance; the rest must not.
    expect(refused.body.replace(refused.json().error.requestId, '')).not.toMatch(/13655557777|110101198001017777|7777/);
    // Exactly as for an id that does not exist.
    const unknown = await outsider.call('POST', '/api/v1/contacts/01a22885-0a4d-7f08-9296-cdbe0f87e732/reveal', body);
    expect({ ...unknown.json().error, requestId: null }).toEqual({ ...refused.json().error, requestId: null });
    const reveals = await db().selectFrom('audit_events').selectAll().where('action', '=', 'personal_data.reveal').execute();
    expect(reveals.filter((e) => e.actor_id === managerB.id)).toEqual([]);
    const refusal = await db()
      .selectFrom('audit_events')
      .selectAll()
      .where('request_id', '=', String(refused.headers['x-request-id']))
      .executeTakeFirstOrThrow();
    expect(refusal).toMatchObject({ action: 'access.refused', outcome: 'refused', resource_id: contact });
    // The same session reveals a contact of its own team.
    const own = await createContact('managerB', { name: 'Own Customer', phone: '13655558888' });
    const revealed = await outsider.call('POST', `/api/v1/contacts/${own}/reveal`, { fields: ['phone'], reason: 'caller_verification' });
    expect(revealed.statusCode, revealed.body).toBe(200);
    expect(revealed.json().values).toEqual({ phone: '13655558888' });
    // The reason is a code of the list, never free text; "other" needs a note. Bad input reveals and audits nothing.
    const revealsBefore = (await db().selectFrom('audit_events').select('seq').where('action', '=', 'personal_data.reveal').execute()).length;
    for (const bad of [
      { reason: 'the customer asked me to check' },
      { reason: 'other' },
      { reason: 'complaint', note: 'x'.repeat(501) },
      { reason: 'complaint', notes: 'x' },
    ]) {
      const res = await outsider.call('POST', `/api/v1/contacts/${own}/reveal`, { fields: ['phone'], ...bad });
      expect(res.statusCode, `${JSON.stringify(bad)}: ${res.body}`).toBe(400);
      expect(res.body).not.toContain('13655558888');
    }
    expect((await db().selectFrom('audit_events').select('seq').where('action', '=', 'personal_data.reveal').execute()).length).toBe(revealsBefore);
    const other = await outsider.call('POST', `/api/v1/contacts/${own}/reveal`, { fields: ['phone'], reason: 'other', note: 'regulator inspection' });
    expect(other.statusCode, other.body).toBe(200);
  });

  it("answers 404 to a PATCH or DELETE of another team's account and changes nothing; the owning team's PATCH and DELETE work", async () => {
    const account = await createAccount('managerA', 'Hunan Satellite Ads');
    const before = await accountRow(account);
    for (const [method, payload] of [
      ['PATCH', { name: 'Taken Over', industry: 'piracy' }],
      ['PATCH', { ownerId: managerB.id, teamId: managerB.teamId }],
      ['DELETE', undefined],
    ] as const) {
      for (const who of ['managerB', 'repB']) {
        const res = await call(who, method, `/api/v1/accounts/${account}`, payload);
        expect(res.statusCode, `${who} ${method}: ${res.body}`).toBe(who === 'repB' && method === 'DELETE' ? 403 : 404);
      }
    }
    expect(await accountRow(account)).toEqual(before);

    const patched = await call('managerA', 'PATCH', `/api/v1/accounts/${account}`, { industry: 'Broadcast', website: 'https://ads.example.cn' });
    expect(patched.statusCode, patched.body).toBe(200);
    expect(patched.json()).toMatchObject({ id: account, name: 'Hunan Satellite Ads', industry: 'Broadcast', website: 'https://ads.example.cn' });
    const event = await db().selectFrom('audit_events').selectAll().where('request_id', '=', String(patched.headers['x-request-id'])).executeTakeFirstOrThrow();
    expect(event).toMatchObject({ action: 'record.updated', resource: 'accounts', resource_id: account });
    expect(JSON.parse(String(event.detail))).toEqual({ diff: { industry: 'Broadcast', website: 'https://ads.example.cn' } });
    expect((await call('repA', 'PATCH', `/api/v1/accounts/${account}`, { industry: 'Media' })).statusCode).toBe(200);

    const deleted = await call('managerA', 'DELETE', `/api/v1/accounts/${account}`);
    expect(deleted.statusCode, deleted.body).toBe(204);
    expect(await accountRow(account)).toBeUndefined();
    expect((await call('managerA', 'GET', `/api/v1/accounts/${account}`)).statusCode).toBe(404);
  });

  it('deleting an account answers the same whether or not contacts outside the scope are linked to it', async () => {
    // A service agent (all contacts) links a team B customer to team A's account.
    const linkedAccount = await createAccount('managerA', 'Linked From Afar');
    const foreign = await createContact('managerB', { name: 'Far Away', email: 'far.away@example.com' });
    const link = await call('agent', 'PATCH', `/api/v1/contacts/${foreign}`, { accountId: linkedAccount });
    expect(link.statusCode, link.body).toBe(200);
    const emptyAccount = await createAccount('managerA', 'Nobody Linked');

    // Team A's manager cannot see the team B contact: the deletion answers as for an account without contacts.
    const withForeign = await call('managerA', 'DELETE', `/api/v1/accounts/${linkedAccount}`);
    const withNothing = await call('managerA', 'DELETE', `/api/v1/accounts/${emptyAccount}`);
    expect([withForeign.statusCode, withNothing.statusCode]).toEqual([204, 204]);
    expect(withForeign.body).toBe(withNothing.body);
    // The foreign contact is detached (not left pointing at nothing), and that is audited.
    expect((await contactRow(foreign))?.account_id).toBeNull();
    expect((await call('managerB', 'GET', `/api/v1/contacts/${foreign}`)).json().accountId).toBeNull();
    const detached = await db()
      .selectFrom('audit_events')
      .selectAll()
      .where('request_id', '=', String(withForeign.headers['x-request-id']))
      .where('action', '=', 'record.updated')
      .executeTakeFirstOrThrow();
    const foreignSubject = (await contactRow(foreign))?.subject_id;
    expect(JSON.parse(String(detached.subject_ids))).toEqual([foreignSubject]);
    expect(JSON.parse(String(detached.detail))).toMatchObject({ cause: 'account_deleted', accountId: linkedAccount, ids: [foreign] });

    // A contact the manager does see still blocks the deletion, and nothing changes.
    const busyAccount = await createAccount('managerA', 'Still Busy');
    const mine = await createContact('managerA', { name: 'Near By', accountId: busyAccount });
    const blocked = await call('managerA', 'DELETE', `/api/v1/accounts/${busyAccount}`);
    expect(blocked.statusCode, blocked.body).toBe(409);
    expect(blocked.json().error.code).toBe('conflict');
    expect(await accountRow(busyAccount)).toBeDefined();
    expect((await contactRow(mine))?.account_id).toBe(busyAccount);
  });
});
