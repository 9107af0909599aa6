import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { domainStore } from '../../src/modules/domain-store.js';
import { noRequest } from '../../src/platform/audit/audit-event.js';
import type { ProtectedStore } from '../../src/platform/data/protected-store.js';
import { testDialects } from '../helpers/databases.js';
import { addUser, createTestInstall, type TestInstall, type TestUser } from '../helpers/test-install.js';

/**
 * Bulk writes (import, demo data) go through the same rules: createMany checks the airtime caps row
 * by row, so a batch cannot pass a cap that single bookings could not; a refused batch saves nothing.
 */
describe.each(testDialects)('bookings in bulk on %s', (dialect) => {
  let install: TestInstall;
  let store: ProtectedStore;
  let manager: TestUser;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    install = await createTestInstall(dialect);
    store = domainStore(install.kernel);
    manager = await addUser(install.kernel, ['sales_manager'], 'Bulk');
    const a = manager.actor;
    ids.channel = String((await store.create(a, noRequest, 'channels', { code: 'BULK-1', name: 'Bulk', kind: 'tv' })).id);
    ids.daypart = String((await store.create(a, noRequest, 'dayparts', { channelId: ids.channel, name: 'day', startTime: '00:00', endTime: '24:00' })).id);
    ids.slot = String(
      (await store.create(a, noRequest, 'breaks', { channelId: ids.channel, daypartId: ids.daypart, startTime: '19:10', maxDuration: 3600 })).id,
    );
    await store.create(a, noRequest, 'rate_cards', { channelId: ids.channel, daypartId: ids.daypart, spotLength: 30, price: 1000, validFrom: '2026-01-01' });
    const account = await store.create(a, noRequest, 'accounts', { name: 'Bulk advertiser', kind: 'advertiser' });
    const [stage] = (await store.list(a, noRequest, 'deal_stages', { limit: 1, filters: { code: 'won' } })).items;
    ids.deal = String((await store.create(a, noRequest, 'deals', { name: 'Bulk', accountId: String(account.id), stageId: String(stage?.id), amount: 1 })).id);
  });
  afterAll(async () => install?.cleanup());

  const spots = (n: number, airDate: string) =>
    Array.from({ length: n }, () => ({ dealId: ids.deal, channelId: ids.channel, breakId: ids.slot, airDate, spotLength: 30, count: 1 }));
  const stored = async (airDate: string) =>
    (await (install.kernel.db.kysely as any).selectFrom('bookings').select('seconds').where('air_date', '=', airDate).execute()).length;

  it('refuses a batch that would pass the 12-minute hour, saving none of it', async () => {
    await expect(store.createMany(manager.actor, noRequest, 'bookings', spots(25, '2026-12-10'))).rejects.toMatchObject({ status: 409 });
    expect(await stored('2026-12-10')).toBe(0);
  });

  it('accepts a batch at the edge, with derived prices and airtime', async () => {
    const made = await store.createMany(manager.actor, noRequest, 'bookings', spots(24, '2026-12-11'));
    expect(made).toHaveLength(24);
    const page = await store.list(manager.actor, noRequest, 'bookings', { limit: 50, filters: { airDate: '2026-12-11' } });
    expect(page.items.every((b) => b.seconds === 30 && b.listPrice === 1000 && b.netAmount === 1000 && b.airHour === 19)).toBe(true);
    await expect(store.createMany(manager.actor, noRequest, 'bookings', spots(1, '2026-12-11'))).rejects.toMatchObject({ status: 409 });
  });
});
