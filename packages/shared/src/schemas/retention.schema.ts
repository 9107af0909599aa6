import { z } from 'zod';
import { retentionActions, retentionPurposes, retentionTriggers } from '../retention/retention-rule.policy.js';
import { idSchema } from './common.schema.js';

/**
 * Request and response shapes of /api/v1/retention (they appear in OpenAPI). The body's object,
 * purpose, action, trigger and days are checked by the retention policy, which names every problem
 * with its own code (422 retention_rule_invalid) rather than a bare schema failure.
 */
const word = z.string().max(64);

export const retentionRuleCreate = z
  .object({
    object: word.describe('A catalogue object holding personal data (GET /api/v1/retention/objects)'),
    purpose: word.describe(`One of ${retentionPurposes.join(', ')}`),
    action: word.describe(`One of ${retentionActions.join(', ')}`),
    trigger: word.describe(`One of ${retentionTriggers.join(', ')}`),
    days: z.number().describe('Whole days, 1 to 36500'),
    enabled: z.boolean().default(false),
  })
  .strict();

export const retentionRulePatch = z
  .object({
    action: word.optional(),
    trigger: word.optional(),
    days: z.number().optional(),
    enabled: z.boolean().optional(),
    version: z.number().int().min(1).describe('The version the change was made against (optimistic lock)'),
  })
  .strict();

export const retentionRuleView = z.object({
  id: idSchema,
  object: z.string(),
  purpose: z.string(),
  action: z.enum(retentionActions),
  trigger: z.enum(retentionTriggers),
  days: z.number().int(),
  enabled: z.boolean(),
  version: z.number().int(),
  updatedAt: z.string(),
  updatedBy: z.string().nullable(),
});
export const retentionRuleList = z.object({ items: z.array(retentionRuleView) });

export const retentionRuleVersion = z.object({
  version: z.number().int(),
  action: z.string(),
  trigger: z.string(),
  days: z.number().int(),
  enabled: z.boolean(),
  deleted: z.boolean(),
  changedAt: z.string(),
  changedBy: z.string().nullable(),
});
export const retentionRuleHistory = z.object({ items: z.array(retentionRuleVersion) });

export const retentionObjectList = z.object({
  items: z.array(z.object({ object: z.string(), contractEnd: z.string().nullable(), purposeFiltered: z.boolean() })),
  purposes: z.array(z.string()),
});

export const retentionRunBody = z.object({ dryRun: z.boolean().default(true) }).strict();

export const retentionRuleCounts = z.object({
  ruleId: z.string(),
  ruleVersion: z.number().int(),
  object: z.string(),
  purpose: z.string(),
  action: z.string(),
  trigger: z.string(),
  days: z.number().int(),
  cutoff: z.string(),
  due: z.number().int(),
  removed: z.number().int(),
  anonymised: z.number().int(),
  held: z.number().int(),
  heldByReason: z.record(z.string(), z.number().int()),
  restricted: z.number().int(),
  referenced: z.number().int(),
  done: z.boolean(),
});

export const retentionRunView = z.object({
  id: idSchema,
  kind: z.enum(['scheduled', 'manual']),
  dryRun: z.boolean(),
  state: z.enum(['running', 'finished', 'failed']),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
  startedBy: z.string().nullable(),
  rules: z.array(retentionRuleCounts),
  certificate: z.boolean(),
});
export const retentionRunList = z.object({ items: z.array(retentionRunView) });

export const retentionVerifyResult = z.object({
  valid: z.boolean(),
  reason: z.string(),
  keyId: z.string().nullable(),
  runId: z.string().nullable(),
});
