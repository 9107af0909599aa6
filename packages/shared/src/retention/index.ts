export * from './retention-rule.policy.js';
