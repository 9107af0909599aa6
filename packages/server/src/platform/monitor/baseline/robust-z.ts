/**
 * Robust statistics for hourly counts: median, MAD and the modified z-score of Iglewicz and Hoaglin,
 * z = 0.6745·(x − median)/MAD. Medians, unlike means, are not dragged up by the very bursts the
 * detector looks for, so one past incident does not teach the baseline that incidents are normal.
 */

/** MAD × 1/0.6745 estimates the standard deviation of normally distributed data. */
export const MAD_TO_SIGMA = 1 / 0.6745;
/** Mean absolute deviation × √(π/2) ≈ 1.2533 estimates it too: the fallback when MAD is 0. */
export const MEAN_AD_TO_SIGMA = 1.2533;
/** The smallest scale, in counts per hour, a baseline may have (see `robustScale`). */
export const DEFAULT_MIN_SCALE = 1;

/** Where a count usually lies and how far it usually strays, from a sample of past counts. */
export interface RobustBaseline {
  median: number;
  /** Estimated standard deviation, never below the floor. */
  scale: number;
  /** How many counts the baseline was built from. */
  observations: number;
}

export interface RobustScaleOptions {
  /** Floor for the scale; default 1 (one event per hour). */
  minScale?: number;
}

/** The middle value (mean of the two middle ones for an even count); undefined for no values. */
export function median(values: readonly number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = Float64Array.from(values).sort();
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle] : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

/** Median absolute deviation from `center` (default: the median); undefined for no values. */
export function medianAbsoluteDeviation(values: readonly number[], center = median(values)): number | undefined {
  return center === undefined ? undefined : median(values.map((v) => Math.abs(v - center)));
}

/** Mean absolute deviation from `center` (default: the median); undefined for no values. */
export function meanAbsoluteDeviation(values: readonly number[], center = median(values)): number | undefined {
  if (center === undefined) return undefined;
  return values.reduce((sum, v) => sum + Math.abs(v - center), 0) / values.length;
}

/**
 * The spread of `values` as a standard-deviation estimate: MAD/0.6745; when MAD is 0 (more than
 * half the counts equal, typically all zeros) the mean absolute deviation × 1.2533, which still sees
 * the rare non-zero hours; and never below `minScale`. The floor is what keeps a user who always
 * does 0 from exploding to infinity at 1 (z = 1) while 50 still scores 50; it is in counts, so a
 * z-score of 3.5 on a silent slot means at least 4 events.
 */
export function robustScale(values: readonly number[], options: RobustScaleOptions = {}): number | undefined {
  const center = median(values);
  const mad = medianAbsoluteDeviation(values, center);
  if (mad === undefined) return undefined;
  const spread = mad > 0 ? mad * MAD_TO_SIGMA : (meanAbsoluteDeviation(values, center) as number) * MEAN_AD_TO_SIGMA;
  return Math.max(options.minScale ?? DEFAULT_MIN_SCALE, spread);
}

/** Median and scale of past counts; undefined for no counts. */
export function robustBaseline(values: readonly number[], options: RobustScaleOptions = {}): RobustBaseline | undefined {
  const center = median(values);
  const scale = robustScale(values, options);
  if (center === undefined || scale === undefined) return undefined;
  return { median: center, scale, observations: values.length };
}

/** How many estimated standard deviations `value` lies above the baseline's median (negative below). */
export function robustZ(value: number, baseline: Pick<RobustBaseline, 'median' | 'scale'>): number {
  return (value - baseline.median) / baseline.scale;
}
