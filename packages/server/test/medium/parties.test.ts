import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiCallers } from '../helpers/api-callers.js';
import { testDialects } from '../helpers/databases.js';
import { type App, startTestApp, stopTestApp } from '../helpers/test-app.js';
import type { TestInstall } from '../helpers/test-install.js';

/**
 * Parties over HTTP: accounts with their USCC (check character, unique), credit limit and hierarchy
 * (no cycles); agency ↔ advertiser links (kinds, dates); brands under advertisers; contacts under 14
 * (derived flag, guardian required); households with a sealed address. Refusals change nothing.
 */
describe.each(testDialects)('parties over HTTP on %s', (dialect) => {
  let install: TestInstall;
  let app: App;
  const { call, created: create, addCallers } = apiCallers(() => app);

  beforeAll(async () => {
    ({ install, app } = await startTestApp(dialect));
    await addCallers(install.kernel, {
      manager: [['sales_manager'], 'North'],
      rep: [['sales_rep'], 'North'],
      outsider: [['sales_manager'], 'South'],
      agent: [['service_agent'], 'Care'],
      otherAgent: [['service_agent'], 'Elsewhere'],
    });
  });
  afterAll(async () => stopTestApp({ install, app }));

  it('keeps a valid USCC (upper-cased), refuses a wrong check character and a duplicate, changing nothing', async () => {
    const huawei = await create('manager', '/api/v1/accounts', {
      name: '华为技术有限公司',
      kind: 'advertiser',
      uscc: '914403001922038216',
      creditLimit: 5_000_000_00,
    });
    expect(huawei).toMatchObject({ uscc: '914403001922038216', creditLimit: 500_000_000, parentId: null });
    expect((await create('manager', '/api/v1/accounts', { name: 'Tencent', kind: 'advertiser', uscc: '91440300708461136t' })).uscc).toBe('91440300708461136T');
    const before = (await call('manager', 'GET', '/api/v1/accounts?limit=200')).json().items.length;
    const wrong = await call('manager', 'POST', '/api/v1/accounts', { name: 'Wrong', kind: 'advertiser', uscc: '914403001922038217' });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.body).toContain('expected 6');
    for (const uscc of ['91440300192203821', '9144030019220382I6', '']) {
      expect((await call('manager', 'POST', '/api/v1/accounts', { name: 'Bad', kind: 'agency', uscc })).statusCode, uscc).toBe(400);
    }
    expect((await call('manager', 'POST', '/api/v1/accounts', { name: 'Neg', kind: 'agency', creditLimit: -1 })).statusCode).toBe(400);
    const duplicate = await call('manager', 'POST', '/api/v1/accounts', { name: 'Copy', kind: 'agency', uscc: '914403001922038216' });
    expect(duplicate.statusCode).toBe(409);
    expect((await call('manager', 'GET', '/api/v1/accounts?limit=200')).json().items.length).toBe(before);
    expect((await call('manager', 'GET', '/api/v1/accounts?uscc=914403001922038216')).json().items.map((a: { id: string }) => a.id)).toEqual([huawei.id]);
  });

  it('builds an account hierarchy and refuses a cycle at any depth, and a parent outside your scope', async () => {
    const group = await create('manager', '/api/v1/accounts', { name: 'Group', kind: 'group' });
    const child = await create('manager', '/api/v1/accounts', { name: 'Child', kind: 'advertiser', parentId: group.id });
    const grandchild = await create('manager', '/api/v1/accounts', { name: 'Grandchild', kind: 'advertiser', parentId: child.id });
    const self = await call('manager', 'PATCH', `/api/v1/accounts/${group.id}`, { parentId: group.id });
    expect(self.statusCode).toBe(409);
    expect(self.json().error.message).toContain('its own parent');
    const cycle = await call('manager', 'PATCH', `/api/v1/accounts/${group.id}`, { parentId: grandchild.id });
    expect(cycle.statusCode, cycle.body).toBe(409);
    expect(cycle.json().error.message).toContain('cycle');
    expect((await call('manager', 'GET', `/api/v1/accounts/${group.id}`)).json().parentId).toBeNull();
    const foreign = await create('outsider', '/api/v1/accounts', { name: 'Southern', kind: 'group' });
    expect((await call('manager', 'PATCH', `/api/v1/accounts/${group.id}`, { parentId: foreign.id })).statusCode).toBe(422);
    expect((await call('manager', 'DELETE', `/api/v1/accounts/${group.id}`)).statusCode).toBe(409);
    expect((await call('manager', 'GET', `/api/v1/accounts?parentId=${child.id}`)).json().items.map((a: { id: string }) => a.id)).toEqual([grandchild.id]);
  });

  it('lets only one of two parallel re-parentings that would close a cycle through', async () => {
    const a = await create('manager', '/api/v1/accounts', { name: 'A', kind: 'group' });
    const b = await create('manager', '/api/v1/accounts', { name: 'B', kind: 'group' });
    const answers = await Promise.all([
      call('manager', 'PATCH', `/api/v1/accounts/${a.id}`, { parentId: b.id }),
      call('manager', 'PATCH', `/api/v1/accounts/${b.id}`, { parentId: a.id }),
    ]);
    expect(answers.map((r) => r.statusCode).sort()).toEqual([200, 409]);
    const parents = [
      (await call('manager', 'GET', `/api/v1/accounts/${a.id}`)).json().parentId,
      (await call('manager', 'GET', `/api/v1/accounts/${b.id}`)).json().parentId,
    ];
    expect(parents.filter((p) => p !== null)).toHaveLength(1);
  });

  it('links an agency to an advertiser with validity dates; wrong kinds and inverted dates are refused', async () => {
    const agency = await create('manager', '/api/v1/accounts', { name: '群邑 GroupM', kind: 'agency' });
    const advertiser = await create('manager', '/api/v1/accounts', { name: '伊利 Yili', kind: 'advertiser' });
    const link = await create('rep', '/api/v1/agency-links', {
      agencyId: agency.id,
      advertiserId: advertiser.id,
      validFrom: '2026-01-01',
      validTo: '2026-12-31',
    });
    expect(link).toMatchObject({ agencyId: agency.id, advertiserId: advertiser.id, validTo: '2026-12-31' });
    const swapped = await call('rep', 'POST', '/api/v1/agency-links', { agencyId: advertiser.id, advertiserId: agency.id, validFrom: '2026-01-01' });
    expect(swapped.statusCode).toBe(409);
    expect(swapped.json().error.message).toContain('kind agency');
    const inverted = await call('rep', 'POST', '/api/v1/agency-links', {
      agencyId: agency.id,
      advertiserId: advertiser.id,
      validFrom: '2026-06-01',
      validTo: '2026-05-31',
    });
    expect(inverted.statusCode).toBe(422);
    expect(inverted.json().error.message).toContain('validTo 2026-05-31 is before validFrom 2026-06-01');
    expect((await call('rep', 'PATCH', `/api/v1/agency-links/${link.id}`, { validTo: '2025-12-31' })).statusCode).toBe(422);
    const overlap = await call('rep', 'POST', '/api/v1/agency-links', { agencyId: agency.id, advertiserId: advertiser.id, validFrom: '2026-12-31' });
    expect(overlap.statusCode).toBe(409);
    expect(overlap.json().error.message).toContain(`agency link ${link.id} already links`);
    const next = await create('rep', '/api/v1/agency-links', { agencyId: agency.id, advertiserId: advertiser.id, validFrom: '2027-01-01' });
    expect((await call('rep', 'PATCH', `/api/v1/agency-links/${link.id}`, { validTo: null })).statusCode).toBe(409);
    expect((await call('manager', 'DELETE', `/api/v1/agency-links/${next.id}`)).statusCode).toBe(204);
    expect((await call('rep', 'GET', `/api/v1/agency-links?agencyId=${agency.id}`)).json().items).toHaveLength(1);
    expect((await call('outsider', 'GET', `/api/v1/agency-links/${link.id}`)).statusCode).toBe(404);
    expect((await call('outsider', 'DELETE', `/api/v1/agency-links/${link.id}`)).statusCode).toBe(404);
    expect((await call('rep', 'DELETE', `/api/v1/agency-links/${link.id}`)).statusCode).toBe(403);
    const rekind = await call('manager', 'PATCH', `/api/v1/accounts/${agency.id}`, { kind: 'partner' });
    expect(rekind.statusCode).toBe(409);
    expect(rekind.json().error.message).toContain('stays of kind agency');
    expect((await call('manager', 'GET', `/api/v1/accounts/${agency.id}`)).json().kind).toBe('agency');
    expect((await call('manager', 'DELETE', `/api/v1/agency-links/${link.id}`)).statusCode).toBe(204);
    expect((await call('manager', 'PATCH', `/api/v1/accounts/${agency.id}`, { kind: 'partner' })).json().kind).toBe('partner');
  });

  it('keeps brands under advertisers only, one name per advertiser', async () => {
    const advertiser = await create('manager', '/api/v1/accounts', { name: '蒙牛 Mengniu', kind: 'advertiser' });
    const agency = await create('manager', '/api/v1/accounts', { name: 'Agency', kind: 'agency' });
    await create('rep', '/api/v1/brands', { name: '特仑苏', advertiserId: advertiser.id });
    expect((await call('rep', 'POST', '/api/v1/brands', { name: '特仑苏', advertiserId: advertiser.id })).statusCode).toBe(409);
    const wrong = await call('rep', 'POST', '/api/v1/brands', { name: 'X', advertiserId: agency.id });
    expect(wrong.statusCode).toBe(409);
    expect(wrong.json().error.message).toContain('kind advertiser');
  });

  it('flags a contact under 14 from the encrypted birth date and requires an adult guardian', async () => {
    const today = new Date().toISOString().slice(0, 10);
    const [y, m, d] = today.split('-');
    const fourteenToday = `${Number(y) - 14}-${m}-${d}`;
    const parent = await create('agent', '/api/v1/contacts', { name: '李明', birthDate: '1985-04-02' });
    expect(parent.isMinor).toBe(false);
    const noGuardian = await call('agent', 'POST', '/api/v1/contacts', { name: '李小明', birthDate: fourteenToday });
    expect(noGuardian.statusCode).toBe(422);
    expect(noGuardian.json().error.message).toContain('guardianId');
    const child = await create('agent', '/api/v1/contacts', { name: '李小明', birthDate: fourteenToday, guardianId: parent.id });
    expect(child).toMatchObject({ isMinor: true, guardianId: parent.id });
    expect((await call('agent', 'PATCH', `/api/v1/contacts/${child.id}`, { guardianId: null })).statusCode).toBe(422);
    // Any change recomputes the flag from the stored (encrypted) birth date.
    const renamed = await call('agent', 'PATCH', `/api/v1/contacts/${child.id}`, { name: '李晓明' });
    expect(renamed.json().isMinor).toBe(true);
    const otherChild = await call('agent', 'POST', '/api/v1/contacts', { name: 'Kid', birthDate: '2020-01-01', guardianId: child.id });
    expect(otherChild.statusCode).toBe(422);
    expect(otherChild.json().error.message).toContain('guardian must not be under 14');
    const grownUp = await call('agent', 'PATCH', `/api/v1/contacts/${child.id}`, { birthDate: `${Number(y) - 15}-01-01` });
    expect(grownUp.json().isMinor).toBe(false);
    expect((await call('agent', 'PATCH', `/api/v1/contacts/${child.id}`, { guardianId: null })).json().guardianId).toBeNull();
    expect((await call('agent', 'POST', '/api/v1/contacts', { name: 'Self', isMinor: false })).statusCode).toBe(400);
    const stored = await install.kernel.db.kysely.selectFrom('contacts').select(['is_minor']).where('id', '=', parent.id).executeTakeFirstOrThrow();
    expect(Number(stored.is_minor)).toBe(0);
    expect((await call('agent', 'GET', '/api/v1/contacts?isMinor=true&limit=200')).json().items.map((c: { id: string }) => c.id)).not.toContain(child.id);
    expect((await call('agent', 'DELETE', `/api/v1/contacts/${parent.id}`)).statusCode).toBe(403);
  });

  it('keeps a household address sealed under the head of household, visible to its team only', async () => {
    const head = await create('agent', '/api/v1/contacts', { name: '王芳' });
    const household = await create('agent', '/api/v1/households', { headContactId: head.id, address: '杭州市西湖区文三路 88 号 3 单元 502' });
    expect(household.address).toBe('杭州市西湖区文三路 88 号 3 单元 502');
    const member = await create('agent', '/api/v1/contacts', { name: '王小芳', householdId: household.id });
    expect(member.householdId).toBe(household.id);
    const row = await install.kernel.db.kysely
      .selectFrom('households' as never)
      .selectAll()
      .where('id' as never, '=', household.id as never)
      .executeTakeFirstOrThrow();
    expect(JSON.stringify(row)).not.toContain('文三路');
    const headRow = await install.kernel.db.kysely.selectFrom('contacts').select('subject_id').where('id', '=', head.id).executeTakeFirstOrThrow();
    expect((row as { subject_id: string }).subject_id).toBe(headRow.subject_id);
    expect((await call('otherAgent', 'GET', `/api/v1/households/${household.id}`)).statusCode).toBe(404);
    expect((await call('otherAgent', 'PATCH', `/api/v1/households/${household.id}`, { address: 'x' })).statusCode).toBe(404);
    expect((await call('manager', 'GET', `/api/v1/households/${household.id}`)).statusCode).toBe(403);
    expect((await call('agent', 'POST', '/api/v1/households', { address: 'no head' })).statusCode).toBe(400);
    expect((await call('agent', 'DELETE', `/api/v1/households/${household.id}`)).statusCode).toBe(409);
  });
});
