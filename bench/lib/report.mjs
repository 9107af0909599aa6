import { fmt } from './measure.mjs';

/**
 * The one machine-readable line per benchmark (SPEC section 5):
 *   BENCH <name> protected=<number> baseline=<number> unit=<unit> ratio=<number>
 * ratio = protected / baseline in every case. For throughputs (unit ending in "/s") higher is
 * better; for latencies (unit=us) LOWER is better.
 */
export function benchLine(name, protectedValue, baselineValue, unit) {
  const digits = unit === 'us' ? 2 : 1;
  const ratio = protectedValue / baselineValue;
  console.log(`BENCH ${name} protected=${fmt(protectedValue, digits)} baseline=${fmt(baselineValue, digits)} unit=${unit} ratio=${fmt(ratio, 3)}`);
  return ratio;
}

/** Human-readable note; every such line starts with '#'. */
export function note(text) {
  for (const line of String(text).split('\n')) console.log(`# ${line}`);
}

/** `# target: ...` line comparing a ratio with its SPEC target. */
export function target(name, ratio, { atLeast, atMost }) {
  const ok = atLeast !== undefined ? ratio >= atLeast : ratio <= atMost;
  const want = atLeast !== undefined ? `>= ${atLeast}` : `<= ${atMost}`;
  note(`${name}: ratio ${fmt(ratio, 3)} (target ${want}) ${ok ? 'MET' : 'MISSED'}`);
  return ok;
}

export function latencyDetail(label, r) {
  note(
    `${label}: ${r.count} ops in ${fmt(r.elapsedMs / 1000, 2)} s, mean ${fmt(r.meanUs, 1)} us, p50 ${fmt(r.p50Us, 1)} us, p90 ${fmt(r.p90Us, 1)} us, p99 ${fmt(r.p99Us, 1)} us, ${fmt(r.perSecond, 0)} ops/s`,
  );
}
