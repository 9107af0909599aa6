import type { MonitorEvent } from './monitor-event.js';
import { RULE_IDS, type RuleConfig, type RuleId } from './rule-config.js';
import { type AlertEntity, type Evidence, type Finding, MS_PER_MINUTE, type RuleEvaluator } from './rule-types.js';
import { createEvaluators } from './rules.js';

/**
 * The rule engine: feeds each event, in seq order, to every enabled rule, applies the exceptions,
 * and turns findings into alerts with suppression — one notification per rule per entity per
 * `suppressionMinutes`, later findings counted on the open alert (`suppressedCount`), never dropped.
 * Pure and deterministic: no I/O, no clock but the events' times, so a replay gives the same alerts
 * as the live stream, and an engine resumed from `state()` ignores every event it already scored.
 */

/** A raised alert, or its update by a suppressed repeat (`notify: false`, same `id`). */
export interface Alert {
  /** `<ruleId>@<firstSeq>`: stable, so a repeat updates the alert it belongs to. */
  id: string;
  ruleId: RuleId;
  entity: AlertEntity;
  firstSeq: number;
  lastSeq: number;
  /** When the alert was raised (the first event's time), ISO 8601 UTC. */
  at: string;
  lastAt: string;
  /** 0..10: the rule's base priority, escalated with the size of the breach; the highest finding so far. */
  priority: number;
  /** True when this is the alert's first finding (send a notification), false for a suppressed repeat. */
  notify: boolean;
  /** Findings after the first one within the suppression window. */
  suppressedCount: number;
  /** The latest finding's counts, thresholds, ids and pseudonyms. */
  evidence: Evidence;
}

/** What the engine has seen, for health checks: nothing is dropped without being counted. */
export interface EngineStats {
  scored: number;
  /** Events at or below the last scored seq (a replay overlap): ignored. */
  repeated: number;
  /** Events without a usable seq or time: ignored. */
  invalid: number;
  /** Evaluations that threw (a bug, never a reason to stop): counted, the event still reaches the other rules. */
  ruleErrors: number;
}

/** Everything the engine needs to resume: JSON, ids, pseudonyms and counts only. */
export interface RuleEngineState {
  version: 1;
  lastSeq: number | null;
  lastPruneAt: number | null;
  stats: EngineStats;
  rules: Record<string, unknown>;
  open: { alert: Alert; until: number }[];
}

/** A running engine; see `createRuleEngine`. */
export interface RuleEngine {
  /** The alerts raised (notify) or updated (suppressed repeats) by this event; [] for an event already scored or unusable. */
  score(event: MonitorEvent): Alert[];
  /** The alerts still within their suppression window, as they stand. */
  openAlerts(): Alert[];
  /** The state to persist (`JSON.stringify` it) and resume from. */
  state(): RuleEngineState;
  readonly lastSeq: number | null;
}

/** State is pruned (idle keys, expired values, closed alerts) at most once per minute of event time. */
const PRUNE_EVERY_MS = MS_PER_MINUTE;

const copy = (alert: Alert): Alert => ({ ...alert, entity: { ...alert.entity }, evidence: { ...alert.evidence } });

function usable(event: MonitorEvent): boolean {
  return (
    typeof event === 'object' &&
    event !== null &&
    Number.isSafeInteger(event.seq) &&
    event.seq >= 0 &&
    Number.isFinite(event.at) &&
    Math.abs(event.at) <= 8.64e15 &&
    typeof event.action === 'string' &&
    typeof event.outcome === 'string' &&
    Array.isArray(event.subjectIds) &&
    Array.isArray(event.fields)
  );
}

function readState(saved: unknown): RuleEngineState | undefined {
  if (saved === undefined) return undefined;
  const s = saved as Partial<RuleEngineState> | null;
  const valid =
    s?.version === 1 &&
    (s.lastSeq === null || Number.isSafeInteger(s.lastSeq)) &&
    (s.lastPruneAt === null || Number.isSafeInteger(s.lastPruneAt)) &&
    typeof s.stats === 'object' &&
    typeof s.rules === 'object' &&
    s.rules !== null &&
    Array.isArray(s.open) &&
    s.open.every((o) => typeof o?.alert?.id === 'string' && RULE_IDS.includes(o.alert.ruleId) && Number.isSafeInteger(o.until));
  if (!valid) throw new Error('not a monitor rule engine state (version 1)');
  return s as RuleEngineState;
}

/**
 * An engine for `config` (from `validateRuleConfig`), fresh or resumed from a `state()` (parsed
 * JSON). Throws only on a malformed saved state, never on an event.
 */
export function createRuleEngine(config: RuleConfig, saved?: unknown): RuleEngine {
  const restored = readState(saved);
  const evaluators: RuleEvaluator[] = createEvaluators(config, restored?.rules);
  const exceptions = new Map(RULE_IDS.map((id) => [id, new Set(config.rules[id].exceptions)]));
  const suppressionMs = config.suppressionMinutes * MS_PER_MINUTE;
  const open = new Map<string, { alert: Alert; until: number }>((restored?.open ?? []).map((o) => [keyOf(o.alert.ruleId, o.alert.entity), o]));
  const stats: EngineStats = { scored: 0, repeated: 0, invalid: 0, ruleErrors: 0, ...restored?.stats };
  let lastSeq = restored?.lastSeq ?? null;
  let lastPruneAt = restored?.lastPruneAt ?? null;

  function keyOf(ruleId: RuleId, entity: AlertEntity): string {
    return `${ruleId}\u0000${entity.kind}\u0000${entity.id}`;
  }

  function exempt(ruleId: RuleId, event: MonitorEvent): boolean {
    const excluded = exceptions.get(ruleId);
    if (!excluded?.size) return false;
    return [event.actorId, event.accountKey, event.address, event.tokenId].some((id) => id !== null && id !== undefined && excluded.has(id));
  }

  function prune(at: number): void {
    if (lastPruneAt !== null && at - lastPruneAt < PRUNE_EVERY_MS) return;
    for (const evaluator of evaluators) evaluator.prune(at);
    for (const [key, o] of open) if (o.until <= at) open.delete(key);
    lastPruneAt = at;
  }

  function alertOf(ruleId: RuleId, finding: Finding, event: MonitorEvent): Alert {
    const key = keyOf(ruleId, finding.entity);
    const current = open.get(key);
    if (current && event.at < current.until) {
      const alert = current.alert;
      alert.suppressedCount++;
      alert.lastSeq = event.seq;
      alert.lastAt = new Date(event.at).toISOString();
      alert.priority = Math.max(alert.priority, finding.priority);
      alert.evidence = { ...finding.evidence };
      return { ...copy(alert), notify: false };
    }
    const at = new Date(event.at).toISOString();
    const alert: Alert = {
      id: `${ruleId}@${event.seq}`,
      ruleId,
      entity: { ...finding.entity },
      firstSeq: event.seq,
      lastSeq: event.seq,
      at,
      lastAt: at,
      priority: finding.priority,
      notify: true,
      suppressedCount: 0,
      evidence: { ...finding.evidence },
    };
    open.delete(key);
    open.set(key, { alert, until: event.at + suppressionMs });
    return copy(alert);
  }

  return {
    get lastSeq() {
      return lastSeq;
    },
    score(event) {
      if (!usable(event)) {
        stats.invalid++;
        return [];
      }
      if (lastSeq !== null && event.seq <= lastSeq) {
        stats.repeated++;
        return [];
      }
      lastSeq = event.seq;
      stats.scored++;
      prune(event.at);
      const alerts: Alert[] = [];
      for (const evaluator of evaluators) {
        if (exempt(evaluator.id, event)) continue;
        let finding: Finding | undefined;
        try {
          finding = evaluator.evaluate(event);
        } catch {
          stats.ruleErrors++;
          continue;
        }
        if (finding && !exceptions.get(evaluator.id)?.has(finding.entity.id)) alerts.push(alertOf(evaluator.id, finding, event));
      }
      return alerts;
    },
    openAlerts: () => [...open.values()].map((o) => ({ ...copy(o.alert), notify: false })),
    state: () => ({
      version: 1,
      lastSeq,
      lastPruneAt,
      stats: { ...stats },
      rules: Object.fromEntries(evaluators.map((e) => [e.id, e.toJSON()])),
      open: [...open.values()].map((o) => ({ alert: copy(o.alert), until: o.until })),
    }),
  };
}
