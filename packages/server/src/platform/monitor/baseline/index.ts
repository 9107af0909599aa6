/**
 * The statistical core of the anomaly detector (issue 12): hour-of-week counters, robust z-scores,
 * peer groups and the scoring that turns them into an explained, prioritised decision. Pure: no
 * database, no clock, no personal values — the detector feeds it ids and counts.
 */
export {
  DEFAULT_WEEKS_KEPT,
  HOURS_PER_WEEK,
  HourOfWeekCounters,
  type HourOfWeekCountersJson,
  hourOfWeek,
  hourOfWeekOfLocalHour,
  localHourIndex,
  MAX_STORED_COUNT,
} from './hour-of-week.js';
export {
  type BaselineSource,
  chooseBaseline,
  DEFAULT_MIN_OBSERVATIONS,
  DEFAULT_TOP_PEERS,
  type PeerBaseline,
  type PeerBaselineOptions,
  type PeerProfile,
  type PeerRankingOptions,
  peerBaseline,
  type RankedPeer,
  rankPeers,
} from './peer-group.js';
export {
  DEFAULT_MIN_SCALE,
  MAD_TO_SIGMA,
  MEAN_AD_TO_SIGMA,
  meanAbsoluteDeviation,
  median,
  medianAbsoluteDeviation,
  type RobustBaseline,
  type RobustScaleOptions,
  robustBaseline,
  robustScale,
  robustZ,
} from './robust-z.js';
export {
  type ActivityScore,
  DEFAULT_EXPLAINED_FEATURES,
  DEFAULT_THRESHOLD,
  type FeatureObservation,
  type FeatureScore,
  observeHour,
  priorityOf,
  type ScoreOptions,
  scoreActivity,
  scoreFeature,
} from './score.js';
