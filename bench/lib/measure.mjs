import { performance } from 'node:perf_hooks';

/**
 * Runs `op(i)` `warmup` times unmeasured, then for ~`seconds` (at least `minCount` calls, at most
 * `maxCount`), timing every call. Works for sync and async ops: an async op is awaited,
 * a sync op is not (so a synchronous baseline is not charged for a promise it never makes).
 */
export async function measure(op, { seconds = 3, warmup = 200, minCount = 20, maxCount = Number.POSITIVE_INFINITY } = {}) {
  await warm(op, warmup);
  const acc = new Accumulator();
  await runFor(op, seconds * 1000, acc, minCount, maxCount);
  return acc.summary();
}

/**
 * Measures a protected op against its baseline in alternating rounds (baseline, protected,
 * baseline, ...), `seconds` in total per side. Other processes on this small shared machine come
 * and go; alternating spreads any such disturbance over both sides instead of one.
 */
export async function compare(protectedOp, baselineOp, { seconds = 3, rounds = 6, warmup = 200, baselineWarmup = warmup } = {}) {
  await warm(baselineOp, baselineWarmup);
  await warm(protectedOp, warmup);
  const p = new Accumulator();
  const b = new Accumulator();
  const slice = (seconds * 1000) / rounds;
  for (let r = 0; r < rounds; r++) {
    await runFor(baselineOp, slice, b, 5);
    await runFor(protectedOp, slice, p, 5);
  }
  return { protected: p.summary(), baseline: b.summary() };
}

async function warm(op, count) {
  let nextYield = performance.now() + 50;
  for (let i = 0; i < count; i++) {
    const r = op(i);
    if (r && typeof r.then === 'function') await r;
    if (performance.now() >= nextYield) {
      await yieldToEventLoop();
      nextYield = performance.now() + 50;
    }
  }
}

class Accumulator {
  samples = [];
  elapsedMs = 0;
  summary() {
    return summarise(this.samples, this.elapsedMs);
  }
}

/**
 * Lets the event loop turn (signals such as Ctrl-C, timers) without being timed: better-sqlite3 is
 * synchronous, so an await-only loop would otherwise never leave the microtask queue.
 */
export const yieldToEventLoop = () => new Promise((resolve) => setImmediate(resolve));

async function runFor(op, budgetMs, acc, minCount = 20, maxCount = Number.POSITIVE_INFINITY) {
  const start = performance.now();
  let now = start;
  let paused = 0;
  let nextYield = start + 50;
  let i = 0;
  while (i < maxCount && (now - start - paused < budgetMs || i < minCount)) {
    const t0 = performance.now();
    const r = op(acc.samples.length);
    if (r && typeof r.then === 'function') await r;
    now = performance.now();
    acc.samples.push(now - t0);
    i++;
    if (now >= nextYield) {
      await yieldToEventLoop();
      const after = performance.now();
      paused += after - now;
      now = after;
      nextYield = now + 50;
    }
  }
  acc.elapsedMs += now - start - paused;
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
