import { cursorOf, getOk } from './http.mjs';
import { compare } from './measure.mjs';
import { createRng } from './prng.mjs';
import { benchLine, latencyDetail } from './report.mjs';

/**
 * Measures a list route page by page: GET `${path}?limit=50&cursor=<random id>` on the protected app
 * (with `headers`) versus the plaintext app, over cursors taken from the sorted `ids` (room left for a
 * full page after each), both sides drawing the same cursor sequence from `rngSeed`. First checks
 * one page on both sides: 50 items each, the same ids, and `agree(protectedItem, plainItem)`.
 * Prints the BENCH line `name` and the latencies; answers the ratio and both measurements.
 */
export async function benchListPage({ name, path, protectedApp, baselineApp, headers, ids, rngSeed, seconds, agree, what }) {
  const sorted = [...ids].sort();
  const starts = sorted.slice(0, Math.max(1, sorted.length - 60));
  const probe = cursorOf(starts[Math.floor(starts.length / 3)]);
  const p = (await getOk(protectedApp, `${path}?limit=50&cursor=${probe}`, headers)).json();
  const b = (await getOk(baselineApp, `${path}?limit=50&cursor=${probe}`, {})).json();
  if (p.items.length !== 50 || b.items.length !== 50 || p.items.some((item, i) => item.id !== b.items[i].id || !agree(item, b.items[i]))) {
    throw new Error(`protected and plaintext ${what} pages disagree`);
  }
  const rngP = createRng(rngSeed);
  const rngB = createRng(rngSeed);
  const { protected: guarded, baseline } = await compare(
    () => getOk(protectedApp, `${path}?limit=50&cursor=${cursorOf(starts[rngP.int(starts.length)])}`, headers),
    () => getOk(baselineApp, `${path}?limit=50&cursor=${cursorOf(starts[rngB.int(starts.length)])}`, {}),
    { seconds, warmup: 50, baselineWarmup: 200 },
  );
  const ratio = benchLine(name, guarded.perSecond, baseline.perSecond, 'req/s');
  latencyDetail(`${name} protected`, guarded);
  latencyDetail(`${name} baseline `, baseline);
  return { ratio, guarded, baseline };
}
