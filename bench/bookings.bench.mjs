import Fastify from 'fastify';
import { benchListPage } from './lib/list-page.mjs';
import { fmt } from './lib/measure.mjs';
import { plainPageRoute } from './lib/plain-page.mjs';
import { createRng } from './lib/prng.mjs';
import { note, target } from './lib/report.mjs';
import { domainStore, noRequest, tablePlan } from './lib/server.mjs';

const day = (n) => new Date(Date.UTC(2026, 0, 1 + n)).toISOString().slice(0, 10);

/**
 * Bookings through the protected store with every ad-sales rule (rate-card price, airtime, the caps
 * checked row by row): one TV channel, a break at hh:10 of every hour, 8 spots of 15 s per break and
 * day (120 s of the 720 s cap), on as many days as `count` needs, under one deal of the bench team.
 */
async function loadBookings(install, count) {
  const store = domainStore(install.kernel);
  const actor = install.actor;
  const channel = await store.create(actor, noRequest, 'channels', { code: 'BENCH-TV', name: '基准频道 Bench TV', kind: 'tv' });
  const daypart = await store.create(actor, noRequest, 'dayparts', { channelId: channel.id, name: '全天', startTime: '00:00', endTime: '24:00' });
  const breaks = [];
  for (let h = 0; h < 24; h++)
    breaks.push(
      await store.create(actor, noRequest, 'breaks', {
        channelId: channel.id,
        daypartId: daypart.id,
        startTime: `${String(h).padStart(2, '0')}:10`,
        maxDuration: 600,
      }),
    );
  await store.create(actor, noRequest, 'rate_cards', { channelId: channel.id, daypartId: daypart.id, spotLength: 15, price: 80_000, validFrom: '2026-01-01' });
  const account = await store.create(actor, noRequest, 'accounts', { name: '基准广告主 Bench Advertiser', kind: 'advertiser', country: 'CN' });
  const [stage] = (await store.list(actor, noRequest, 'deal_stages', { limit: 1, filters: { code: 'won' } })).items;
  const deal = await store.create(actor, noRequest, 'deals', { name: 'Bench campaign', accountId: account.id, stageId: stage.id, amount: 100_000_000 });
  const rng = createRng(7);
  const inputs = Array.from({ length: count }, (_, i) => ({
    dealId: deal.id,
    channelId: channel.id,
    breakId: breaks[i % 24].id,
    airDate: day(Math.floor(i / (24 * 8))),
    spotLength: 15,
    count: 1,
    discountPercent: rng.int(30),
    commissionPercent: 15,
  }));
  const started = performance.now();
  for (let i = 0; i < inputs.length; i += 500) await store.createMany(actor, noRequest, 'bookings', inputs.slice(i, i + 500));
  const seconds = (performance.now() - started) / 1000;
  note(`list_bookings: ${count} bookings written through the store with their rules in ${fmt(seconds, 1)} s (${fmt(count / seconds, 0)}/s)`);
}

/** The same rows in a plain table of the plaintext copy, and the same list route over it (no auth, scope by team, no audit). */
async function plainBookings(install, plain) {
  const plan = tablePlan('bookings');
  const columns = plan.plain.map((f) => f.column);
  plain.db.exec(`CREATE TABLE plain_bookings (${columns.map((c) => `${c} ${c === 'id' ? 'TEXT PRIMARY KEY' : ''}`).join(', ')})`);
  plain.db.exec('CREATE INDEX plain_bookings_team ON plain_bookings (team_id, id)');
  const rows = await install.kernel.db.kysely.selectFrom('bookings').select(columns).execute();
  const insert = plain.db.prepare(`INSERT INTO plain_bookings (${columns.join(', ')}) VALUES (${columns.map((c) => `@${c}`).join(', ')})`);
  plain.db.transaction(() => {
    for (const row of rows) insert.run(row);
  })();
  const view = (row) => {
    const out = {};
    for (const field of plan.plain) {
      const v = row[field.column];
      out[field.name] = v === null || v === undefined ? null : field.spec.type === 'boolean' ? v === 1 : v;
    }
    return out;
  };
  const page = plain.db.prepare('SELECT * FROM plain_bookings WHERE team_id = ? AND id > ? ORDER BY id LIMIT ?');
  const app = Fastify({ logger: false });
  plainPageRoute(app, '/api/v1/bookings', page, install.user.teamId, view);
  await app.ready();
  return { app, ids: rows.map((r) => r.id) };
}

/**
 * BENCH list_bookings: requests/s of GET /api/v1/bookings?limit=50&cursor=<random id> (a full page of
 * 50 bookings of the sales_manager's team: permission, record scope, presentation, one transaction)
 * versus the same page from a plain table through a bare route. Higher is better; no SPEC target
 * (list_contacts's 0.4 is printed for comparison).
 */
export async function benchListBookings({ install, plain, seed, seconds, bookings }) {
  await loadBookings(install, bookings);
  const baseline = await plainBookings(install, plain);
  try {
    const { ratio } = await benchListPage({
      name: 'list_bookings',
      path: '/api/v1/bookings',
      protectedApp: install.app,
      baselineApp: baseline.app,
      headers: { authorization: `Bearer ${install.token}` },
      ids: baseline.ids,
      rngSeed: seed + 2,
      seconds,
      agree: (p, b) => p.netAmount === b.netAmount,
      what: 'booking',
    });
    target('list_bookings', ratio, { atLeast: 0.4 });
  } finally {
    await baseline.app.close();
  }
}
