import type { MonitorEvent } from './monitor-event.js';
import { RULE_CATALOGUE } from './rule-config.js';
import { escalated, type Finding, isSignInFailure, isSignInSuccess, MS_PER_MINUTE, type RuleFactory, restoreCounter, restoreDistinct } from './rule-types.js';
import type { WindowCounter } from './windows.js';

/**
 * Sign-in rules (Sigma event_count / value_count, then a temporal follow-up): guessing one account,
 * guessing from one address, spraying many accounts from one address, and a success from an address
 * that has just failed on many accounts. A failure is `auth.login.failed` or `auth.login.throttled`
 * (an attempt the throttle refused is still an attempt). Address rules also require failures to be at
 * least `minFailureShare` of the address's sign-ins, so an office NAT with a few typos never fires.
 */

/** failures / (failures + successes), 0 with neither. */
function failureShare(failures: number, successes: number): number {
  return failures + successes === 0 ? 0 : failures / (failures + successes);
}

const round2 = (n: number): number => Math.round(n * 100) / 100;

/** Per address, successful sign-ins in the window: the denominator of the failure share. */
function countSuccess(successes: WindowCounter, event: MonitorEvent): void {
  if (event.address && isSignInSuccess(event)) successes.add(event.address, event.at);
}

/** `brute-force-account`: at least `failures` failed sign-ins on one account in the window. */
export const bruteForceAccount: RuleFactory<'brute-force-account'> = ({ params }, _config, saved) => {
  const failures = restoreCounter(saved?.failures, params.windowMinutes * MS_PER_MINUTE);
  const base = RULE_CATALOGUE['brute-force-account'].basePriority;
  return {
    id: 'brute-force-account',
    evaluate(event): Finding | undefined {
      if (!isSignInFailure(event) || !event.accountKey) return undefined;
      const n = failures.add(event.accountKey, event.at);
      if (n < params.failures) return undefined;
      return {
        entity: { kind: 'account', id: event.accountKey },
        priority: escalated(base, n, params.failures),
        evidence: { failures: n, threshold: params.failures, windowMinutes: params.windowMinutes, lastAddress: event.address },
      };
    },
    prune: (at) => failures.prune(at),
    toJSON: () => ({ failures: failures.toJSON() }),
  };
};

/** `brute-force-address`: at least `failures` failed sign-ins from one address (any accounts, unknown ones too). */
export const bruteForceAddress: RuleFactory<'brute-force-address'> = ({ params }, _config, saved) => {
  const windowMs = params.windowMinutes * MS_PER_MINUTE;
  const failures = restoreCounter(saved?.failures, windowMs);
  const successes = restoreCounter(saved?.successes, windowMs);
  const base = RULE_CATALOGUE['brute-force-address'].basePriority;
  return {
    id: 'brute-force-address',
    evaluate(event): Finding | undefined {
      countSuccess(successes, event);
      if (!isSignInFailure(event) || !event.address) return undefined;
      const n = failures.add(event.address, event.at);
      const ok = successes.count(event.address, event.at);
      const share = failureShare(n, ok);
      if (n < params.failures || share < params.minFailureShare) return undefined;
      return {
        entity: { kind: 'address', id: event.address },
        priority: escalated(base, n, params.failures),
        evidence: { failures: n, successes: ok, failureShare: round2(share), threshold: params.failures, windowMinutes: params.windowMinutes },
      };
    },
    prune(at) {
      failures.prune(at);
      successes.prune(at);
    },
    toJSON: () => ({ failures: failures.toJSON(), successes: successes.toJSON() }),
  };
};

/** `spraying-address`: failed sign-ins on at least `accounts` distinct accounts from one address. */
export const sprayingAddress: RuleFactory<'spraying-address'> = ({ params }, _config, saved) => {
  const windowMs = params.windowMinutes * MS_PER_MINUTE;
  const accounts = restoreDistinct(saved?.accounts, windowMs, params.accounts);
  const failures = restoreCounter(saved?.failures, windowMs);
  const successes = restoreCounter(saved?.successes, windowMs);
  const base = RULE_CATALOGUE['spraying-address'].basePriority;
  return {
    id: 'spraying-address',
    evaluate(event): Finding | undefined {
      countSuccess(successes, event);
      if (!isSignInFailure(event) || !event.address) return undefined;
      const failed = failures.add(event.address, event.at);
      if (!event.accountKey) return undefined;
      const n = accounts.add(event.address, [event.accountKey], event.at);
      const ok = successes.count(event.address, event.at);
      const share = failureShare(failed, ok);
      if (n < params.accounts || share < params.minFailureShare) return undefined;
      return {
        entity: { kind: 'address', id: event.address },
        priority: escalated(base, failed, params.accounts),
        evidence: {
          accounts: n,
          failures: failed,
          successes: ok,
          failureShare: round2(share),
          threshold: params.accounts,
          windowMinutes: params.windowMinutes,
        },
      };
    },
    prune(at) {
      accounts.prune(at);
      failures.prune(at);
      successes.prune(at);
    },
    toJSON: () => ({ accounts: accounts.toJSON(), failures: failures.toJSON(), successes: successes.toJSON() }),
  };
};

/**
 * `stuffing-success`: a right password from an address that, in the window before, failed at least
 * `failures` times on at least `accounts` distinct accounts. The alert is about the user who got in.
 */
export const stuffingSuccess: RuleFactory<'stuffing-success'> = ({ params }, _config, saved) => {
  const windowMs = params.windowMinutes * MS_PER_MINUTE;
  const accounts = restoreDistinct(saved?.accounts, windowMs, params.accounts);
  const failures = restoreCounter(saved?.failures, windowMs);
  const successes = restoreCounter(saved?.successes, windowMs);
  const base = RULE_CATALOGUE['stuffing-success'].basePriority;
  return {
    id: 'stuffing-success',
    evaluate(event): Finding | undefined {
      if (!event.address) return undefined;
      if (isSignInFailure(event)) {
        failures.add(event.address, event.at);
        if (event.accountKey) accounts.add(event.address, [event.accountKey], event.at);
        return undefined;
      }
      if (!isSignInSuccess(event) || !event.accountKey) return undefined;
      const ok = successes.add(event.address, event.at);
      const failed = failures.count(event.address, event.at);
      const distinct = accounts.count(event.address, event.at);
      const share = failureShare(failed, ok);
      if (failed < params.failures || distinct < params.accounts || share < params.minFailureShare) return undefined;
      return {
        entity: { kind: 'user', id: event.accountKey },
        priority: escalated(base, failed, params.failures),
        evidence: {
          failures: failed,
          accounts: distinct,
          successes: ok,
          failureShare: round2(share),
          address: event.address,
          windowMinutes: params.windowMinutes,
        },
      };
    },
    prune(at) {
      accounts.prune(at);
      failures.prune(at);
      successes.prune(at);
    },
    toJSON: () => ({ accounts: accounts.toJSON(), failures: failures.toJSON(), successes: successes.toJSON() }),
  };
};
