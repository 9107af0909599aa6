import Fastify from 'fastify';
import { addBenchUser } from './lib/install.mjs';
import { benchListPage } from './lib/list-page.mjs';
import { fmt } from './lib/measure.mjs';
import { plainPageRoute } from './lib/plain-page.mjs';
import { createRng } from './lib/prng.mjs';
import { note, target } from './lib/report.mjs';
import { noRequest } from './lib/server.mjs';

const packages = [
  ['BASIC-HD', 'base', 2600],
  ['SPORTS', 'addon', 3000],
  ['MOVIES', 'addon', 2500],
  ['KIDS', 'addon', 1500],
];

const view = (row) => ({
  id: row.id,
  billingAccountId: row.billing_account_id,
  packageCode: row.package_code,
  packageKind: row.package_kind,
  priceFen: row.price_fen,
  startDate: row.start_date,
  endDate: row.end_date,
  autoRenew: row.auto_renew === 1,
  status: row.status,
  householdId: row.household_id,
  activatedOn: row.activated_on,
  cancelledOn: row.cancelled_on,
  ownerId: row.owner_id,
  teamId: row.team_id,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

/**
 * Loads `count` subscriptions (one billing account per imported contact, up to four packages each)
 * through the protected store as a subscriber-desk user of team "Bench", and the same rows into a
 * plaintext table of the bench's plain copy.
 */
async function loadSubscriptions({ install, plain, ids, count, seed }) {
  const { kernel, store } = install;
  const { user, actor, token } = await addBenchUser(kernel, {
    email: 'desk@bench.example.com',
    name: '柜台 Bench Desk',
    roles: ['service_agent'],
    tokenName: 'bench-desk',
  });
  const rng = createRng(seed + 7);
  const customers = ids.slice(0, Math.ceil(count / 2));
  const accounts = await store.createMany(
    actor,
    noRequest,
    'billing_accounts',
    customers.map((contactId, i) => ({ contactId, accountNumber: `BENCH-${String(i).padStart(8, '0')}`, billingAddress: `Bench Road ${i}` })),
  );
  const inputs = Array.from({ length: count }, (_, i) => {
    const [packageCode, packageKind, priceFen] = packages[i % 2 === 0 ? 0 : 1 + rng.int(3)];
    return { billingAccountId: accounts[Math.floor(i / 2)], packageCode, packageKind, priceFen, startDate: '2026-01-01', autoRenew: i % 3 === 0 };
  });
  const subscriptionIds = await store.createMany(actor, noRequest, 'subscriptions', inputs);
  plain.db.exec(`CREATE TABLE plain_subscriptions (
    id TEXT PRIMARY KEY, billing_account_id TEXT NOT NULL, package_code TEXT NOT NULL, package_kind TEXT NOT NULL, price_fen INTEGER NOT NULL,
    start_date TEXT NOT NULL, end_date TEXT, auto_renew INTEGER NOT NULL, status TEXT NOT NULL, household_id TEXT, activated_on TEXT, cancelled_on TEXT,
    owner_id TEXT NOT NULL, team_id TEXT, created_at TEXT NOT NULL, updated_at TEXT NOT NULL)`);
  plain.db.exec('CREATE INDEX plain_subscriptions_team ON plain_subscriptions (team_id, id)');
  const rows = await kernel.db.kysely.selectFrom('subscriptions').selectAll().execute();
  const insert = plain.db.prepare(
    `INSERT INTO plain_subscriptions VALUES (@id, @billing_account_id, @package_code, @package_kind, @price_fen, @start_date, @end_date, @auto_renew,
     @status, @household_id, @activated_on, @cancelled_on, @owner_id, @team_id, @created_at, @updated_at)`,
  );
  plain.db.transaction(() => {
    for (const row of rows) insert.run({ ...row, price_fen: Number(row.price_fen), auto_renew: Number(row.auto_renew) });
  })();
  return { token, teamId: user.teamId, subscriptionIds };
}

/** The plaintext route: the same URL and JSON shape, team filter, no authentication, no schema, no audit. */
async function baselineSubscriptionsApp(plainDb, teamId) {
  const app = Fastify({ logger: false });
  const page = plainDb.prepare('SELECT * FROM plain_subscriptions WHERE team_id = ? AND id > ? ORDER BY id LIMIT ?');
  plainPageRoute(app, '/api/v1/subscriptions', page, teamId, view);
  await app.ready();
  return app;
}

/**
 * BENCH list_subscriptions: requests/s of GET /api/v1/subscriptions?limit=50&cursor=<random id> (a full
 * page of 50 of the subscriber desk's team: token, permission, record scope, response schema) versus
 * the plaintext page of 50. Subscriptions hold no personal field (nothing to decrypt or audit per
 * read); higher is better; target >= 0.4 like the contacts page.
 */
export async function benchListSubscriptions({ install, plain, ids, seed, seconds, quick }) {
  const count = Math.min(ids.length, quick ? 5_000 : 50_000);
  const started = performance.now();
  const { token, teamId, subscriptionIds } = await loadSubscriptions({ install, plain, ids, count, seed });
  note(`list_subscriptions: ${count} subscriptions on ${Math.ceil(count / 2)} billing accounts loaded in ${fmt((performance.now() - started) / 1000, 2)} s`);
  const baselineApp = await baselineSubscriptionsApp(plain.db, teamId);
  try {
    const { ratio } = await benchListPage({
      name: 'list_subscriptions',
      path: '/api/v1/subscriptions',
      protectedApp: install.app,
      baselineApp,
      headers: { authorization: `Bearer ${token}` },
      ids: subscriptionIds,
      rngSeed: seed + 3,
      seconds,
      agree: (p, b) => p.priceFen === b.priceFen,
      what: 'subscription',
    });
    target('list_subscriptions', ratio, { atLeast: 0.4 });
  } finally {
    await baselineApp.close();
  }
}
