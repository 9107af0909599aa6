import Fastify from 'fastify';
import { compare, fmt } from './lib/measure.mjs';
import { createRng } from './lib/prng.mjs';
import { benchLine, latencyDetail, note, target } from './lib/report.mjs';
import { asSystem, createApiToken, createUser, noRequest, userActor } from './lib/server.mjs';

const PASSWORD = 'granite orchard not secret 4';
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
  const system = asSystem('castellan bench fixture');
  const user = await kernel.transaction((tx) =>
    createUser(kernel, tx, system, noRequest, {
      email: 'desk@bench.example.com',
      name: '柜台 Bench Desk',
      roles: ['service_agent'],
      teamName: 'Bench',
      password: PASSWORD,
    }),
  );
  const token = (await kernel.transaction((tx) => createApiToken(tx, system, noRequest, user, undefined, 1, { kind: 'integration', name: 'bench-desk' })))
    .token;
  const actor = userActor({ id: user.id, teamId: user.teamId }, user.roles);
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
  app.get('/api/v1/subscriptions', async (request) => {
    const limit = Math.min(200, Math.max(1, Number(request.query.limit ?? 50)));
    const after = request.query.cursor ? Buffer.from(request.query.cursor, 'base64url').toString('utf8') : '';
    const rows = page.all(teamId, after, limit + 1);
    const items = rows.slice(0, limit);
    const nextCursor = rows.length > limit ? Buffer.from(items[items.length - 1].id, 'utf8').toString('base64url') : null;
    return { items: items.map(view), nextCursor };
  });
  await app.ready();
  return app;
}

async function getOk(app, url, headers) {
  const res = await app.inject({ method: 'GET', url, headers });
  if (res.statusCode !== 200) throw new Error(`GET ${url} answered ${res.statusCode}: ${res.body.slice(0, 300)}`);
  return res;
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
    const headers = { authorization: `Bearer ${token}` };
    const sorted = [...subscriptionIds].sort();
    const starts = sorted.slice(0, Math.max(1, sorted.length - 60));
    const cursorOf = (id) => Buffer.from(id, 'utf8').toString('base64url');
    const probe = cursorOf(starts[Math.floor(starts.length / 3)]);
    const p = (await getOk(install.app, `/api/v1/subscriptions?limit=50&cursor=${probe}`, headers)).json();
    const b = (await getOk(baselineApp, `/api/v1/subscriptions?limit=50&cursor=${probe}`, {})).json();
    if (p.items.length !== 50 || b.items.length !== 50 || p.items.some((item, i) => item.id !== b.items[i].id || item.priceFen !== b.items[i].priceFen)) {
      throw new Error('protected and plaintext subscription pages disagree');
    }
    const rngP = createRng(seed + 3);
    const rngB = createRng(seed + 3);
    const { protected: guarded, baseline } = await compare(
      () => getOk(install.app, `/api/v1/subscriptions?limit=50&cursor=${cursorOf(starts[rngP.int(starts.length)])}`, headers),
      () => getOk(baselineApp, `/api/v1/subscriptions?limit=50&cursor=${cursorOf(starts[rngB.int(starts.length)])}`, {}),
      { seconds, warmup: 50, baselineWarmup: 200 },
    );
    const ratio = benchLine('list_subscriptions', guarded.perSecond, baseline.perSecond, 'req/s');
    latencyDetail('list_subscriptions protected', guarded);
    latencyDetail('list_subscriptions baseline ', baseline);
    target('list_subscriptions', ratio, { atLeast: 0.4 });
  } finally {
    await baselineApp.close();
  }
}
