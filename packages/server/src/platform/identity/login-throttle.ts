import { type Kysely, type RawBuilder, sql, type Transaction } from 'kysely';
import type { Database } from '../db/schema.js';
import { accountRule, backoffMs, backoffSteps, HOUR_MS, type ThrottleRule } from './throttle-rules.js';

export { accountRule, addressRule, secondFactorRule, type ThrottleRule } from './throttle-rules.js';

/**
 * Attempt throttling by key (an account's e-mail blind index, a client address, a user's second
 * factor): exponential back-off after repeated consecutive failures (1 s, 2 s, 4 s … up to 15 min)
 * and a cap of failures per hour after which the key is locked until that hour ends.
 *
 * Every change is ONE statement whose new values are computed by the database from the row as it is
 * (INSERT … ON CONFLICT DO UPDATE, or a conditional UPDATE), never read in JavaScript and written
 * back: parallel failures are each counted, and a claim is granted only while the key is not locked.
 * Times are ISO strings computed here from `now` and bound as parameters, so the same SQL runs on
 * SQLite and PostgreSQL.
 */
type Db = Kysely<Database> | Transaction<Database>;

/** Milliseconds until the key may try again (0 = now). A read for the answer's message; no decision rests on it alone. */
export async function throttleDelay(db: Db, key: string, now: Date): Promise<number> {
  const row = await db.selectFrom('login_throttle').select('locked_until').where('key', '=', key).executeTakeFirst();
  if (!row?.locked_until) return 0;
  return Math.max(0, Date.parse(row.locked_until) - now.getTime());
}

/** The lock that the `consecutive`-th failure imposes, as an SQL expression over the given count. */
function backoffLock(consecutive: RawBuilder<number>, rule: ThrottleRule, now: Date): RawBuilder<string | null> {
  const at = (ms: number) => new Date(now.getTime() + ms).toISOString();
  const steps = backoffSteps(rule);
  const last = steps[steps.length - 1] ?? 0;
  const whens = steps.slice(0, -1).map((ms, i) => sql`WHEN ${consecutive} = ${rule.freeFailures + 1 + i} THEN ${at(ms)}`);
  return sql<string | null>`CASE WHEN ${consecutive} <= ${rule.freeFailures} THEN NULL ${sql.join(whens, sql` `)} ELSE ${at(last)} END`;
}

/**
 * One failure more, as one upsert: a fresh row, or the existing row moved on. With `onlyIfUnlocked`
 * the existing row is moved on only while it is not locked (else the statement changes nothing).
 */
function failureUpsert(db: Db, key: string, rule: ThrottleRule, now: Date, onlyIfUnlocked: boolean) {
  const nowIso = now.toISOString();
  const newWindowEnd = new Date(now.getTime() + HOUR_MS).toISOString();
  const firstLock = rule.hourlyCap <= 1 ? newWindowEnd : backoffMs(1, rule) > 0 ? new Date(now.getTime() + backoffMs(1, rule)).toISOString() : null;
  // In DO UPDATE every `login_throttle.<column>` is the row as it was before this statement.
  const fresh = sql`login_throttle.window_end > ${nowIso}`;
  const failures = sql<number>`CASE WHEN ${fresh} THEN login_throttle.failures + 1 ELSE 1 END`;
  const windowEnd = sql<string>`CASE WHEN ${fresh} THEN login_throttle.window_end ELSE ${newWindowEnd} END`;
  const consecutive = sql<number>`login_throttle.consecutive + 1`;
  return db
    .insertInto('login_throttle')
    .values({ key, window_start: nowIso, window_end: newWindowEnd, failures: 1, consecutive: 1, locked_until: firstLock })
    .onConflict((oc) => {
      const update = oc.column('key').doUpdateSet({
        window_start: sql<string>`CASE WHEN ${fresh} THEN login_throttle.window_start ELSE ${nowIso} END`,
        window_end: windowEnd,
        failures,
        consecutive,
        locked_until: sql<string | null>`CASE WHEN ${failures} >= ${rule.hourlyCap} THEN ${windowEnd} ELSE ${backoffLock(consecutive, rule, now)} END`,
      });
      return onlyIfUnlocked ? update.where(sql<boolean>`login_throttle.locked_until IS NULL OR login_throttle.locked_until <= ${nowIso}`) : update;
    });
}

/** Counts a failure that has happened (password sign-in, password change). */
export async function recordFailure(db: Db, key: string, rule: ThrottleRule, now: Date): Promise<void> {
  await failureUpsert(db, key, rule, now, false).execute();
}

/**
 * Claims an attempt BEFORE its secret is checked: counts it as a failure in the same statement that
 * checks the key is not locked. Parallel claims are each counted, so no more get through than the
 * rule allows. A claim whose check then succeeds is handed back with `refundClaim`.
 */
export async function claimAttempt(db: Db, key: string, rule: ThrottleRule, now: Date): Promise<boolean> {
  const granted = await failureUpsert(db, key, rule, now, true).returning('key').executeTakeFirst();
  return granted !== undefined;
}

/** A success clears the back-off, not the hourly count nor a lock imposed by the hourly cap. */
export async function recordSuccess(db: Db, key: string, rule: ThrottleRule = accountRule): Promise<void> {
  await db
    .updateTable('login_throttle')
    .set({ consecutive: 0, locked_until: sql<string | null>`CASE WHEN failures >= ${rule.hourlyCap} THEN locked_until ELSE NULL END` })
    .where('key', '=', key)
    .execute();
}

/** A claimed attempt succeeded: it is not a failure after all, and the back-off is cleared. */
export async function refundClaim(db: Db, key: string, rule: ThrottleRule): Promise<void> {
  await db
    .updateTable('login_throttle')
    .set({
      consecutive: 0,
      failures: sql<number>`CASE WHEN failures > 0 THEN failures - 1 ELSE 0 END`,
      locked_until: sql<string | null>`CASE WHEN failures - 1 >= ${rule.hourlyCap} THEN locked_until ELSE NULL END`,
    })
    .where('key', '=', key)
    .execute();
}

/** Security admin: lift a lock. */
export async function unlock(db: Db, key: string): Promise<void> {
  await db.deleteFrom('login_throttle').where('key', '=', key).execute();
}
