import type { MonitorEvent, SensitiveFlag } from './monitor-event.js';
import { RULE_CATALOGUE } from './rule-config.js';
import {
  actingUser,
  EXPOSING_ACTIONS,
  escalated,
  type Finding,
  MS_PER_MINUTE,
  type RuleFactory,
  restoreCounter,
  restoreDistinct,
  VIEW_ACTIONS,
} from './rule-types.js';
import { DEFAULT_MAX_KEYS } from './windows.js';

/**
 * Rules over what users do with personal data: how many people they see, export or reveal, how many
 * of their searches find nobody, whether they touch flagged people, and whether a sweep follows a
 * grant of rights. Only successful events count (a refused read showed nothing), except searches
 * refused by the masked-search quota, which are misses of the strongest kind.
 */

/** The user who saw the event's data subjects on screen, or null. */
function viewer(event: MonitorEvent): string | null {
  return VIEW_ACTIONS.has(event.action) && event.outcome === 'success' && event.subjectIds.length > 0 ? actingUser(event) : null;
}

/** `mass-view`: at least `subjects` distinct data subjects read, found or revealed by one user in the window. */
export const massView: RuleFactory<'mass-view'> = ({ params }, _config, saved) => {
  const subjects = restoreDistinct(saved?.subjects, params.windowMinutes * MS_PER_MINUTE, params.subjects);
  const base = RULE_CATALOGUE['mass-view'].basePriority;
  return {
    id: 'mass-view',
    evaluate(event): Finding | undefined {
      const user = viewer(event);
      if (!user) return undefined;
      const n = subjects.add(user, event.subjectIds, event.at);
      if (n < params.subjects) return undefined;
      return { entity: { kind: 'user', id: user }, priority: base, evidence: { subjects: n, threshold: params.subjects, windowMinutes: params.windowMinutes } };
    },
    prune: (at) => subjects.prune(at),
    toJSON: () => ({ subjects: subjects.toJSON() }),
  };
};

/** Rows an export event stands for: its data subjects (`personal_data.export`), else `detail.count`, else 1. */
function exportedRows(event: MonitorEvent): number {
  if (event.action === 'personal_data.export' && event.subjectIds.length > 0) return event.subjectIds.length;
  return event.rowCount ?? 1;
}

/** `mass-export`: at least `rows` exported by one user in the window (`personal_data.export` and `record.exported`). */
export const massExport: RuleFactory<'mass-export'> = ({ params }, _config, saved) => {
  const rows = restoreCounter(saved?.rows, params.windowMinutes * MS_PER_MINUTE);
  const base = RULE_CATALOGUE['mass-export'].basePriority;
  return {
    id: 'mass-export',
    evaluate(event): Finding | undefined {
      const user = actingUser(event);
      if (!user || event.outcome !== 'success' || (event.action !== 'personal_data.export' && event.action !== 'record.exported')) return undefined;
      const n = rows.add(user, event.at, exportedRows(event));
      if (n < params.rows) return undefined;
      return {
        entity: { kind: 'user', id: user },
        priority: escalated(base, n, params.rows),
        evidence: { rows: n, threshold: params.rows, windowMinutes: params.windowMinutes },
      };
    },
    prune: (at) => rows.prune(at),
    toJSON: () => ({ rows: rows.toJSON() }),
  };
};

/** `reveal-burst`: at least `reveals` reveals of masked values by one user in the window. */
export const revealBurst: RuleFactory<'reveal-burst'> = ({ params }, _config, saved) => {
  const reveals = restoreCounter(saved?.reveals, params.windowMinutes * MS_PER_MINUTE);
  const base = RULE_CATALOGUE['reveal-burst'].basePriority;
  return {
    id: 'reveal-burst',
    evaluate(event): Finding | undefined {
      const user = actingUser(event);
      if (!user || event.action !== 'personal_data.reveal' || event.outcome !== 'success') return undefined;
      const n = reveals.add(user, event.at);
      if (n < params.reveals) return undefined;
      return {
        entity: { kind: 'user', id: user },
        priority: escalated(base, n, params.reveals),
        evidence: { reveals: n, threshold: params.reveals, windowMinutes: params.windowMinutes },
      };
    },
    prune: (at) => reveals.prune(at),
    toJSON: () => ({ reveals: reveals.toJSON() }),
  };
};

/** A search that found nobody (`detail.count` 0) or that the masked-search quota refused. */
export function isSearchMiss(event: MonitorEvent): boolean {
  return event.action === 'personal_data.search' && (event.outcome === 'refused' || (event.outcome === 'success' && event.rowCount === 0));
}

/** `slow-enumeration`: at least `misses` blind-index searches by one user that found nobody, in the window. */
export const slowEnumeration: RuleFactory<'slow-enumeration'> = ({ params }, _config, saved) => {
  const misses = restoreCounter(saved?.misses, params.windowMinutes * MS_PER_MINUTE);
  const base = RULE_CATALOGUE['slow-enumeration'].basePriority;
  return {
    id: 'slow-enumeration',
    evaluate(event): Finding | undefined {
      const user = actingUser(event);
      if (!user || !isSearchMiss(event)) return undefined;
      const n = misses.add(user, event.at);
      if (n < params.misses) return undefined;
      return {
        entity: { kind: 'user', id: user },
        priority: escalated(base, n, params.misses),
        evidence: { misses: n, threshold: params.misses, windowMinutes: params.windowMinutes },
      };
    },
    prune: (at) => misses.prune(at),
    toJSON: () => ({ misses: misses.toJSON() }),
  };
};

/** `sensitive-access`: flagged data subjects (VIPs, minors; flags fed by the caller) exposed to one user, each flag with its own threshold. */
export const sensitiveAccess: RuleFactory<'sensitive-access'> = ({ params }, _config, saved) => {
  const windowMs = params.windowMinutes * MS_PER_MINUTE;
  const thresholds: Record<SensitiveFlag, number> = { vip: params.vipSubjects, minor: params.minorSubjects };
  const seen = {
    vip: restoreDistinct(saved?.vip, windowMs, params.vipSubjects),
    minor: restoreDistinct(saved?.minor, windowMs, params.minorSubjects),
  };
  const base = RULE_CATALOGUE['sensitive-access'].basePriority;
  return {
    id: 'sensitive-access',
    evaluate(event): Finding | undefined {
      const user = actingUser(event);
      if (!user || !event.sensitive || event.outcome !== 'success' || !EXPOSING_ACTIONS.has(event.action)) return undefined;
      const counts: Record<SensitiveFlag, number> = { vip: 0, minor: 0 };
      let ratio = 0;
      for (const flag of ['vip', 'minor'] as const) {
        const ids = (event.sensitive[flag] ?? []).filter((id) => event.subjectIds.includes(id));
        counts[flag] = ids.length ? seen[flag].add(user, ids, event.at) : seen[flag].count(user, event.at);
        ratio = Math.max(ratio, counts[flag] / thresholds[flag]);
      }
      if (ratio < 1) return undefined;
      const boost = event.action === 'personal_data.reveal' || event.action === 'personal_data.export' ? 1 : 0;
      return {
        entity: { kind: 'user', id: user },
        priority: Math.min(10, escalated(base, ratio, 1) + boost),
        evidence: {
          vipSubjects: counts.vip,
          minorSubjects: counts.minor,
          vipThreshold: params.vipSubjects,
          minorThreshold: params.minorSubjects,
          action: event.action,
        },
      };
    },
    prune(at) {
      seen.vip.prune(at);
      seen.minor.prune(at);
    },
    toJSON: () => ({ vip: seen.vip.toJSON(), minor: seen.minor.toJSON() }),
  };
};

/** Saved `[key, value]` pairs, each value checked; throws on anything malformed. */
function savedPairs<V>(saved: unknown, isValue: (value: unknown) => value is V): [string, V][] {
  if (saved === undefined) return [];
  const ok = Array.isArray(saved) && saved.every((pair) => Array.isArray(pair) && typeof pair[0] === 'string' && isValue(pair[1]));
  if (!ok) throw new Error('monitor rule state: malformed privilege changes');
  return saved as [string, V][];
}

/**
 * `privilege-then-bulk-read`: a user who gained rights (`user.roles.changed`, or `role.changed` of a
 * role the engine has seen them get) reads at least `subjects` distinct data subjects in the window,
 * within `followMinutes` of the change. Role holders are learnt from `user.roles.changed` events only:
 * the audit trail does not list who holds a changed role (the caller may add them as targets).
 */
export const privilegeThenBulkRead: RuleFactory<'privilege-then-bulk-read'> = ({ params }, _config, saved) => {
  const followMs = params.followMinutes * MS_PER_MINUTE;
  const subjects = restoreDistinct(saved?.subjects, params.windowMinutes * MS_PER_MINUTE, params.subjects);
  /** User id → [time, seq] of the latest change that raised their rights. */
  const raised = new Map(savedPairs(saved?.raised, (v): v is [number, number] => Array.isArray(v) && v.length === 2 && v.every(Number.isSafeInteger)));
  /** User id → role keys, as the last `user.roles.changed` of them said. */
  const rolesOf = new Map(savedPairs(saved?.rolesOf, (v): v is string[] => Array.isArray(v) && v.every((role) => typeof role === 'string')));
  const base = RULE_CATALOGUE['privilege-then-bulk-read'].basePriority;

  function noteChange(event: MonitorEvent): void {
    const change = event.privilege;
    if (!change || event.outcome !== 'success') return;
    const targets = new Set(change.targets);
    if (change.roleKey) for (const [user, roles] of rolesOf) if (roles.includes(change.roleKey)) targets.add(user);
    for (const user of change.targets) {
      if (!change.rolesAfter) continue;
      rolesOf.delete(user);
      rolesOf.set(user, [...change.rolesAfter]);
      if (rolesOf.size > DEFAULT_MAX_KEYS) rolesOf.delete(rolesOf.keys().next().value as string);
    }
    if (change.raised) for (const user of targets) raised.set(user, [event.at, event.seq]);
  }

  return {
    id: 'privilege-then-bulk-read',
    evaluate(event): Finding | undefined {
      noteChange(event);
      const user = viewer(event);
      const change = user ? raised.get(user) : undefined;
      if (!user || !change || event.at - change[0] > followMs) return undefined;
      const n = subjects.add(user, event.subjectIds, event.at);
      if (n < params.subjects) return undefined;
      return {
        entity: { kind: 'user', id: user },
        priority: escalated(base, n, params.subjects),
        evidence: { subjects: n, threshold: params.subjects, changeSeq: change[1], minutesSinceChange: Math.floor((event.at - change[0]) / MS_PER_MINUTE) },
      };
    },
    prune(at) {
      subjects.prune(at);
      for (const [user, [changedAt]] of raised) if (at - changedAt > followMs) raised.delete(user);
    },
    toJSON: () => ({ subjects: subjects.toJSON(), raised: [...raised], rolesOf: [...rolesOf] }),
  };
};
