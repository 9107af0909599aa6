import { performance } from 'node:perf_hooks';

/**
 * Runs `op(i)` `warmup` times unmeasured, then for ~`seconds` (at least `minCount` calls, at most
 * `maxCount`), timing every call. Works for sync and async ops: an async op is awaited,
 * a sync op is not (so a synchronous baseline is not charged for a promise it never makes).
 */
export async function measure(op, { seconds = 3, warmup = 200, minCount = 20, maxCount = Number.POSITIVE_INFINITY } = {}) {
  for (let i = 0; i < warmup; i++) {
    const r = op(i);
    if (r && typeof r.then === 'function') await r;
  }
  const budget = seconds * 1000;
  const samples = [];
  const start = performance.now();
  let now = start;
  let i = 0;
  while (i < maxCount && (now - start < budget || i < minCount)) {
    const t0 = performance.now();
    const r = op(i);
    if (r && typeof r.then === 'function') await r;
    now = performance.now();
    samples.push(now - t0);
    i++;
  }
  return summarise(samples, now - start);
}

function summarise(samplesMs, elapsedMs) {
  const sorted = Float64Array.from(samplesMs).sort();
  const q = (p) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] * 1000;
  const count = samplesMs.length;
  return {
    count,
    elapsedMs,
    perSecond: count / (elapsedMs / 1000),
    meanUs: (elapsedMs * 1000) / count,
    p50Us: q(0.5),
    p90Us: q(0.9),
    p99Us: q(0.99),
  };
}

/** Accumulates the time of code run between start() and stop() over many chunks. */
export class Stopwatch {
  totalMs = 0;
  #t0 = 0;
  start() {
    this.#t0 = performance.now();
  }
  stop() {
    const d = performance.now() - this.#t0;
    this.totalMs += d;
    return d;
  }
}

export const fmt = (n, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : String(n));
