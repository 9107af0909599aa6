import { objectSpecs } from '@castellan/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../helpers/databases.js';
import { partiesSamples } from '../helpers/samples/parties.js';
import { subscribersSamples } from '../helpers/samples/subscribers.js';
import type { Sample, SampleCall } from '../helpers/samples/types.js';
import { type App, startTestApp, stopTestApp } from '../helpers/test-app.js';
import { addUser, type TestInstall, tokenFor } from '../helpers/test-install.js';

/**
 * The parties and subscribers sample makers (for the catalogue-wide attack suite) make valid records;
 * another team's holder of the same roles gets 404 on every owned one, on get, patch and delete, and
 * the record is unchanged; no secret is stored in the clear in the record's row.
 */
describe.each(testDialects)('parties and subscribers samples on %s', (dialect) => {
  let install: TestInstall;
  let app: App;
  let samples: Sample[] = [];
  const caller =
    (token: string): SampleCall =>
    (method, url, payload) =>
      app.inject({ method, url, headers: { authorization: `Bearer ${token}` }, ...(payload ? { payload } : {}) });
  let owner: SampleCall;
  /** Another team's seller (team scope on accounts, links, brands, contacts) and subscriber desk (team scope on the desk's objects). */
  let outsiders: { seller: SampleCall; desk: SampleCall };
  const deskObjects = new Set(['households', 'billing_accounts', 'subscriptions', 'subscription_history', 'devices']);
  /** A valid change of each object (so that only the scope can refuse it). */
  const patches: Record<string, object> = {
    accounts: { name: 'Renamed' },
    agency_links: { validTo: '2026-11-30' },
    brands: { name: 'Renamed brand' },
    contacts: { jobTitle: 'Changed' },
    households: { address: 'Changed address' },
    billing_accounts: { status: 'suspended' },
    subscriptions: { priceFen: 1 },
    devices: { kind: 'cam' },
  };

  beforeAll(async () => {
    ({ install, app } = await startTestApp(dialect));
    const roles = ['sales_manager', 'service_agent'];
    owner = caller(await tokenFor(install.kernel, await addUser(install.kernel, roles, 'Team A')));
    outsiders = {
      seller: caller(await tokenFor(install.kernel, await addUser(install.kernel, ['sales_manager'], 'Team B'))),
      desk: caller(await tokenFor(install.kernel, await addUser(install.kernel, ['service_agent'], 'Team B'))),
    };
    samples = [...(await partiesSamples({ owner, manager: owner })), ...(await subscribersSamples({ owner, manager: owner }))];
  });
  afterAll(async () => stopTestApp({ install, app }));

  it('makes one record of each object of the two domains', () => {
    expect(new Set(samples.map((s) => s.object))).toEqual(
      new Set(['accounts', 'agency_links', 'brands', 'contacts', 'households', 'billing_accounts', 'subscriptions', 'subscription_history', 'devices']),
    );
  });

  it('answers 404 to another team on get, patch and delete, changing nothing', async () => {
    for (const sample of samples) {
      // The subscriber desk sees every customer (contacts: all); another team's seller does not.
      const outsider = deskObjects.has(sample.object) ? outsiders.desk : outsiders.seller;
      const plural = objectSpecs[sample.object].plural;
      const url = `/api/v1/${plural}/${sample.id}`;
      const before = (await owner('GET', url)).body;
      expect((await outsider('GET', url)).statusCode, `${sample.object} get`).toBe(404);
      if (sample.object === 'subscription_history') continue; // read-only: no patch or delete route
      expect((await outsider('PATCH', url, patches[sample.object])).statusCode, `${sample.object} patch`).toBe(404);
      expect((await outsider('DELETE', url)).statusCode, `${sample.object} delete`).toBe(404);
      expect((await owner('GET', url)).body, sample.object).toBe(before);
    }
    const subscription = samples.find((s) => s.object === 'subscriptions')?.id;
    expect((await outsiders.desk('GET', `/api/v1/subscriptions/${subscription}/history`)).statusCode).toBe(404);
    expect((await outsiders.desk('POST', `/api/v1/subscriptions/${subscription}/cancel`, {})).statusCode).toBe(404);
  });

  it('stores no secret in the clear in its row', async () => {
    const db = install.kernel.db.kysely as unknown as import('kysely').Kysely<any>;
    for (const sample of samples) {
      const row = await db.selectFrom(sample.object).selectAll().where('id', '=', sample.id).executeTakeFirstOrThrow();
      const text = JSON.stringify(row, (_k, v) =>
        v && typeof v === 'object' && 'type' in v && v.type === 'Buffer' ? Buffer.from(v.data).toString('latin1') : v,
      );
      for (const secret of sample.secrets ?? []) expect(text, `${sample.object} holds ${secret}`).not.toContain(secret);
    }
  });
});
