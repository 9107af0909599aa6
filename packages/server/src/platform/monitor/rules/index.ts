/**
 * The detection rules of the monitor (issue 12): normalized audit events, the rule catalogue and its
 * configuration, bounded sliding windows, one evaluator per rule and the engine that suppresses and
 * persists. Pure: no database, no clock, no personal values — ids, pseudonyms and counts only.
 */
export { type Alert, createRuleEngine, type EngineStats, type RuleEngine, type RuleEngineState } from './engine.js';
export { fromAuditJson, isSkipped, type MonitorEvent, type PrivilegeChange, type SensitiveFlag, type SkippedLine } from './monitor-event.js';
export {
  DEFAULT_SUPPRESSION_MINUTES,
  DEFAULT_TIME_ZONE,
  defaultRuleConfig,
  type EntityKind,
  RULE_CATALOGUE,
  RULE_IDS,
  type RuleConfig,
  type RuleConfigResult,
  type RuleId,
  type RuleParams,
  type RuleSettings,
  ruleSettingsFile,
  validateRuleConfig,
} from './rule-config.js';
export { type AlertEntity, type Evidence, escalated, type Finding, type RuleEvaluator, type RuleFactory } from './rule-types.js';
export { createEvaluators, RULE_FACTORIES } from './rules.js';
export { isSearchMiss } from './rules-data.js';
export {
  DEFAULT_BUCKETS,
  DEFAULT_MAX_KEYS,
  DistinctWindow,
  type DistinctWindowJson,
  type FirstSeenJson,
  FirstSeenSet,
  type Novelty,
  WindowCounter,
  type WindowCounterJson,
} from './windows.js';
