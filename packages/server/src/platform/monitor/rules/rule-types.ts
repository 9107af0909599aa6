import type { MonitorEvent } from './monitor-event.js';
import type { EntityKind, RuleConfig, RuleId, RuleSettings } from './rule-config.js';
import { DistinctWindow, FirstSeenSet, WindowCounter } from './windows.js';

/**
 * What every rule evaluator shares: the finding it hands the engine, its interface, and the helpers
 * that restore its windows from a saved state and escalate a priority with the size of a breach.
 */

/** Small JSON about why a rule fired: counts, thresholds, ids and pseudonyms, never a personal value. */
export type Evidence = Record<string, number | string | boolean | null>;

export interface AlertEntity {
  kind: EntityKind;
  /** A user id, account key, address pseudonym or token id. */
  id: string;
}

/** One rule's verdict on one event; the engine turns it into an alert or counts it on an open one. */
export interface Finding {
  entity: AlertEntity;
  /** 0..10. */
  priority: number;
  evidence: Evidence;
}

/** One rule: reads events in seq order, keeps its own bounded state, says when it fires. */
export interface RuleEvaluator {
  readonly id: RuleId;
  evaluate(event: MonitorEvent): Finding | undefined;
  /** Drops what no longer counts at `at` (idle keys, expired values); never changes a later verdict. */
  prune(at: number): void;
  /** The state, JSON: ids, pseudonyms and counts only. */
  toJSON(): Record<string, unknown>;
}

/** Builds a rule from its settings, the whole configuration (time zone) and its saved state, if any. */
export type RuleFactory<R extends RuleId> = (settings: RuleSettings<R>, config: RuleConfig, saved: Record<string, unknown> | undefined) => RuleEvaluator;

/** Milliseconds in a minute and in a day, for windows given in minutes or days. */
export const MS_PER_MINUTE = 60_000;
export const MS_PER_DAY = 86_400_000;

/**
 * A rule's base priority plus one point per doubling of the threshold, at most two (so 4× the
 * threshold adds 2), clamped to 0..10: a sweep of 800 records outranks one of 200.
 */
export function escalated(basePriority: number, value: number, threshold: number): number {
  const doublings = value > threshold && threshold > 0 ? Math.floor(Math.log2(value / threshold)) : 0;
  return Math.min(10, Math.max(0, basePriority + Math.min(2, doublings)));
}

/** A saved counter when its window is the configured one; a fresh one otherwise (the configuration changed). */
export function restoreCounter(saved: unknown, windowMs: number): WindowCounter {
  if (saved === undefined) return new WindowCounter(windowMs);
  const counter = WindowCounter.fromJSON(saved);
  return counter.windowMs === windowMs ? counter : new WindowCounter(windowMs);
}

/** As `restoreCounter`, for distinct values capped at `cap`. */
export function restoreDistinct(saved: unknown, windowMs: number, cap: number): DistinctWindow {
  if (saved === undefined) return new DistinctWindow(windowMs, cap);
  const window = DistinctWindow.fromJSON(saved);
  return window.windowMs === windowMs && window.cap === cap ? window : new DistinctWindow(windowMs, cap);
}

/** As `restoreCounter`, for first-seen values: the learnt history survives a changed history window or cap. */
export function restoreFirstSeen(saved: unknown, historyMs: number, learningMs: number, maxValues: number): FirstSeenSet {
  const fresh = new FirstSeenSet(historyMs, learningMs, maxValues);
  if (saved === undefined) return fresh;
  const set = FirstSeenSet.fromJSON(saved);
  if (set.historyMs === historyMs && set.learningMs === learningMs && set.maxValues === maxValues) return set;
  return FirstSeenSet.fromJSON({ ...set.toJSON(), historyMs, learningMs, maxValues, keys: set.toJSON().keys.map(([k, s, v]) => [k, s, v.slice(-maxValues)]) });
}

/** The actions by which a user sees personal data on screen (exports are counted apart). */
export const VIEW_ACTIONS: ReadonlySet<string> = new Set(['personal_data.read', 'personal_data.search', 'personal_data.reveal']);
/** Every action that exposes a data subject's personal data. */
export const EXPOSING_ACTIONS: ReadonlySet<string> = new Set([...VIEW_ACTIONS, 'personal_data.export']);
/** A sign-in attempt that failed or was refused by the throttle (which keeps counting the attempts). */
export const SIGN_IN_FAILURES: ReadonlySet<string> = new Set(['auth.login.failed', 'auth.login.throttled']);
/** A right password: a full sign-in, or the first factor before the second. */
export const SIGN_IN_SUCCESSES: ReadonlySet<string> = new Set(['auth.login.succeeded', 'auth.login.password_ok']);

/** The user behind an event when a user (directly, by token or through an operator) acted, else null. */
export function actingUser(event: MonitorEvent): string | null {
  return event.actorKind === 'user' || event.actorKind === 'token' || event.actorKind === 'operator' ? event.actorId : null;
}

/** A failed or throttled sign-in attempt. */
export const isSignInFailure = (event: MonitorEvent): boolean => SIGN_IN_FAILURES.has(event.action);
/** A successful first factor or sign-in. */
export const isSignInSuccess = (event: MonitorEvent): boolean => SIGN_IN_SUCCESSES.has(event.action) && event.outcome === 'success';
