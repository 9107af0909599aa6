import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../db/schema.js';

/**
 * Sign-in throttling per account and per client address: exponential back-off after repeated
 * failures (1 s, 2 s, 4 s … up to 15 min) and a hard cap of 100 failures per account per hour.
 * Accounts are keyed by the e-mail's blind index, so unknown addresses are throttled exactly like
 * known ones (no enumeration through throttling).
 */
type Db = Kysely<Database> | Transaction<Database>;

export interface ThrottleRule {
  /** Consecutive failures allowed before back-off starts. */
  freeFailures: number;
  /** Failures per rolling hour after which the key is locked until the hour ends. */
  hourlyCap: number;
}

export const accountRule: ThrottleRule = { freeFailures: 5, hourlyCap: 100 };
export const addressRule: ThrottleRule = { freeFailures: 20, hourlyCap: 1000 };
const MAX_BACKOFF_MS = 15 * 60_000;
const HOUR_MS = 3600_000;

/** Milliseconds until the key may try again (0 = now). */
export async function throttleDelay(db: Db, key: string, now: Date): Promise<number> {
  const row = await db.selectFrom('login_throttle').select('locked_until').where('key', '=', key).executeTakeFirst();
  if (!row?.locked_until) return 0;
  return Math.max(0, Date.parse(row.locked_until) - now.getTime());
}

export async function recordFailure(db: Db, key: string, rule: ThrottleRule, now: Date): Promise<void> {
  const row = await db.selectFrom('login_throttle').selectAll().where('key', '=', key).executeTakeFirst();
  const windowFresh = row && now.getTime() - Date.parse(row.window_start) < HOUR_MS;
  const failures = (windowFresh ? row.failures : 0) + 1;
  const consecutive = (row?.consecutive ?? 0) + 1;
  const windowStart = windowFresh ? row.window_start : now.toISOString();
  let lockedUntil: string | null = null;
  if (failures >= rule.hourlyCap) lockedUntil = new Date(Date.parse(windowStart) + HOUR_MS).toISOString();
  else if (consecutive > rule.freeFailures) {
    lockedUntil = new Date(now.getTime() + Math.min(MAX_BACKOFF_MS, 1000 * 2 ** (consecutive - rule.freeFailures - 1))).toISOString();
  }
  const values = { window_start: windowStart, failures, consecutive, locked_until: lockedUntil };
  if (row) await db.updateTable('login_throttle').set(values).where('key', '=', key).execute();
  else
    await db
      .insertInto('login_throttle')
      .values({ key, ...values })
      .execute();
}

/** A success clears the back-off, not the hourly count nor a lock imposed by the hourly cap. */
export async function recordSuccess(db: Db, key: string, rule: ThrottleRule = accountRule): Promise<void> {
  const row = await db.selectFrom('login_throttle').select(['failures']).where('key', '=', key).executeTakeFirst();
  if (!row) return;
  const capped = row.failures >= rule.hourlyCap;
  await db
    .updateTable('login_throttle')
    .set(capped ? { consecutive: 0 } : { consecutive: 0, locked_until: null })
    .where('key', '=', key)
    .execute();
}

/** Security admin: lift a lock. */
export async function unlock(db: Db, key: string): Promise<void> {
  await db.deleteFrom('login_throttle').where('key', '=', key).execute();
}
