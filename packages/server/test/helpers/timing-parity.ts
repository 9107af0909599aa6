import { expect } from 'vitest';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

async function measure(known: (i: number) => Promise<unknown>, unknown: (i: number) => Promise<unknown>, pairs: number, offset: number) {
  const times = { known: [] as number[], unknown: [] as number[] };
  for (let i = 0; i < pairs; i += 1) {
    // Alternate which goes first, so a warm cache or a queued job favours neither side.
    const order = i % 2 === 0 ? (['known', 'unknown'] as const) : (['unknown', 'known'] as const);
    for (const side of order) {
      const started = performance.now();
      await (side === 'known' ? known : unknown)(offset + i);
      times[side].push(performance.now() - started);
    }
  }
  return { known: median(times.known), unknown: median(times.unknown) };
}

/**
 * That an answer for a person on record takes about as long as for a stranger (no enumeration by
 * timing): after a warm-up, the medians of interleaved calls stay within a factor of 1.5 — or within
 * 5 ms, below which a shared CI machine's scheduling noise is as large as the work. A real difference
 * (a mail sent, a key derived for one side only) shows in every attempt; a load spike on the machine
 * does not, so a measurement is repeated up to three times before the test fails.
 */
export async function expectSimilarTiming(
  known: (i: number) => Promise<unknown>,
  unknown: (i: number) => Promise<unknown>,
  label: string,
  pairs = 16,
): Promise<{ known: number; unknown: number }> {
  await measure(known, unknown, 2, 0);
  let last = { known: 0, unknown: 0 };
  for (let attempt = 0; attempt < 3; attempt += 1) {
    last = await measure(known, unknown, pairs, 2 + attempt * pairs);
    const ratio = last.known / last.unknown;
    if (Math.abs(last.known - last.unknown) <= 5 || (ratio > 1 / 1.5 && ratio < 1.5)) return last;
  }
  expect.fail(`${label}: on record ${last.known.toFixed(1)} ms, stranger ${last.unknown.toFixed(1)} ms in each of three measurements`);
}
