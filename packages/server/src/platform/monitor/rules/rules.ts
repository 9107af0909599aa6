import { RULE_IDS, type RuleConfig, type RuleId } from './rule-config.js';
import type { RuleEvaluator, RuleFactory } from './rule-types.js';
import { bruteForceAccount, bruteForceAddress, sprayingAddress, stuffingSuccess } from './rules-auth.js';
import { massExport, massView, privilegeThenBulkRead, revealBurst, sensitiveAccess, slowEnumeration } from './rules-data.js';
import { firstSeenAddress, firstSeenDevice, offHours, tokenNewPlace } from './rules-novelty.js';

/**
 * Every rule's evaluator by id: the sign-in rules (rules-auth.ts), the personal-data rules
 * (rules-data.ts) and the novelty and off-hours rules (rules-novelty.ts).
 */
export const RULE_FACTORIES: { [R in RuleId]: RuleFactory<R> } = {
  'brute-force-account': bruteForceAccount,
  'brute-force-address': bruteForceAddress,
  'spraying-address': sprayingAddress,
  'stuffing-success': stuffingSuccess,
  'mass-view': massView,
  'mass-export': massExport,
  'reveal-burst': revealBurst,
  'slow-enumeration': slowEnumeration,
  'off-hours': offHours,
  'first-seen-address': firstSeenAddress,
  'first-seen-device': firstSeenDevice,
  'token-new-place': tokenNewPlace,
  'sensitive-access': sensitiveAccess,
  'privilege-then-bulk-read': privilegeThenBulkRead,
};

/**
 * The enabled rules of `config`, in catalogue order, each restored from its part of `saved` (keyed
 * by rule id). A rule whose saved window differs from the configured one starts afresh; a malformed
 * saved state throws, naming the rule, rather than judging from a corrupt history.
 */
export function createEvaluators(config: RuleConfig, saved: Record<string, unknown> = {}): RuleEvaluator[] {
  return RULE_IDS.filter((id) => config.rules[id].enabled).map((id) => {
    const part = saved[id];
    try {
      const factory = RULE_FACTORIES[id] as RuleFactory<RuleId>;
      return factory(config.rules[id], config, typeof part === 'object' && part !== null ? (part as Record<string, unknown>) : undefined);
    } catch (error) {
      throw new Error(`monitor rule state of ${id} is unreadable: ${(error as Error).message}`);
    }
  });
}
