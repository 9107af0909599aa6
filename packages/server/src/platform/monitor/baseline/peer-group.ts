import { DEFAULT_MIN_SCALE, MAD_TO_SIGMA, median, medianAbsoluteDeviation, type RobustBaseline, type RobustScaleOptions, robustBaseline } from './robust-z.js';

/**
 * A user's peer group: the colleagues whose activity says what is normal for someone in the same
 * job, and the baseline built from them. Microsoft Sentinel ranks peers by shared group memberships;
 * here a peer shares roles (what the job is) and perhaps the team (the same workload and shifts).
 */

/** What ranking needs to know of a user: ids only. */
export interface PeerProfile {
  id: string;
  roles: readonly string[];
  /** null: in no team, which matches nobody. */
  teamId: string | null;
}

export interface RankedPeer {
  id: string;
  /** roleWeight · Jaccard(roles) + teamWeight · (same team), in 0..1 with the default weights. */
  score: number;
  sharedRoles: number;
  sameTeam: boolean;
}

export interface PeerRankingOptions {
  /** How many peers to keep; default 10. */
  topK?: number;
  /** Default 0.75: the roles say most about how much a person reads or exports. */
  roleWeight?: number;
  /** Default 0.25: a teammate in another role is a weak peer, one in the same role a strong one. */
  teamWeight?: number;
}

export const DEFAULT_TOP_PEERS = 10;
/** Completed weeks of a slot below which a user's own baseline is not yet trusted. */
export const DEFAULT_MIN_OBSERVATIONS = 2;

/**
 * The `topK` candidates most like `user`, best first; equal scores in ascending id order (by code
 * unit, not locale) so the same input always yields the same group. The user itself and candidates
 * sharing neither a role nor the team are left out.
 */
export function rankPeers(user: PeerProfile, candidates: readonly PeerProfile[], options: PeerRankingOptions = {}): RankedPeer[] {
  const { topK = DEFAULT_TOP_PEERS, roleWeight = 0.75, teamWeight = 0.25 } = options;
  const roles = new Set(user.roles);
  const ranked: RankedPeer[] = [];
  for (const candidate of candidates) {
    if (candidate.id === user.id) continue;
    const theirs = new Set(candidate.roles);
    const sharedRoles = [...theirs].filter((role) => roles.has(role)).length;
    const union = roles.size + theirs.size - sharedRoles;
    const sameTeam = user.teamId !== null && candidate.teamId === user.teamId;
    const score = roleWeight * (union === 0 ? 0 : sharedRoles / union) + teamWeight * (sameTeam ? 1 : 0);
    if (score > 0) ranked.push({ id: candidate.id, score, sharedRoles, sameTeam });
  }
  ranked.sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return ranked.slice(0, topK);
}

export interface PeerBaseline {
  /** Median of the peers' own medians. */
  median: number;
  /** Within-peer and between-peer spread combined (see `peerBaseline`). */
  scale: number;
  /** How many peers had enough history to count. */
  peers: number;
}

export interface PeerBaselineOptions extends RobustScaleOptions {
  /** A peer needs this many completed weeks of the slot to count; default 2. */
  minObservations?: number;
}

/**
 * The peer group's baseline for one feature at one hour-of-week, from each peer's completed counts.
 * Centre: the median of the peers' medians, so every established peer has one vote however long its
 * history, and up to half the peers may be odd (a night-shift colleague, a bulk importer) without
 * moving it. Scale: √(median peer scale² + (MAD of the peer medians / 0.6745)²) — variances add, so
 * a group whose members differ widely from each other also tolerates a newcomer who differs. Peers
 * that are new themselves are left out; undefined when none is left.
 */
export function peerBaseline(peerHistories: readonly (readonly number[])[], options: PeerBaselineOptions = {}): PeerBaseline | undefined {
  const minObservations = options.minObservations ?? DEFAULT_MIN_OBSERVATIONS;
  const baselines = peerHistories
    .filter((history) => history.length >= minObservations)
    .map((history) => robustBaseline(history, options))
    .filter((baseline): baseline is RobustBaseline => baseline !== undefined);
  const medians = baselines.map((b) => b.median);
  const center = median(medians);
  if (center === undefined) return undefined;
  const within = median(baselines.map((b) => b.scale)) as number;
  const between = (medianAbsoluteDeviation(medians, center) as number) * MAD_TO_SIGMA;
  const scale = Math.max(options.minScale ?? DEFAULT_MIN_SCALE, Math.hypot(within, between));
  return { median: center, scale, peers: baselines.length };
}

/** Which baseline judges a user: its own once established, else the peers' (a new user inherits it). */
export type BaselineSource = 'user' | 'peer' | 'none';

/**
 * The user's own baseline when it has at least `minObservations` completed weeks of the slot,
 * otherwise the peer baseline: a new user is judged by its peers until its own history counts.
 */
export function chooseBaseline(
  userHistory: readonly number[],
  peers: PeerBaseline | undefined,
  options: PeerBaselineOptions = {},
): { source: BaselineSource; baseline: Pick<RobustBaseline, 'median' | 'scale'> | undefined } {
  const own = userHistory.length >= (options.minObservations ?? DEFAULT_MIN_OBSERVATIONS) ? robustBaseline(userHistory, options) : undefined;
  if (own) return { source: 'user', baseline: own };
  if (peers) return { source: 'peer', baseline: peers };
  return { source: 'none', baseline: undefined };
}
