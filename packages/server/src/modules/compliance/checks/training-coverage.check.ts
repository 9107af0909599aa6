import { type CheckOutcome, failing } from '../compliance-check.js';

/**
 * Staff security training (SPEC 2.9) is not built yet: no completion is recorded, so no coverage can
 * be shown. FAILING until the training issue replaces this file with the rule over its records.
 */
export function trainingCoverage(): CheckOutcome {
  return failing('no training recorded: staff security training is not part of this version', { trainedAccounts: null, evidence: 'no training recorded' });
}
