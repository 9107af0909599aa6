/**
 * Bounded sliding-window state for the detection rules: counts per key, distinct values per key, and
 * first-seen values per key with a history window (Elastic's new_terms). Keys are user ids, account
 * keys, address pseudonyms or token ids; values are ids or pseudonyms. Memory is bounded three ways:
 * per key (buckets, a cap on distinct values), by time (idle keys are pruned) and in keys (the least
 * recently updated key is evicted past `maxKeys`). All of it is JSON: `toJSON` / `fromJSON`.
 */

/** Keys kept by one window before the least recently updated is evicted (a flood of addresses stays bounded). */
export const DEFAULT_MAX_KEYS = 100_000;
/** Sub-windows of a sliding count: its resolution is window / 12 (50 s for 10 min). */
export const DEFAULT_BUCKETS = 12;

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const isTime = (value: unknown): value is number => Number.isSafeInteger(value);
const isCount = (value: unknown): value is number => Number.isSafeInteger(value) && (value as number) >= 0;

function fail(what: string): never {
  throw new Error(`monitor window state: ${what}`);
}

/** Map insertion order as recency: re-inserting moves a key to the end, the first key is the stalest. */
function touch<V>(map: Map<string, V>, key: string, value: V, maxKeys: number): void {
  map.delete(key);
  map.set(key, value);
  if (map.size > maxKeys) map.delete(map.keys().next().value as string);
}

/** The persisted form of a `WindowCounter`. */
export interface WindowCounterJson {
  version: 1;
  windowMs: number;
  buckets: number;
  /** Per key: flat [bucket index, count, …], oldest bucket first. */
  keys: [string, number[]][];
}

/**
 * Events (or amounts) per key in a sliding window, kept in `buckets` sub-windows so memory per key is
 * constant however many events arrive. An event counts while it is at most the window old, and for at
 * most one bucket longer (window / buckets): a rule fires a little late never, a little early rarely.
 */
export class WindowCounter {
  private readonly keys = new Map<string, number[]>();
  private readonly bucketMs: number;

  constructor(
    readonly windowMs: number,
    readonly buckets = DEFAULT_BUCKETS,
    readonly maxKeys = DEFAULT_MAX_KEYS,
  ) {
    if (!isCount(windowMs) || windowMs < 1) throw new RangeError(`window must be a positive whole number of ms, not ${windowMs}`);
    if (!Number.isInteger(buckets) || buckets < 1 || buckets > 1000) throw new RangeError(`buckets must be an integer 1..1000, not ${buckets}`);
    this.bucketMs = Math.ceil(windowMs / buckets);
  }

  /** Number of keys held. */
  get size(): number {
    return this.keys.size;
  }

  /** Adds `amount` (a positive integer) for `key` at `at` and returns the key's count in the window ending at `at`. */
  add(key: string, at: number, amount = 1): number {
    const bucket = Math.floor(at / this.bucketMs);
    const flat = this.keys.get(key) ?? [];
    const oldest = (flat.length ? Math.max(bucket, flat[flat.length - 2] as number) : bucket) - this.buckets;
    let start = 0;
    while (start < flat.length && (flat[start] as number) < oldest) start += 2;
    const kept = start ? flat.slice(start) : flat;
    if (bucket >= oldest && amount > 0) {
      let i = kept.length - 2;
      while (i >= 0 && (kept[i] as number) > bucket) i -= 2;
      if (i >= 0 && kept[i] === bucket) kept[i + 1] = (kept[i + 1] as number) + amount;
      else kept.splice(i + 2, 0, bucket, amount);
    }
    touch(this.keys, key, kept, this.maxKeys);
    return this.count(key, at);
  }

  /** The count of `key` in the window ending at `at` (later events, arrived out of order, count too). */
  count(key: string, at: number): number {
    const flat = this.keys.get(key);
    if (!flat) return 0;
    const oldest = Math.floor(at / this.bucketMs) - this.buckets;
    let total = 0;
    for (let i = 0; i < flat.length; i += 2) if ((flat[i] as number) >= oldest) total += flat[i + 1] as number;
    return total;
  }

  /** Drops every key with nothing in the window ending at `at`. */
  prune(at: number): void {
    const oldest = Math.floor(at / this.bucketMs) - this.buckets;
    for (const [key, flat] of this.keys) if ((flat[flat.length - 2] ?? -Infinity) < oldest) this.keys.delete(key);
  }

  toJSON(): WindowCounterJson {
    return { version: 1, windowMs: this.windowMs, buckets: this.buckets, keys: [...this.keys] };
  }

  /** What `toJSON` wrote; throws on anything malformed. */
  static fromJSON(json: unknown, maxKeys = DEFAULT_MAX_KEYS): WindowCounter {
    if (!isObject(json) || json.version !== 1 || !Array.isArray(json.keys)) fail('not a window counter');
    const counter = new WindowCounter(json.windowMs as number, json.buckets as number, maxKeys);
    for (const entry of json.keys) {
      const [key, flat] = Array.isArray(entry) ? entry : [];
      if (typeof key !== 'string' || !Array.isArray(flat) || flat.length % 2 || !flat.every((n, i) => (i % 2 ? isCount(n) : isTime(n))))
        fail('malformed counter key');
      counter.keys.set(key, flat as number[]);
    }
    return counter;
  }
}

/** The persisted form of a `DistinctWindow`. */
export interface DistinctWindowJson {
  version: 1;
  windowMs: number;
  cap: number;
  /** Per key: [value, last seen ms], least recently seen first. */
  keys: [string, [string, number][]][];
}

/**
 * Distinct values per key in a sliding window (Sigma's value_count): each value with the time it was
 * last seen, at most `cap` per key — the most recently seen. A rule with threshold t uses cap ≥ t: the
 * count is then exact up to the cap, and a larger one reads as the cap, which is all the rule asks.
 */
export class DistinctWindow {
  private readonly keys = new Map<string, Map<string, number>>();

  constructor(
    readonly windowMs: number,
    readonly cap: number,
    readonly maxKeys = DEFAULT_MAX_KEYS,
  ) {
    if (!isCount(windowMs) || windowMs < 1) throw new RangeError(`window must be a positive whole number of ms, not ${windowMs}`);
    if (!Number.isInteger(cap) || cap < 1) throw new RangeError(`cap must be a positive integer, not ${cap}`);
  }

  get size(): number {
    return this.keys.size;
  }

  /** Records `values` for `key` at `at`; returns the distinct values of `key` seen in the window ending at `at`. */
  add(key: string, values: Iterable<string>, at: number): number {
    const seen = this.keys.get(key) ?? new Map<string, number>();
    for (const value of values) {
      const last = seen.get(value);
      seen.delete(value);
      seen.set(value, last === undefined ? at : Math.max(last, at));
      if (seen.size > this.cap) seen.delete(seen.keys().next().value as string);
    }
    for (const [value, last] of seen) {
      if (last >= at - this.windowMs) break;
      seen.delete(value);
    }
    touch(this.keys, key, seen, this.maxKeys);
    return this.count(key, at);
  }

  /** Distinct values of `key` seen in the window ending at `at`. */
  count(key: string, at: number): number {
    let n = 0;
    for (const last of this.keys.get(key)?.values() ?? []) if (last >= at - this.windowMs) n++;
    return n;
  }

  /** Drops values, and keys, not seen in the window ending at `at`. */
  prune(at: number): void {
    for (const [key, seen] of this.keys) {
      for (const [value, last] of seen) if (last < at - this.windowMs) seen.delete(value);
      if (seen.size === 0) this.keys.delete(key);
    }
  }

  toJSON(): DistinctWindowJson {
    return { version: 1, windowMs: this.windowMs, cap: this.cap, keys: [...this.keys].map(([key, seen]) => [key, [...seen]]) };
  }

  /** What `toJSON` wrote; throws on anything malformed. */
  static fromJSON(json: unknown, maxKeys = DEFAULT_MAX_KEYS): DistinctWindow {
    if (!isObject(json) || json.version !== 1 || !Array.isArray(json.keys)) fail('not a distinct window');
    const window = new DistinctWindow(json.windowMs as number, json.cap as number, maxKeys);
    for (const entry of json.keys) window.keys.set(...readValues(entry, window.cap));
    return window;
  }
}

function readValues(entry: unknown, cap: number): [string, Map<string, number>] {
  const [key, pairs] = Array.isArray(entry) ? entry : [];
  if (typeof key !== 'string' || !Array.isArray(pairs) || pairs.length > cap) fail('malformed key');
  const seen = new Map<string, number>();
  for (const pair of pairs) {
    if (!Array.isArray(pair) || typeof pair[0] !== 'string' || !isTime(pair[1])) fail(`malformed value of ${key}`);
    seen.set(pair[0], pair[1]);
  }
  return [key, seen];
}

/** `learning`: the key's history is younger than the learning period; `known`: seen within the history window; `new`: not. */
export type Novelty = 'learning' | 'known' | 'new';

/** The persisted form of a `FirstSeenSet`. */
export interface FirstSeenJson {
  version: 1;
  historyMs: number;
  learningMs: number;
  maxValues: number;
  /** Per key: [key, first seen ms, [value, last seen ms][] least recently seen first]. */
  keys: [string, number, [string, number][]][];
}

/**
 * First-seen values per key (new_terms): a value is new for a key (a user, a token) when the key has
 * not used it within the history window; a key whose first event is younger than the learning period
 * reports `learning`, never `new`, so a new colleague's first fortnight raises nothing. A key is kept
 * after its values expire (its first-seen time ends the learning period for good): a dormant account
 * that wakes up is judged, not relearnt.
 */
export class FirstSeenSet {
  private readonly keys = new Map<string, { since: number; values: Map<string, number> }>();

  constructor(
    readonly historyMs: number,
    readonly learningMs: number,
    readonly maxValues: number,
    readonly maxKeys = DEFAULT_MAX_KEYS,
  ) {
    if (!isCount(historyMs) || historyMs < 1) throw new RangeError(`history must be a positive whole number of ms, not ${historyMs}`);
    if (!isCount(learningMs)) throw new RangeError(`learning period must be a whole number of ms, not ${learningMs}`);
    if (!Number.isInteger(maxValues) || maxValues < 1) throw new RangeError(`maxValues must be a positive integer, not ${maxValues}`);
  }

  get size(): number {
    return this.keys.size;
  }

  /** Whether `value` is new for `key` at `at`; then remembers it as seen at `at`. */
  observe(key: string, value: string, at: number): Novelty {
    const entry = this.keys.get(key) ?? { since: at, values: new Map<string, number>() };
    entry.since = Math.min(entry.since, at);
    const last = entry.values.get(value);
    const known = last !== undefined && last >= at - this.historyMs;
    entry.values.delete(value);
    entry.values.set(value, last === undefined ? at : Math.max(last, at));
    if (entry.values.size > this.maxValues) entry.values.delete(entry.values.keys().next().value as string);
    touch(this.keys, key, entry, this.maxKeys);
    if (at - entry.since < this.learningMs) return 'learning';
    return known ? 'known' : 'new';
  }

  /** Forgets values not seen within the history window ending at `at` (the keys stay). */
  prune(at: number): void {
    for (const { values } of this.keys.values()) for (const [value, last] of values) if (last < at - this.historyMs) values.delete(value);
  }

  toJSON(): FirstSeenJson {
    const keys = [...this.keys].map(([key, e]): [string, number, [string, number][]] => [key, e.since, [...e.values]]);
    return { version: 1, historyMs: this.historyMs, learningMs: this.learningMs, maxValues: this.maxValues, keys };
  }

  /** What `toJSON` wrote; throws on anything malformed. */
  static fromJSON(json: unknown, maxKeys = DEFAULT_MAX_KEYS): FirstSeenSet {
    if (!isObject(json) || json.version !== 1 || !Array.isArray(json.keys)) fail('not a first-seen set');
    const set = new FirstSeenSet(json.historyMs as number, json.learningMs as number, json.maxValues as number, maxKeys);
    for (const entry of json.keys) {
      const [key, since, pairs] = Array.isArray(entry) ? entry : [];
      if (!isTime(since)) fail('malformed first-seen key');
      const [, values] = readValues([key, pairs], set.maxValues);
      set.keys.set(key as string, { since, values });
    }
    return set;
  }
}
