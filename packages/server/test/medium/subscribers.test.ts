import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiCallers } from '../helpers/api-callers.js';
import { testDialects } from '../helpers/databases.js';
import { type App, startTestApp, stopTestApp } from '../helpers/test-app.js';
import type { TestInstall } from '../helpers/test-install.js';

/**
 * The subscriber desk over HTTP: customer → billing account → subscription → devices; the lifecycle
 * actions with their history (same transaction, refused transitions change nothing, parallel actions
 * on one subscription serialised); transfers to another customer re-seal the devices; cancelled
 * billing accounts take no subscription; the churn dashboard counts only what the caller may see.
 */
describe.each(testDialects)('subscribers over HTTP on %s', (dialect) => {
  let install: TestInstall;
  let app: App;
  const { call, created: create, addCallers } = apiCallers(() => app);
  const db = () => install.kernel.db.kysely as unknown as import('kysely').Kysely<any>;
  const historyCount = async (subscriptionId: string) =>
    Number(
      (await db().selectFrom('subscription_history').select(db().fn.countAll().as('n')).where('subscription_id', '=', subscriptionId).executeTakeFirst())?.n,
    );
  let n = 0;
  const accountNumber = () => `BA-${dialect}-${++n}`;

  let alice: { id: string };
  let bob: { id: string };
  let home: { id: string };
  let office: { id: string };
  let aliceAccount: { id: string };
  let aliceSecond: { id: string };
  let bobAccount: { id: string };

  beforeAll(async () => {
    ({ install, app } = await startTestApp(dialect));
    await addCallers(install.kernel, {
      agent: [['service_agent'], 'Desk'],
      colleague: [['service_agent'], 'Desk'],
      outsider: [['service_agent'], 'Other Desk'],
      seller: [['sales_manager'], 'Desk'],
    });
    alice = await create('agent', '/api/v1/contacts', { name: '陈静', phone: '13911112222' });
    bob = await create('agent', '/api/v1/contacts', { name: '赵刚', phone: '13933334444' });
    home = await create('agent', '/api/v1/households', { headContactId: alice.id, address: '南京市鼓楼区中山北路 101 号' });
    office = await create('agent', '/api/v1/households', { headContactId: alice.id, address: '南京市玄武区珠江路 202 号' });
    aliceAccount = await create('agent', '/api/v1/billing-accounts', {
      contactId: alice.id,
      accountNumber: accountNumber(),
      billingAddress: '南京市鼓楼区中山北路 101 号',
    });
    aliceSecond = await create('agent', '/api/v1/billing-accounts', { contactId: alice.id, accountNumber: accountNumber() });
    bobAccount = await create('agent', '/api/v1/billing-accounts', {
      contactId: bob.id,
      accountNumber: accountNumber(),
      billingAddress: '南京市秦淮区 303 号',
    });
  });
  afterAll(async () => stopTestApp({ install, app }));

  const newSubscription = (billingAccountId: string, extra: object = {}) =>
    create('agent', '/api/v1/subscriptions', {
      billingAccountId,
      packageCode: 'BASIC-HD',
      packageKind: 'base',
      priceFen: 2600,
      startDate: '2026-01-01',
      ...extra,
    });

  it('runs a subscription through its lifecycle, each action recorded with its reason sealed', async () => {
    const subscription = await newSubscription(aliceAccount.id, { householdId: home.id, autoRenew: true });
    expect(subscription).toMatchObject({ status: 'pending', autoRenew: true, householdId: home.id, activatedOn: null });
    const id = subscription.id;
    const steps: [string, object, string][] = [
      ['activate', { reason: '上门安装调试完成' }, 'active'],
      ['suspend', { reason: '客户出差三个月报停' }, 'suspended'],
      ['resume', {}, 'active'],
      ['move', { householdId: office.id, reason: '搬到珠江路办公室' }, 'active'],
    ];
    for (const [action, body, status] of steps) {
      const res = await call('agent', 'POST', `/api/v1/subscriptions/${id}/${action}`, body);
      expect(res.statusCode, `${action}: ${res.body}`).toBe(200);
      expect(res.json().status).toBe(status);
    }
    expect((await call('agent', 'GET', `/api/v1/subscriptions/${id}`)).json()).toMatchObject({
      householdId: office.id,
      activatedOn: new Date().toISOString().slice(0, 10),
    });
    const history = await call('colleague', 'GET', `/api/v1/subscriptions/${id}/history`);
    expect(history.statusCode, history.body).toBe(200);
    expect(history.json().items.map((h: { action: string; fromStatus: string; toStatus: string }) => `${h.action}:${h.fromStatus}>${h.toStatus}`)).toEqual([
      'activate:pending>active',
      'suspend:active>suspended',
      'resume:suspended>active',
      'move:active>active',
    ]);
    expect(history.json().items[1]).toMatchObject({ reason: '客户出差三个月报停', billingAccountId: aliceAccount.id });
    expect(history.json().items[3].detail).toBe(`householdId ${office.id}`);
    const rows = await db().selectFrom('subscription_history').selectAll().where('subscription_id', '=', id).execute();
    expect(JSON.stringify(rows)).not.toContain('报停');
    expect(rows.every((r) => r.reason_enc === null || Buffer.isBuffer(r.reason_enc) || r.reason_enc instanceof Uint8Array)).toBe(true);
    expect((await call('outsider', 'GET', `/api/v1/subscriptions/${id}/history`)).statusCode).toBe(404);
    expect((await call('outsider', 'POST', `/api/v1/subscriptions/${id}/suspend`, {})).statusCode).toBe(404);
    expect((await call('seller', 'GET', `/api/v1/subscriptions/${id}`)).statusCode).toBe(403);
  });

  it('refuses an illegal transition with 409 naming from → to, writing nothing', async () => {
    const { id } = await newSubscription(aliceAccount.id);
    const before = await historyCount(id);
    const res = await call('agent', 'POST', `/api/v1/subscriptions/${id}/suspend`, { reason: 'x' });
    expect(res.statusCode).toBe(409);
    expect(res.json().error.message).toBe('cannot suspend a subscription that is pending (pending → suspended): suspend needs status active');
    expect(await historyCount(id)).toBe(before);
    expect((await call('agent', 'POST', `/api/v1/subscriptions/${id}/cancel`, { reason: '客户改主意' })).json().status).toBe('cancelled');
    for (const action of ['activate', 'suspend', 'resume', 'cancel']) {
      const again = await call('agent', 'POST', `/api/v1/subscriptions/${id}/${action}`, {});
      expect(again.statusCode, action).toBe(409);
      expect(again.json().error.message).toContain('cancelled →');
    }
    expect((await call('agent', 'POST', `/api/v1/subscriptions/${id}/move`, { householdId: home.id })).statusCode).toBe(409);
    const patched = await call('agent', 'PATCH', `/api/v1/subscriptions/${id}`, { priceFen: 1 });
    expect(patched.statusCode).toBe(409);
    expect(patched.json().error.message).toContain('cancelled (final)');
    expect(await historyCount(id)).toBe(before + 1);
    expect((await call('agent', 'GET', `/api/v1/subscriptions/${id}`)).json()).toMatchObject({ status: 'cancelled', priceFen: 2600 });
  });

  it('takes the status, billing account and household only through the actions', async () => {
    const { id } = await newSubscription(aliceAccount.id);
    expect(
      (
        await call('agent', 'POST', '/api/v1/subscriptions', {
          billingAccountId: aliceAccount.id,
          packageCode: 'X',
          packageKind: 'base',
          priceFen: 1,
          startDate: '2026-01-01',
          status: 'active',
        })
      ).statusCode,
    ).toBe(400);
    for (const patch of [{ status: 'active' }, { billingAccountId: bobAccount.id }, { householdId: home.id }, { activatedOn: '2026-01-01' }]) {
      expect((await call('agent', 'PATCH', `/api/v1/subscriptions/${id}`, patch)).statusCode, JSON.stringify(patch)).toBe(400);
    }
    expect((await call('agent', 'PATCH', `/api/v1/subscriptions/${id}`, { priceFen: 3000, autoRenew: true })).json()).toMatchObject({
      priceFen: 3000,
      status: 'pending',
    });
    expect(
      (
        await call('agent', 'POST', '/api/v1/subscriptions', {
          billingAccountId: aliceAccount.id,
          packageCode: 'X',
          packageKind: 'premium',
          priceFen: 1,
          startDate: '2026-01-01',
        })
      ).statusCode,
    ).toBe(400);
  });

  it('transfers (过户) only to another customer; the devices follow, re-sealed under the new customer', async () => {
    const { id } = await newSubscription(aliceAccount.id);
    await call('agent', 'POST', `/api/v1/subscriptions/${id}/activate`, {});
    const device = await create('agent', '/api/v1/devices', {
      subscriptionId: id,
      billingAccountId: aliceAccount.id,
      kind: 'stb',
      serialNumber: 'STB-8844-2201-7788',
      caNumber: '8002 1234 5678 9012',
      macAddress: '00:1A:2B:3C:4D:5E',
    });
    expect(device).toMatchObject({ serialNumber: 'STB-8844-2201-7788', caNumber: '8002 1234 5678 9012', maskedFields: [] });
    const same = await call('agent', 'POST', `/api/v1/subscriptions/${id}/transfer`, { billingAccountId: aliceSecond.id });
    expect(same.statusCode).toBe(409);
    expect(same.json().error.message).toContain('same customer');
    const moved = await call('agent', 'POST', `/api/v1/subscriptions/${id}/transfer`, { billingAccountId: bobAccount.id, reason: '房屋出售过户给赵刚' });
    expect(moved.statusCode, moved.body).toBe(200);
    expect(moved.json()).toMatchObject({ billingAccountId: bobAccount.id, status: 'active' });
    const after = await call('agent', 'GET', `/api/v1/devices/${device.id}`);
    expect(after.json()).toMatchObject({ billingAccountId: bobAccount.id, serialNumber: 'STB-8844-2201-7788', macAddress: '00:1A:2B:3C:4D:5E' });
    const subjectOf = async (table: string, rowId: string) =>
      (await db().selectFrom(table).select('subject_id').where('id', '=', rowId).executeTakeFirstOrThrow()).subject_id;
    expect(await subjectOf('devices', device.id)).toBe(await subjectOf('contacts', bob.id));
    const history = (await call('agent', 'GET', `/api/v1/subscriptions/${id}/history`)).json().items;
    expect(history.at(-1)).toMatchObject({
      action: 'transfer',
      billingAccountId: aliceAccount.id,
      detail: `billingAccountId ${bobAccount.id}`,
      reason: '房屋出售过户给赵刚',
    });
    expect(await subjectOf('subscription_history', history.at(-1).id)).toBe(await subjectOf('contacts', alice.id));
    const wrongAccount = await call('agent', 'POST', '/api/v1/devices', {
      subscriptionId: id,
      billingAccountId: aliceAccount.id,
      kind: 'smart_card',
      caNumber: '8002000011112222',
    });
    expect(wrongAccount.statusCode).toBe(422);
    expect(wrongAccount.json().error.message).toContain(bobAccount.id);
    const found = await call('agent', 'POST', '/api/v1/devices/search', { field: 'serialNumber', value: 'stb 8844 2201 7788' });
    expect(found.json().items.map((d: { id: string }) => d.id)).toEqual([device.id]);
    expect((await call('outsider', 'POST', '/api/v1/devices/search', { field: 'serialNumber', value: 'STB-8844-2201-7788' })).json().items).toEqual([]);
    expect((await call('outsider', 'GET', `/api/v1/devices/${device.id}`)).statusCode).toBe(404);
    const stored = await db().selectFrom('devices').selectAll().where('id', '=', device.id).executeTakeFirstOrThrow();
    expect(JSON.stringify(stored)).not.toMatch(/STB-8844|1234 5678|4D:5E/);
    expect((await call('agent', 'POST', `/api/v1/subscriptions/${id}/cancel`, {})).statusCode).toBe(200);
    expect((await call('agent', 'PATCH', `/api/v1/devices/${device.id}`, { kind: 'cam' })).statusCode).toBe(409);
    expect((await call('agent', 'DELETE', `/api/v1/devices/${device.id}`)).statusCode).toBe(204);
  });

  it('refuses a subscription on a cancelled billing account, on create and on transfer', async () => {
    const carol = await create('agent', '/api/v1/contacts', { name: 'Carol Wu' });
    const account = await create('agent', '/api/v1/billing-accounts', { contactId: carol.id, accountNumber: accountNumber() });
    const open = await newSubscription(account.id);
    const refused = await call('agent', 'PATCH', `/api/v1/billing-accounts/${account.id}`, { status: 'cancelled' });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error.message).toBe('the billing account has 1 subscription(s) not cancelled: cancel them first');
    await call('agent', 'POST', `/api/v1/subscriptions/${open.id}/cancel`, {});
    expect((await call('agent', 'PATCH', `/api/v1/billing-accounts/${account.id}`, { status: 'cancelled' })).json().status).toBe('cancelled');
    const onCancelled = await call('agent', 'POST', '/api/v1/subscriptions', {
      billingAccountId: account.id,
      packageCode: 'VOD',
      packageKind: 'addon',
      priceFen: 1000,
      startDate: '2026-02-01',
    });
    expect(onCancelled.statusCode).toBe(409);
    expect(onCancelled.json().error.message).toBe(`billing account ${account.id} is cancelled: no subscription can be added to it`);
    const mine = await newSubscription(aliceAccount.id);
    const before = await historyCount(mine.id);
    const transfer = await call('agent', 'POST', `/api/v1/subscriptions/${mine.id}/transfer`, { billingAccountId: account.id });
    expect(transfer.statusCode).toBe(409);
    expect(transfer.json().error.message).toContain('is cancelled');
    expect(await historyCount(mine.id)).toBe(before);
    expect((await call('agent', 'GET', `/api/v1/subscriptions/${mine.id}`)).json().billingAccountId).toBe(aliceAccount.id);
    expect((await call('agent', 'PATCH', `/api/v1/billing-accounts/${account.id}`, { status: 'active' })).statusCode).toBe(409);
    expect((await call('agent', 'PATCH', `/api/v1/billing-accounts/${aliceAccount.id}`, { contactId: bob.id })).statusCode).toBe(400);
    const foreign = await create('outsider', '/api/v1/billing-accounts', { contactId: carol.id, accountNumber: accountNumber() });
    expect((await call('agent', 'POST', `/api/v1/subscriptions/${mine.id}/transfer`, { billingAccountId: foreign.id })).statusCode).toBe(422);
  });

  it('never leaves an open subscription on a cancelled billing account, even when both happen at once', async () => {
    for (let round = 0; round < 3; round++) {
      const customer = await create('agent', '/api/v1/contacts', { name: `Parallel ${round}` });
      const account = await create('agent', '/api/v1/billing-accounts', { contactId: customer.id, accountNumber: accountNumber() });
      const [cancel, add] = await Promise.all([
        call('agent', 'PATCH', `/api/v1/billing-accounts/${account.id}`, { status: 'cancelled' }),
        call('agent', 'POST', '/api/v1/subscriptions', {
          billingAccountId: account.id,
          packageCode: 'VOD',
          packageKind: 'addon',
          priceFen: 900,
          startDate: '2026-03-01',
        }),
      ]);
      const status = (await call('agent', 'GET', `/api/v1/billing-accounts/${account.id}`)).json().status;
      const open = (await call('agent', 'GET', `/api/v1/subscriptions?billingAccountId=${account.id}`))
        .json()
        .items.filter((s: { status: string }) => s.status !== 'cancelled');
      // Exactly one wins: the account is cancelled and nothing was added, or the subscription was added and the account stays open.
      if (status === 'cancelled') {
        expect([cancel.statusCode, add.statusCode]).toEqual([200, 409]);
        expect(open).toHaveLength(0);
      } else {
        expect([cancel.statusCode, add.statusCode]).toEqual([409, 201]);
        expect(open).toHaveLength(1);
      }
    }
  });

  it('serialises parallel actions on one subscription: one suspend wins, one history entry', async () => {
    const { id } = await newSubscription(aliceAccount.id);
    await call('agent', 'POST', `/api/v1/subscriptions/${id}/activate`, {});
    const answers = await Promise.all([1, 2, 3, 4].map(() => call('agent', 'POST', `/api/v1/subscriptions/${id}/suspend`, {})));
    expect(answers.map((a) => a.statusCode).sort()).toEqual([200, 409, 409, 409]);
    const rows = await db().selectFrom('subscription_history').select('action').where('subscription_id', '=', id).execute();
    expect(rows.map((r) => r.action).sort()).toEqual(['activate', 'suspend']);
    const mixed = await Promise.all([
      call('agent', 'POST', `/api/v1/subscriptions/${id}/resume`, {}),
      call('agent', 'POST', `/api/v1/subscriptions/${id}/cancel`, {}),
    ]);
    const history = (await call('agent', 'GET', `/api/v1/subscriptions/${id}/history`)).json().items;
    const final = (await call('agent', 'GET', `/api/v1/subscriptions/${id}`)).json().status;
    expect(history.at(-1).toStatus).toBe(final);
    for (let i = 1; i < history.length; i++) expect(history[i].fromStatus, JSON.stringify(history)).toBe(history[i - 1].toStatus);
    expect(mixed.filter((m) => m.statusCode === 200).length).toBeGreaterThan(0);
  });

  it('counts churn only over the subscriptions the caller may see', async () => {
    const month = new Date().toISOString().slice(0, 7);
    const mine = await call('agent', 'GET', `/api/v1/dashboards/churn?from=${month}&to=${month}`);
    expect(mine.statusCode, mine.body).toBe(200);
    const cancelledHere = await db()
      .selectFrom('subscriptions')
      .select(db().fn.countAll().as('n'))
      .where('cancelled_on', 'like', `${month}%`)
      .where('activated_on', 'is not', null)
      .executeTakeFirst();
    expect(mine.json().months).toEqual([{ month, activeAtStart: 0, cancelled: Number(cancelledHere?.n), churnRate: null }]);
    expect(Number(cancelledHere?.n)).toBeGreaterThan(0);
    const theirs = await call('outsider', 'GET', `/api/v1/dashboards/churn?from=${month}&to=${month}`);
    expect(theirs.json().months[0]).toMatchObject({ cancelled: 0 });
    expect((await call('agent', 'GET', '/api/v1/dashboards/churn')).json().months).toHaveLength(12);
    expect((await call('agent', 'GET', '/api/v1/dashboards/churn?from=2026-05&to=2026-01')).statusCode).toBe(422);
    expect((await call('agent', 'GET', '/api/v1/dashboards/churn?from=2026-13')).statusCode).toBe(400);
    expect((await call('seller', 'GET', '/api/v1/dashboards/churn')).statusCode).toBe(403);
  });
});
