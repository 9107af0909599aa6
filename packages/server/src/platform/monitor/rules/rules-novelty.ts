import { HourOfWeekCounters, hourOfWeekOfLocalHour, localHourIndex } from '../baseline/hour-of-week.js';
import { median } from '../baseline/robust-z.js';
import { scoreActivity } from '../baseline/score.js';
import type { MonitorEvent } from './monitor-event.js';
import { RULE_CATALOGUE } from './rule-config.js';
import { type Finding, isSignInFailure, MS_PER_DAY, type RuleFactory, restoreFirstSeen } from './rule-types.js';

/**
 * Rules about what is new or unusual for a user rather than how much: a first-seen address or browser
 * (Elastic new_terms, with a history window and a learning period), an API token used from a new
 * address, and activity in an hour of the week when the user is normally idle.
 */

/** A user's own session event that succeeded: the user's places and hours, not an attacker's failed guesses. */
function ownSessionUser(event: MonitorEvent): string | null {
  return event.actorKind === 'user' && event.outcome === 'success' && !isSignInFailure(event) ? event.actorId : null;
}

type Place = 'address' | 'device';

function firstSeen(id: 'first-seen-address' | 'first-seen-device', place: Place): RuleFactory<typeof id> {
  return ({ params }, _config, saved) => {
    const seen = restoreFirstSeen(saved?.seen, params.historyDays * MS_PER_DAY, params.learningDays * MS_PER_DAY, params.maxValues);
    const base = RULE_CATALOGUE[id].basePriority;
    return {
      id,
      evaluate(event): Finding | undefined {
        const user = ownSessionUser(event);
        const value = event[place];
        if (!user || !value || seen.observe(user, value, event.at) !== 'new') return undefined;
        return { entity: { kind: 'user', id: user }, priority: base, evidence: { [place]: value, historyDays: params.historyDays } };
      },
      prune: (at) => seen.prune(at),
      toJSON: () => ({ seen: seen.toJSON() }),
    };
  };
}

/** `first-seen-address`: a user works from an address (pseudonym) not seen for them in the history window. */
export const firstSeenAddress = firstSeen('first-seen-address', 'address');

/** `first-seen-device`: a user works from a user agent (pseudonym) not seen for them in the history window. */
export const firstSeenDevice = firstSeen('first-seen-device', 'device');

/** `token-new-place`: an API token used from an address not seen for it in the history window, after its learning day. */
export const tokenNewPlace: RuleFactory<'token-new-place'> = ({ params }, _config, saved) => {
  const seen = restoreFirstSeen(saved?.seen, params.historyDays * MS_PER_DAY, params.learningDays * MS_PER_DAY, params.maxValues);
  const base = RULE_CATALOGUE['token-new-place'].basePriority;
  return {
    id: 'token-new-place',
    evaluate(event): Finding | undefined {
      if (event.actorKind !== 'token' || !event.tokenId || !event.address || seen.observe(event.tokenId, event.address, event.at) !== 'new') return undefined;
      return {
        entity: { kind: 'token', id: event.tokenId },
        priority: base,
        evidence: { userId: event.actorId, address: event.address, historyDays: params.historyDays },
      };
    },
    prune: (at) => seen.prune(at),
    toJSON: () => ({ seen: seen.toJSON() }),
  };
};

const ACTIVITY = 'activity';

/**
 * `off-hours`: the user's own successful events per local hour (HourOfWeekCounters, in the configured
 * time zone) against the same hour-of-week in earlier weeks. It fires when the user's median for that
 * slot is 0 — an hour they are normally idle — over at least `minWeeks` completed weeks, and the
 * hour's count so far reaches a robust z of `threshold` against that history (scoreActivity, the
 * user's own baseline only: with a median of 0 and the scale floor of 1, 3.5 means 4 events). A
 * newcomer is never judged; a night-shift worker's nights are their normal. Priority: priorityOf(z).
 */
export const offHours: RuleFactory<'off-hours'> = ({ params }, config, saved) => {
  let counters = saved?.counters === undefined ? new HourOfWeekCounters(params.weeksKept) : HourOfWeekCounters.fromJSON(saved.counters);
  if (counters.weeks !== params.weeksKept) counters = new HourOfWeekCounters(params.weeksKept);
  return {
    id: 'off-hours',
    evaluate(event): Finding | undefined {
      const user = ownSessionUser(event);
      if (!user) return undefined;
      const hour = localHourIndex(event.at, config.timeZone);
      if (!counters.record(user, ACTIVITY, hour)) return undefined;
      const slot = hourOfWeekOfLocalHour(hour);
      const history = counters.history(user, ACTIVITY, slot, hour);
      if (history.length < params.minWeeks || median(history) !== 0) return undefined;
      const value = counters.countAt(user, ACTIVITY, hour) ?? 0;
      const score = scoreActivity([{ feature: ACTIVITY, value, userHistory: history, peerHistories: [] }], {
        threshold: params.threshold,
        minObservations: params.minWeeks,
      });
      const z = score.features[0]?.zUser ?? null;
      if (!score.anomalous || z === null) return undefined;
      return {
        entity: { kind: 'user', id: user },
        priority: score.priority,
        evidence: { events: value, userMedian: 0, z: Math.round(z * 100) / 100, weeks: history.length, hourOfWeek: slot, timeZone: config.timeZone },
      };
    },
    prune: () => {},
    toJSON: () => ({ counters: counters.toJSON() }),
  };
};
