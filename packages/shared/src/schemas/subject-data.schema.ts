import { z } from 'zod';
import { idSchema } from './common.schema.js';

/** Data-subject rights for privacy officers: access packages, erasure, restriction, legal holds. */
export const subjectParams = z.object({ subjectId: idSchema }).strict();
export const subjectHoldParams = z.object({ subjectId: idSchema, holdId: idSchema }).strict();
export const accessPackageParams = z.object({ token: z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'must be a download token') }).strict();

export const restrictionReasonCodes = ['accuracy_contested', 'unlawful_processing', 'legal_claims', 'objection_pending', 'subject_request'] as const;
export const legalHoldReasonCodes = ['litigation', 'tax_retention', 'regulator_order', 'fraud_investigation', 'contract_claims'] as const;

const requestId = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_-]+$/, 'must be a request reference')
  .optional();

export const accessPackageBody = z.object({ format: z.enum(['json', 'csv']).default('json'), requestId }).strict();
export const accessPackageCreated = z.object({
  passphrase: z.string(),
  token: z.string(),
  downloadPath: z.string(),
  portalPath: z.string().describe('The page for the person: /privacy/package#token=… (the token stays in the fragment, never sent to a server log)'),
  expiresAt: z.string(),
  bytes: z.number().int(),
});

export const erasureBody = z.object({ confirm: z.literal('ERASE', { message: 'type ERASE to confirm' }), requestId }).strict();
export const erasureView = z.object({
  id: z.string(),
  status: z.enum(['running', 'done']),
  stepsDone: z.array(z.string()),
  heldRecords: z.number().int(),
});

export const restrictionBody = z.object({ restricted: z.boolean(), reason: z.enum(restrictionReasonCodes), requestId }).strict();
export const restrictionView = z.object({ restricted: z.boolean(), changed: z.boolean() });

export const legalHoldBody = z
  .object({
    table: z
      .string()
      .min(1)
      .max(64)
      .regex(/^[a-z_]+$/),
    rowId: z.string().min(1).max(200),
    reason: z.enum(legalHoldReasonCodes),
    note: z.string().max(2000).optional(),
  })
  .strict();
export const legalHoldView = z.object({ id: z.string(), table: z.string(), rowId: z.string(), reason: z.string(), placedAt: z.string() });

export const subjectStatusView = z.object({
  subjectId: z.string(),
  erased: z.boolean(),
  restricted: z.boolean(),
  erasure: erasureView.nullable(),
  legalHolds: z.array(legalHoldView),
});
