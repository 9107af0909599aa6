import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/http/build-app.js';
import { testDialects } from '../helpers/databases.js';
import { addUser, createTestInstall, type TestInstall, tokenFor } from '../helpers/test-install.js';

type App = Awaited<ReturnType<typeof buildApp>>;

/**
 * The reveal dialog asks for one of the installation's reason codes: GET /api/v1/reveal-reasons
 * answers CASTELLAN_REVEAL_REASONS (and which need a note) to holders of contacts.reveal only.
 */
describe.each(testDialects)('reveal reasons on %s', (dialect) => {
  let install: TestInstall;
  let app: App;

  beforeAll(async () => {
    install = await createTestInstall(dialect, { CASTELLAN_REVEAL_REASONS: 'caller_verification,court_order,other' });
    app = await buildApp(install.kernel, { logger: false });
    await app.ready();
  });
  afterAll(async () => {
    await app?.close();
    await install?.cleanup();
  });

  const get = async (roles: string[]) => {
    const token = await tokenFor(install.kernel, await addUser(install.kernel, roles));
    return app.inject({ method: 'GET', url: '/api/v1/reveal-reasons', headers: { authorization: `Bearer ${token}` } });
  };

  it("answers the installation's codes to a holder of contacts.reveal, and which need a note", async () => {
    const res = await get(['sales_manager']);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ reasons: ['caller_verification', 'court_order', 'other'], noteRequiredFor: ['other'] });
  });

  it('refuses a user without contacts.reveal', async () => {
    const res = await get(['sales_rep']);
    expect(res.statusCode).toBe(403);
  });
});
