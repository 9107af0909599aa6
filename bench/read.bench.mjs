import { compare } from './lib/measure.mjs';
import { createRng } from './lib/prng.mjs';
import { benchLine, latencyDetail, note, target } from './lib/report.mjs';

async function getOk(app, url, headers) {
  const res = await app.inject({ method: 'GET', url, headers });
  if (res.statusCode !== 200) throw new Error(`GET ${url} answered ${res.statusCode}: ${res.body.slice(0, 300)}`);
  return res;
}

/** Same request sequence on both sides: each side gets its own PRNG from the same seed. */
function sequence(seed, pickFrom) {
  const rng = createRng(seed);
  return () => pickFrom[rng.int(pickFrom.length)];
}

/**
 * BENCH get_contact: requests/s of GET /api/v1/contacts/:id through the real app (app.inject,
 * bearer token of the sales_manager, random imported ids) versus the same route on the plaintext
 * copy. Throughput: higher is better; target ratio >= 0.5.
 */
export async function benchGetContact({ install, baselineApp, ids, seed, seconds }) {
  const headers = { authorization: `Bearer ${install.token}` };
  // Sanity: both sides serve the same person (the protected one with idNumber masked for this role).
  const probe = ids[Math.floor(ids.length / 2)];
  const p = (await getOk(install.app, `/api/v1/contacts/${probe}`, headers)).json();
  const b = (await getOk(baselineApp, `/api/v1/contacts/${probe}`, {})).json();
  if (p.name !== b.name || p.email !== b.email || p.phone !== b.phone || !p.maskedFields.includes('idNumber')) {
    throw new Error(`protected and plaintext GET disagree: ${JSON.stringify({ p, b })}`);
  }
  const nextP = sequence(seed, ids);
  const nextB = sequence(seed, ids);
  const { protected: guarded, baseline } = await compare(
    () => getOk(install.app, `/api/v1/contacts/${nextP()}`, headers),
    () => getOk(baselineApp, `/api/v1/contacts/${nextB()}`, {}),
    { seconds, warmup: 300, baselineWarmup: 1000 },
  );
  const ratio = benchLine('get_contact', guarded.perSecond, baseline.perSecond, 'req/s');
  latencyDetail('get_contact protected', guarded);
  latencyDetail('get_contact baseline ', baseline);
  target('get_contact', ratio, { atLeast: 0.5 });
}

/**
 * BENCH list_contacts: requests/s of GET /api/v1/contacts?limit=50&cursor=<random id> (a full page
 * of 50 in the sales_manager's team) versus the plaintext page of 50. Higher is better; target >= 0.4.
 */
export async function benchListContacts({ install, baselineApp, ids, seed, seconds }) {
  const headers = { authorization: `Bearer ${install.token}` };
  // Cursors from the sorted ids, leaving room for a full page after each.
  const sorted = [...ids].sort();
  const starts = sorted.slice(0, Math.max(1, sorted.length - 60));
  const cursorOf = (id) => Buffer.from(id, 'utf8').toString('base64url');
  const probe = cursorOf(starts[Math.floor(starts.length / 3)]);
  const p = (await getOk(install.app, `/api/v1/contacts?limit=50&cursor=${probe}`, headers)).json();
  const b = (await getOk(baselineApp, `/api/v1/contacts?limit=50&cursor=${probe}`, {})).json();
  if (p.items.length !== 50 || b.items.length !== 50 || p.items.some((item, i) => item.id !== b.items[i].id || item.email !== b.items[i].email)) {
    throw new Error('protected and plaintext list pages disagree');
  }
  const nextStartP = sequence(seed + 1, starts);
  const nextStartB = sequence(seed + 1, starts);
  const nextP = () => cursorOf(nextStartP());
  const nextB = () => cursorOf(nextStartB());
  const { protected: guarded, baseline } = await compare(
    () => getOk(install.app, `/api/v1/contacts?limit=50&cursor=${nextP()}`, headers),
    () => getOk(baselineApp, `/api/v1/contacts?limit=50&cursor=${nextB()}`, {}),
    { seconds, warmup: 50, baselineWarmup: 200 },
  );
  const ratio = benchLine('list_contacts', guarded.perSecond, baseline.perSecond, 'req/s');
  latencyDetail('list_contacts protected', guarded);
  latencyDetail('list_contacts baseline ', baseline);
  note(`list_contacts: protected ${Math.round(guarded.perSecond * 50)} contacts/s decrypted, masked and audited`);
  target('list_contacts', ratio, { atLeast: 0.4 });
}
