import { getOk } from './lib/http.mjs';
import { benchListPage } from './lib/list-page.mjs';
import { compare } from './lib/measure.mjs';
import { createRng } from './lib/prng.mjs';
import { benchLine, latencyDetail, note, target } from './lib/report.mjs';

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
  const { ratio, guarded } = await benchListPage({
    name: 'list_contacts',
    path: '/api/v1/contacts',
    protectedApp: install.app,
    baselineApp,
    headers: { authorization: `Bearer ${install.token}` },
    ids,
    rngSeed: seed + 1,
    seconds,
    agree: (p, b) => p.email === b.email,
    what: 'list',
  });
  note(`list_contacts: protected ${Math.round(guarded.perSecond * 50)} contacts/s decrypted, masked and audited`);
  target('list_contacts', ratio, { atLeast: 0.4 });
}
