import { objectSpecs, storeObjects } from '@castellan/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoStaff } from '../../src/demo/demo-users.js';
import { demoSteps, loadDemo } from '../../src/demo/load-demo.js';
import { buildApp } from '../../src/http/build-app.js';
import { asSystem } from '../../src/platform/data/as-system.js';
import { findUserByEmail } from '../../src/platform/identity/user-directory.js';
import { testDialects } from '../helpers/databases.js';
import { createTestInstall, type TestInstall, tokenFor } from '../helpers/test-install.js';

/**
 * The demo data set (`castellan demo`): staff for every default role, and records of every store
 * object that the demo staff then find through the API, within their scope; loaded once, all or nothing.
 */
describe.each(testDialects)('the demo data set on %s', (dialect) => {
  let install: TestInstall;
  let app: Awaited<ReturnType<typeof buildApp>>;
  let result: Awaited<ReturnType<typeof loadDemo>>;
  const tokens = new Map<string, string>();
  const asStaff = async (email: string, url: string) => {
    let token = tokens.get(email);
    if (!token) {
      const user = await findUserByEmail(install.kernel, email);
      if (!user) throw new Error(`no demo user ${email}`);
      token = await tokenFor(install.kernel, user);
      tokens.set(email, token);
    }
    return app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } });
  };
  const operator = () => asSystem('test fixture: cli demo');

  beforeAll(async () => {
    install = await createTestInstall(dialect);
    result = await loadDemo(install.kernel, { scale: 0.05, seed: 7, osUser: 'tester', operator: operator() });
    app = await buildApp(install.kernel, { logger: false });
    await app.ready();
  });
  afterAll(async () => {
    await app?.close();
    await install?.cleanup();
  });

  it('creates staff for every default role, each with a one-time enrolment link and no password', async () => {
    const roles = new Set(result.accounts.map((a) => a.role));
    for (const role of [
      'security_admin',
      'audit_admin',
      'privacy_officer',
      'auditor',
      'sales_manager',
      'sales_rep',
      'licensing_manager',
      'service_agent',
      'marketing',
    ])
      expect(roles.has(role as never), role).toBe(true);
    for (const account of result.accounts) expect(account.link).toMatch(/\/enrol#token=/);
    for (const account of result.accounts) {
      const user = await findUserByEmail(install.kernel, account.email);
      const row = await (install.kernel.db.kysely as any).selectFrom('users').select(['password_hash']).where('id', '=', user?.id).executeTakeFirst();
      expect(row, account.email).toBeDefined();
      expect(row.password_hash, `${account.email} has no password until enrolment`).toBeNull();
    }
  });

  it('has records of every store object, which the demo staff find through the API', async () => {
    const found: string[] = [];
    const readers = Object.values(demoStaff).map((s) => s.email);
    for (const object of storeObjects) {
      for (const email of readers) {
        const res = await asStaff(email, `/api/v1/${objectSpecs[object].plural}?limit=5`);
        if (res.statusCode === 200 && res.json().items.length > 0) {
          found.push(object);
          break;
        }
      }
    }
    expect(storeObjects.filter((o) => !found.includes(o))).toEqual([]);
  });

  it("keeps each seller's contacts to themselves: record scope holds on demo data", async () => {
    const east = (await asStaff(demoStaff.salesRepEast.email, '/api/v1/contacts?limit=200')).json().items;
    const north = (await asStaff(demoStaff.salesRepNorth.email, '/api/v1/contacts?limit=200')).json().items;
    expect(east.length).toBeGreaterThan(0);
    expect(north.length).toBeGreaterThan(0);
    const eastIds = new Set(east.map((c: { id: string }) => c.id));
    expect(north.filter((c: { id: string }) => eastIds.has(c.id))).toEqual([]);
  });

  it('loads all or nothing: a step that fails leaves no staff and no record behind', async () => {
    const fresh = await createTestInstall(dialect);
    const failing = {
      name: 'failing step',
      run: async () => {
        throw new Error('step failed on purpose');
      },
    };
    demoSteps.push(failing);
    try {
      await expect(loadDemo(fresh.kernel, { scale: 0.02, seed: 3, osUser: 'tester', operator: operator() })).rejects.toThrow(/on purpose/);
      const db = fresh.kernel.db.kysely as any;
      for (const table of ['contacts', 'accounts', 'deals', 'subscriptions', 'cases'])
        expect(
          Number(
            (
              await db
                .selectFrom(table)
                .select((eb: any) => eb.fn.countAll().as('n'))
                .executeTakeFirst()
            ).n,
          ),
          table,
        ).toBe(0);
      expect(await findUserByEmail(fresh.kernel, demoStaff.salesManager.email)).toBeUndefined();
    } finally {
      demoSteps.pop();
      await fresh.cleanup();
    }
  });

  it('refuses to load twice, changing nothing', async () => {
    const before = await (install.kernel.db.kysely as any)
      .selectFrom('contacts')
      .select((eb: any) => eb.fn.countAll().as('n'))
      .executeTakeFirst();
    await expect(loadDemo(install.kernel, { scale: 0.05, osUser: 'tester', operator: operator() })).rejects.toThrow(/already loaded/);
    const after = await (install.kernel.db.kysely as any)
      .selectFrom('contacts')
      .select((eb: any) => eb.fn.countAll().as('n'))
      .executeTakeFirst();
    expect(Number(after.n)).toBe(Number(before.n));
  });
});
