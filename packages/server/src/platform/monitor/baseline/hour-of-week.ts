/**
 * Hour-of-week buckets and the incremental hourly counters the baselines read. Time is kept as a
 * *local hour index*: whole wall-clock hours since 1970-01-01 00:00 in the entity's time zone, so
 * "the same hour last week" is always 168 hours back and a gap is plain subtraction. A DST change
 * shows as a skipped local hour (observed as zero) in spring and as one local hour holding two real
 * hours in autumn; both are rare enough not to move a median.
 */

export const HOURS_PER_WEEK = 168;
export const DEFAULT_WEEKS_KEPT = 8;
/** Completed hours are kept as 16-bit counts; more than this in one hour is stored as this. */
export const MAX_STORED_COUNT = 0xffff;
const MS_PER_HOUR = 3_600_000;
/** 1970-01-01 was a Thursday: local day 0 is weekday 3 when Monday is 0. */
const EPOCH_WEEKDAY = 3;

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      calendar: 'gregory',
      numberingSystem: 'latn',
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/**
 * Whole wall-clock hours since 1970-01-01 00:00 in `timeZone` (an IANA name; RangeError if unknown)
 * at the instant `at`. The counters are keyed by this number.
 */
export function localHourIndex(at: Date | number, timeZone: string): number {
  const parts: Record<string, number> = {};
  for (const part of formatterFor(timeZone).formatToParts(at)) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  const { year = Number.NaN, month = Number.NaN, day = Number.NaN, hour = Number.NaN } = parts;
  return Date.UTC(year, month - 1, day, hour % 24) / MS_PER_HOUR;
}

/** The hour-of-week slot (0..167, Monday 00:00–00:59 = 0, Sunday 23:00–23:59 = 167) of a local hour index. */
export function hourOfWeekOfLocalHour(localHour: number): number {
  const day = Math.floor(localHour / 24);
  return mod(day + EPOCH_WEEKDAY, 7) * 24 + mod(localHour, 24);
}

/** The hour-of-week slot (0..167, Monday 00:00 = 0) of the instant `at` as a clock in `timeZone` shows it. */
export function hourOfWeek(at: Date | number, timeZone: string): number {
  return hourOfWeekOfLocalHour(localHourIndex(at, timeZone));
}

function mod(n: number, m: number): number {
  return ((n % m) + m) % m;
}

interface FeatureCounts {
  /** Count of the open hour (not yet part of the history). */
  current: number;
  /** Completed hours, the count of local hour h at position h mod ring length. */
  ring: Uint16Array;
}

interface EntityCounts {
  /** First local hour observed: earlier hours are unknown, not zero. */
  since: number;
  /** The open hour: every earlier retained hour is closed, and later ones have had no event yet. */
  hour: number;
  /** A feature with no entry counted zero in every retained hour. */
  features: Map<string, FeatureCounts>;
}

/**
 * The persisted form: ids, feature names and counts only, never a personal value. `counts` is the
 * ring of completed hours (position = local hour mod 168·weeks) with each run of n zeros written as −n.
 */
export interface HourOfWeekCountersJson {
  version: 1;
  weeks: number;
  entities: { id: string; since: number; hour: number; features: { name: string; current: number; counts: number[] }[] }[];
}

/**
 * Per entity (a user id) per feature (`reads`, `exports` …): the count of the open hour and the last
 * `weeks` completed counts of every hour-of-week slot. An hour with no event is an observation of
 * zero; zeros are written only when an entity's clock moves forward, with a typed-array fill capped
 * at the retained window, so a gap of months costs no more than one of `weeks` weeks. About 2.7 KB
 * per entity × feature at 8 weeks; a feature whose whole window is zero is dropped.
 */
export class HourOfWeekCounters {
  private readonly entities = new Map<string, EntityCounts>();
  private readonly ringLength: number;

  constructor(readonly weeks = DEFAULT_WEEKS_KEPT) {
    if (!Number.isInteger(weeks) || weeks < 1 || weeks > 520) throw new RangeError(`weeks kept must be an integer 1..520, not ${weeks}`);
    this.ringLength = HOURS_PER_WEEK * weeks;
  }

  /** Ids of the entities counted. */
  entityIds(): string[] {
    return [...this.entities.keys()];
  }

  /** Feature names with a non-zero count in the retained window of `entityId`. */
  featureNames(entityId: string): string[] {
    return [...(this.entities.get(entityId)?.features.keys() ?? [])];
  }

  /** The open local hour of `entityId` (its latest), or undefined if never seen. */
  openHour(entityId: string): number | undefined {
    return this.entities.get(entityId)?.hour;
  }

  /**
   * Counts `amount` events of `feature` in `localHour`. A later hour first closes the open one (and
   * every hour between, as zeros); an earlier one still retained is added where it belongs (late
   * events). Returns false for an hour older than the retained window, which is not counted.
   */
  record(entityId: string, feature: string, localHour: number, amount = 1): boolean {
    if (!Number.isSafeInteger(localHour)) throw new RangeError(`local hour must be an integer, not ${localHour}`);
    if (!Number.isSafeInteger(amount) || amount < 0) throw new RangeError(`amount must be a non-negative integer, not ${amount}`);
    let entity = this.entities.get(entityId);
    if (!entity) {
      entity = { since: localHour, hour: localHour, features: new Map() };
      this.entities.set(entityId, entity);
    }
    if (localHour > entity.hour) this.closeHoursOf(entity, localHour);
    if (localHour < entity.hour - this.ringLength) return false;
    entity.since = Math.min(entity.since, localHour);
    let counts = entity.features.get(feature);
    if (!counts) {
      counts = { current: 0, ring: new Uint16Array(this.ringLength) };
      entity.features.set(feature, counts);
    }
    if (localHour === entity.hour) counts.current += amount;
    else {
      const at = mod(localHour, this.ringLength);
      counts.ring[at] = Math.min(MAX_STORED_COUNT, (counts.ring[at] ?? 0) + amount);
    }
    return true;
  }

  /** Closes every hour of `entityId` before `localHour` (the hours with no event as zeros); `localHour` becomes the open hour. */
  advance(entityId: string, localHour: number): void {
    const entity = this.entities.get(entityId);
    if (entity && localHour > entity.hour) this.closeHoursOf(entity, localHour);
  }

  /** `advance` for every entity: the hourly tick, so the persisted form holds no stale open hour. */
  advanceAll(localHour: number): void {
    for (const entity of this.entities.values()) if (localHour > entity.hour) this.closeHoursOf(entity, localHour);
  }

  /**
   * The count of `feature` in `localHour`: the open hour's running count, 0 for an hour after it,
   * undefined for an hour before the entity was first seen or no longer retained.
   */
  countAt(entityId: string, feature: string, localHour: number): number | undefined {
    const entity = this.entities.get(entityId);
    if (!entity || localHour < entity.since || localHour < entity.hour - this.ringLength) return undefined;
    if (localHour > entity.hour) return 0;
    const counts = entity.features.get(feature);
    if (!counts) return 0;
    return localHour === entity.hour ? counts.current : (counts.ring[mod(localHour, this.ringLength)] ?? 0);
  }

  /**
   * The completed counts of `feature` in hour-of-week `slot` before `asOfHour` (default: the open
   * hour), oldest first, at most `weeks` of them and none from before the entity was first seen.
   */
  history(entityId: string, feature: string, slot: number, asOfHour?: number): number[] {
    const asOf = asOfHour ?? this.entities.get(entityId)?.hour;
    if (asOf === undefined) return [];
    const latest = asOf - 1 - mod(hourOfWeekOfLocalHour(asOf - 1) - slot, HOURS_PER_WEEK);
    const counts: number[] = [];
    for (let week = 0; week < this.weeks; week++) {
      const count = this.countAt(entityId, feature, latest - week * HOURS_PER_WEEK);
      if (count === undefined) break;
      counts.push(count);
    }
    return counts.reverse();
  }

  private closeHoursOf(entity: EntityCounts, localHour: number): void {
    const elapsed = localHour - entity.hour;
    for (const [name, counts] of entity.features) {
      if (elapsed > this.ringLength) {
        entity.features.delete(name);
        continue;
      }
      counts.ring[mod(entity.hour, this.ringLength)] = Math.min(MAX_STORED_COUNT, counts.current);
      counts.current = 0;
      this.fillZeros(counts.ring, entity.hour + 1, elapsed - 1);
    }
    entity.hour = localHour;
  }

  private fillZeros(ring: Uint16Array, fromHour: number, hours: number): void {
    const start = mod(fromHour, this.ringLength);
    const end = start + hours;
    ring.fill(0, start, Math.min(end, this.ringLength));
    if (end > this.ringLength) ring.fill(0, 0, end - this.ringLength);
  }

  toJSON(): HourOfWeekCountersJson {
    return {
      version: 1,
      weeks: this.weeks,
      entities: [...this.entities].map(([id, e]) => ({
        id,
        since: e.since,
        hour: e.hour,
        features: [...e.features].map(([name, f]) => ({ name, current: f.current, counts: encodeZeroRuns(f.ring) })),
      })),
    };
  }

  /** Reads what `toJSON` wrote (after `JSON.parse`); throws on anything malformed rather than counting from a corrupt state. */
  static fromJSON(json: unknown): HourOfWeekCounters {
    const data = json as Partial<HourOfWeekCountersJson> | null;
    if (data?.version !== 1 || !Number.isInteger(data.weeks) || !Array.isArray(data.entities)) throw new Error('not hour-of-week counters (version 1)');
    const counters = new HourOfWeekCounters(data.weeks);
    for (const e of data.entities) {
      const valid = typeof e?.id === 'string' && isCount(e.hour - e.since) && Number.isSafeInteger(e.since) && Array.isArray(e.features);
      if (!valid || counters.entities.has(e.id)) throw new Error(`hour-of-week counters: malformed or repeated entity ${String(e?.id)}`);
      const features = new Map<string, FeatureCounts>();
      for (const f of e.features) {
        if (typeof f?.name !== 'string' || !isCount(f.current) || features.has(f.name)) throw new Error(`hour-of-week counters: malformed feature of ${e.id}`);
        features.set(f.name, { current: f.current, ring: decodeZeroRuns(f.counts, counters.ringLength) });
      }
      counters.entities.set(e.id, { since: e.since, hour: e.hour, features });
    }
    return counters;
  }
}

function isCount(n: unknown): n is number {
  return Number.isSafeInteger(n) && (n as number) >= 0;
}

function encodeZeroRuns(ring: Uint16Array): number[] {
  const out: number[] = [];
  let zeros = 0;
  for (const count of ring) {
    if (count === 0) zeros++;
    else {
      if (zeros > 0) out.push(-zeros);
      zeros = 0;
      out.push(count);
    }
  }
  if (zeros > 0) out.push(-zeros);
  return out;
}

function decodeZeroRuns(encoded: unknown, length: number): Uint16Array {
  if (!Array.isArray(encoded)) throw new Error('hour-of-week counters: counts are not an array');
  const ring = new Uint16Array(length);
  let at = 0;
  for (const n of encoded) {
    if (!Number.isSafeInteger(n) || n === 0 || n > MAX_STORED_COUNT) throw new Error(`hour-of-week counters: bad count ${n}`);
    if (n > 0) ring[at++] = n;
    else at -= n;
    if (at > length) break;
  }
  if (at !== length) throw new Error(`hour-of-week counters: counts cover ${at} hours, not ${length}`);
  return ring;
}
