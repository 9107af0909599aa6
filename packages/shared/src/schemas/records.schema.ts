import { z } from 'zod';
import { idSchema } from './common.schema.js';

/**
 * Request and response shapes of the records of processing (they appear in OpenAPI):
 * /api/v1/processing-records (controller, RoPA versions), /api/v1/pipias, /api/v1/transfers.
 * Personal values (the controller's contact, the DPO, assessors' findings) are `null` for a caller
 * who may only read the records (the auditor).
 */
const text = (max: number) => z.string().trim().max(max);
const countryCode = z
  .string()
  .trim()
  .regex(/^[A-Za-z]{2}$/, 'must be an ISO 3166-1 alpha-2 country code')
  .transform((c) => c.toUpperCase());
const calendarDate = z.iso.date({ message: 'must be a date YYYY-MM-DD' });
const bilingual = z.object({ en: z.string(), zh: z.string() });

export const recordsMechanisms = ['standard_contract', 'certification', 'security_assessment'] as const;
export const recordsTransferStatuses = ['planned', 'active', 'suspended', 'ended'] as const;
export const pipiaStatuses = ['draft', 'approved'] as const;
export const transferFlags = ['no_pipia', 'pipia_not_approved', 'pipia_outdated', 'pipia_uncovered'] as const;

export const controllerUpdate = z
  .object({
    name: text(200).min(1),
    country: countryCode,
    contact: text(1000).nullable().optional(),
    dpo: text(1000).nullable().optional(),
  })
  .strict();

export const controllerView = z.object({
  name: z.string(),
  country: z.string(),
  revision: z.number().int(),
  updatedAt: z.string().nullable(),
  /** Contact and DPO, for holders of records.manage; null otherwise. */
  personal: z.object({ contact: z.string().nullable(), dpo: z.string().nullable() }).nullable(),
});

const activityField = z.object({
  field: z.string(),
  classification: z.enum(['public', 'internal', 'personal', 'sensitive']),
  piCategory: z.string(),
  measures: z.array(z.enum(['encrypted_at_rest', 'blind_index', 'masked'])),
});
const category = z.object({ category: z.string(), sensitive: z.boolean() });
const recipient = z.object({
  transferId: z.string(),
  recipient: z.string(),
  country: z.string(),
  crossBorder: z.boolean(),
  mechanism: z.enum(recordsMechanisms).nullable(),
  categories: z.array(z.string()),
  status: z.enum(recordsTransferStatuses),
});

export const ropaActivity = z.object({
  key: z.string(),
  declared: z.boolean(),
  purpose: bilingual.nullable(),
  subjects: z.array(z.string()),
  lawfulBases: z.array(z.string()),
  objects: z.array(z.string()),
  fields: z.array(activityField),
  categories: z.array(category),
  sensitive: z.boolean(),
  automatedDecision: z.boolean(),
  consentPurposes: z.array(z.string()),
  recipients: z.array(recipient),
  /** The retention rules that apply (empty: no rule). */
  retention: z.array(z.string()),
  pipiaTriggers: z.array(z.string()),
});

/** The processing activities as the catalogue gives them now (for the transfer form). */
export const activityList = z.object({
  items: z.array(z.object({ key: z.string(), purpose: bilingual.nullable(), categories: z.array(category), sensitive: z.boolean() })),
});

export const ropaContent = z.object({
  format: z.literal('castellan.ropa/1'),
  controller: z.object({ name: z.string(), country: z.string(), revision: z.number().int() }),
  activities: z.array(ropaActivity),
  securityMeasures: z.array(bilingual),
  retentionRegister: z.enum(['present', 'absent']),
  catalogueFingerprint: z.string(),
});

export const ropaVersionSummary = z.object({
  id: z.string(),
  number: z.number().int(),
  createdAt: z.string(),
  createdBy: z.string().nullable(),
  contentHash: z.string(),
  catalogueFingerprint: z.string(),
  outdated: z.boolean(),
  latest: z.boolean(),
});
export const ropaVersionList = z.object({ items: z.array(ropaVersionSummary), currentFingerprint: z.string() });
export const ropaVersionView = ropaVersionSummary.extend({
  content: ropaContent,
  /** The controller's contact and DPO as they were at generation, for holders of records.manage. */
  controllerPersonal: z.object({ contact: z.string().nullable(), dpo: z.string().nullable() }).nullable(),
});
export const ropaGenerated = z.object({ created: z.boolean(), version: ropaVersionView });
export const ropaNumberParams = z.object({ number: z.coerce.number().int().min(1).max(1_000_000) }).strict();
export const ropaExportQuery = z.object({ format: z.enum(['json', 'csv', 'html']).default('json') }).strict();

export const pipiaContent = z.object({
  format: z.literal('castellan.pipia/1'),
  activity: z.string(),
  purpose: bilingual.nullable(),
  triggers: z.array(z.string()),
  articles: z.array(z.string()),
  subjects: z.array(z.string()),
  lawfulBases: z.array(z.string()),
  fields: z.array(activityField),
  categories: z.array(category),
  consentPurposes: z.array(z.string()),
  recipients: z.array(recipient),
  /** What the report must assess (PIPL Art. 56). */
  questions: z.array(bilingual),
  catalogueFingerprint: z.string(),
});

export const pipiaVersionView = z.object({
  version: z.number().int(),
  status: z.enum(pipiaStatuses),
  contentHash: z.string(),
  catalogueFingerprint: z.string(),
  outdated: z.boolean(),
  createdAt: z.string(),
  createdBy: z.string().nullable(),
  approvedAt: z.string().nullable(),
  approvedBy: z.string().nullable(),
  content: pipiaContent,
  hasFindings: z.boolean(),
  /** The assessor's findings, for holders of records.manage; null otherwise. */
  findings: z.string().nullable(),
});

export const pipiaSummary = z.object({
  id: z.string(),
  activity: z.string(),
  createdAt: z.string(),
  status: z.enum(pipiaStatuses),
  latestVersion: z.number().int(),
  approvedVersion: z.number().int().nullable(),
  outdated: z.boolean(),
  /** Triggers the activity has now that the approved version does not assess. */
  uncovered: z.array(z.string()),
  current: z.boolean(),
  retainedUntil: z.string(),
});
export const pipiaList = z.object({ items: z.array(pipiaSummary) });
export const pipiaView = pipiaSummary.extend({ versions: z.array(pipiaVersionView) });
export const pipiaCreate = z.object({ activity: z.string().trim().min(1).max(100) }).strict();
export const pipiaFindings = z.object({ findings: text(20_000).min(1) }).strict();
export const pipiaRequirementList = z.object({
  items: z.array(
    z.object({
      activity: z.string(),
      triggers: z.array(z.string()),
      articles: z.array(z.string()),
      pipiaId: z.string().nullable(),
      state: z.enum(['missing', 'draft', 'outdated', 'uncovered', 'current']),
    }),
  ),
});

const transferFields = {
  recipient: text(200).min(2),
  country: countryCode,
  mechanism: z.enum(recordsMechanisms).nullable(),
  categories: z.array(z.string().regex(/^[a-z_]{2,40}$/, 'must be a PI category of the field catalogue')).max(20),
  activity: z.string().trim().min(1).max(100),
  subjectsPerYear: z.number().int().min(0).max(10_000_000_000),
  startDate: calendarDate,
  pipiaId: idSchema.nullable(),
  status: z.enum(recordsTransferStatuses),
};
export const transferCreate = z
  .object({
    ...transferFields,
    mechanism: transferFields.mechanism.default(null),
    pipiaId: transferFields.pipiaId.default(null),
    status: transferFields.status.default('planned'),
  })
  .strict();
export const transferPatch = z.object(transferFields).partial().strict();
export const transferView = z.object({
  id: z.string(),
  recipient: z.string(),
  country: z.string(),
  crossBorder: z.boolean(),
  mechanism: z.enum(recordsMechanisms).nullable(),
  categories: z.array(z.string()),
  activity: z.string(),
  subjectsPerYear: z.number().int(),
  startDate: z.string(),
  pipiaId: z.string().nullable(),
  status: z.enum(recordsTransferStatuses),
  flags: z.array(z.enum(transferFlags)),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export const transferList = z.object({ items: z.array(transferView) });

export type ControllerUpdate = z.infer<typeof controllerUpdate>;
export type ControllerView = z.infer<typeof controllerView>;
export type RopaActivity = z.infer<typeof ropaActivity>;
export type RopaContent = z.infer<typeof ropaContent>;
export type RopaVersionSummary = z.infer<typeof ropaVersionSummary>;
export type RopaVersionView = z.infer<typeof ropaVersionView>;
export type PipiaContent = z.infer<typeof pipiaContent>;
export type PipiaVersionView = z.infer<typeof pipiaVersionView>;
export type PipiaSummary = z.infer<typeof pipiaSummary>;
export type PipiaView = z.infer<typeof pipiaView>;
export type TransferCreate = z.infer<typeof transferCreate>;
export type TransferPatch = z.infer<typeof transferPatch>;
export type TransferView = z.infer<typeof transferView>;
