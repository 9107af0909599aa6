import { type HourOfWeekCounters, hourOfWeekOfLocalHour } from './hour-of-week.js';
import { type BaselineSource, chooseBaseline, type PeerBaselineOptions, peerBaseline } from './peer-group.js';
import { median, robustBaseline, robustZ } from './robust-z.js';

/**
 * Scores one user's hour against its own and its peers' baselines, and decides whether it is an
 * anomaly. Every result explains itself: per feature the value, the user's median and the peer
 * median, so an alert can say "412 reads, usually 20, peers 25" without anyone re-running the maths.
 */

export const DEFAULT_THRESHOLD = 3.5;
export const DEFAULT_EXPLAINED_FEATURES = 3;

/** One feature of the hour being scored, with the completed counts of the same hour-of-week. */
export interface FeatureObservation {
  feature: string;
  value: number;
  userHistory: readonly number[];
  /** One history per peer, as for the user. */
  peerHistories: readonly (readonly number[])[];
}

export interface FeatureScore {
  feature: string;
  value: number;
  /** Median of the user's own history, however short; null with none. */
  userMedian: number | null;
  /** Median of the established peers' medians; null with none. */
  peerMedian: number | null;
  /** z against the user's own baseline, once established (`minObservations`). */
  zUser: number | null;
  zPeer: number | null;
  /** The baseline that decides, and its z: the user's once established, else the peers'. */
  baseline: BaselineSource;
  z: number | null;
}

export interface ActivityScore {
  anomalous: boolean;
  /** 0..10, see `priorityOf`. */
  priority: number;
  /** The largest deciding z, null when no feature had a baseline. */
  maxZ: number | null;
  /** The `explain` features with the highest z, highest first. */
  explanation: FeatureScore[];
  features: FeatureScore[];
}

export interface ScoreOptions extends PeerBaselineOptions {
  /** An hour is anomalous when a deciding z reaches this; default 3.5 (Iglewicz and Hoaglin's cut-off). */
  threshold?: number;
  /** Features in the explanation; default 3. */
  explain?: number;
  /** Priority points the caller adds for sensitive context (a minor's or VIP's record, an admin); default 0. */
  boost?: number;
}

/** One feature's value against the user's and the peers' baselines. */
export function scoreFeature(observation: FeatureObservation, options: ScoreOptions = {}): FeatureScore {
  const { feature, value, userHistory, peerHistories } = observation;
  const peers = peerBaseline(peerHistories, options);
  const own = robustBaseline(userHistory, options);
  const chosen = chooseBaseline(userHistory, peers, options);
  return {
    feature,
    value,
    userMedian: median(userHistory) ?? null,
    peerMedian: peers?.median ?? null,
    zUser: chosen.source === 'user' && own ? robustZ(value, own) : null,
    zPeer: peers ? robustZ(value, peers) : null,
    baseline: chosen.source,
    z: chosen.baseline ? robustZ(value, chosen.baseline) : null,
  };
}

/**
 * All features of one user's hour: anomalous when any deciding z reaches the threshold, with the
 * top features by z as the explanation (ties by feature name) and a 0..10 priority.
 */
export function scoreActivity(observations: readonly FeatureObservation[], options: ScoreOptions = {}): ActivityScore {
  const threshold = options.threshold ?? DEFAULT_THRESHOLD;
  const features = observations.map((o) => scoreFeature(o, options));
  const explanation = features
    .filter((f) => f.z !== null)
    .sort((a, b) => (b.z as number) - (a.z as number) || (a.feature < b.feature ? -1 : a.feature > b.feature ? 1 : 0))
    .slice(0, options.explain ?? DEFAULT_EXPLAINED_FEATURES);
  const maxZ = explanation[0]?.z ?? null;
  return {
    anomalous: maxZ !== null && maxZ >= threshold,
    priority: priorityOf(maxZ, threshold, options.boost ?? 0),
    maxZ,
    explanation,
    features,
  };
}

/**
 * Priority 0..10, non-decreasing in z: below the threshold ⌊5·z/threshold⌋ (0..4, so only an
 * anomaly reaches 5); from the threshold 5 + round(2.5·log₂(z/threshold)), so each doubling of z
 * adds 2.5 points and 4× the threshold (z = 14 by default) is 10. Then the caller's boost is added
 * and the sum clamped to 0..10. No baseline (null) or a negative z is 0 before the boost.
 */
export function priorityOf(maxZ: number | null, threshold = DEFAULT_THRESHOLD, boost = 0): number {
  let base = 0;
  if (maxZ !== null && maxZ > 0) base = maxZ < threshold ? Math.floor((5 * maxZ) / threshold) : 5 + Math.round(2.5 * Math.log2(maxZ / threshold));
  return Math.min(10, Math.max(0, Math.round(base + boost)));
}

/**
 * What `scoreActivity` needs for `userId`'s local hour `localHour`, read from the counters: each
 * feature's count in that hour and the completed counts of its hour-of-week, the user's and each
 * peer's. Peers whose clock lags are read as silent since their last event, without changing them.
 */
export function observeHour(
  counters: HourOfWeekCounters,
  userId: string,
  peerIds: readonly string[],
  features: readonly string[],
  localHour: number,
): FeatureObservation[] {
  const slot = hourOfWeekOfLocalHour(localHour);
  return features.map((feature) => ({
    feature,
    value: counters.countAt(userId, feature, localHour) ?? 0,
    userHistory: counters.history(userId, feature, slot, localHour),
    peerHistories: peerIds.map((id) => counters.history(id, feature, slot, localHour)),
  }));
}
