/**
 * The rules of the attempt throttles (pure): how many consecutive failures are free, how long the
 * back-off after that lasts, and the hourly cap after which a key is locked until its hour ends.
 * Used for sign-in passwords (per account and per client address) and for second factors (per user).
 */
export interface ThrottleRule {
  /** Consecutive failures allowed before back-off starts. */
  freeFailures: number;
  /** Failures per hour (the hour starts at the first failure) after which the key is locked until the hour ends. */
  hourlyCap: number;
}

/** Password sign-in per account (keyed by the e-mail's blind index, known or not). */
export const accountRule: ThrottleRule = { freeFailures: 5, hourlyCap: 100 };
/** Password sign-in per client address. */
export const addressRule: ThrottleRule = { freeFailures: 20, hourlyCap: 1000 };
/** Second factors per user: TOTP, recovery codes and passkeys, at sign-in and at step-up, share it. */
export const secondFactorRule: ThrottleRule = { freeFailures: 5, hourlyCap: 10 };

export const FIRST_BACKOFF_MS = 1000;
export const MAX_BACKOFF_MS = 15 * 60_000;
export const HOUR_MS = 3600_000;

/** Back-off imposed by the `consecutive`-th consecutive failure: 0 while free, then 1 s doubling up to 15 min. */
export function backoffMs(consecutive: number, rule: ThrottleRule): number {
  const beyond = consecutive - rule.freeFailures;
  if (beyond <= 0) return 0;
  return Math.min(MAX_BACKOFF_MS, FIRST_BACKOFF_MS * 2 ** Math.min(beyond - 1, 30));
}

/**
 * The distinct back-off steps, for building the lock expression in SQL: step i applies to the
 * (freeFailures + 1 + i)-th consecutive failure; the last step applies to every later one too.
 */
export function backoffSteps(rule: ThrottleRule): number[] {
  const steps: number[] = [];
  for (let consecutive = rule.freeFailures + 1; ; consecutive++) {
    const ms = backoffMs(consecutive, rule);
    steps.push(ms);
    if (ms >= MAX_BACKOFF_MS) return steps;
  }
}
