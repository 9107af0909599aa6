import { z } from 'zod';
import { clockKinds, incidentGrades } from '../incidents/index.js';
import { idSchema } from './common.schema.js';

/** Request and response shapes of /api/v1/breaches (they appear in OpenAPI). */
const isoTime = z.iso.datetime({ offset: true, message: 'must be an ISO 8601 time' });
const piCategory = z.string().regex(/^[a-z_]{2,40}$/, 'must be a PI category of the field catalogue');
const freeText = z.string().max(20_000);

export const breachStatuses = ['open', 'contained', 'closed'] as const;

export const breachCreate = z
  .object({
    discoveredAt: isoTime,
    occurredAt: isoTime.nullable().optional(),
    grade: z.enum(incidentGrades),
    peopleAffected: z.number().int().min(0).max(10_000_000_000).default(0),
    categories: z.array(piCategory).max(40).default([]),
    description: freeText.min(1),
    notes: freeText.optional(),
  })
  .strict();

export const breachPatch = z
  .object({
    grade: z.enum(incidentGrades).optional(),
    peopleAffected: z.number().int().min(0).max(10_000_000_000).optional(),
    categories: z.array(piCategory).max(40).optional(),
    status: z.enum(breachStatuses).optional(),
    description: freeText.min(1).optional(),
    notes: freeText.nullable().optional(),
  })
  .strict();

export const notificationBody = z.object({ clock: z.enum(clockKinds), notifiedAt: isoTime }).strict();

export const findSubjectsBody = z
  .object({ compromisedUserId: idSchema.nullable().optional(), from: isoTime.nullable().optional(), to: isoTime.nullable().optional() })
  .strict()
  .refine((b) => !!b.compromisedUserId || (!!b.from && !!b.to), { message: 'name the compromised account, or a window with both from and to' })
  .refine((b) => !b.from || !b.to || Date.parse(b.from) <= Date.parse(b.to), { message: 'the window ends before it starts' });

const clock = z.object({
  kind: z.enum(clockKinds),
  dueAt: z.string(),
  windowMs: z.number(),
  status: z.enum(['open', 'reported', 'overdue']),
  reportedAt: z.string().nullable(),
  remainingMs: z.number().nullable(),
  escalation: z.number().nullable(),
});

export const breachView = z.object({
  id: z.string(),
  discoveredAt: z.string(),
  occurredAt: z.string().nullable(),
  gradeInput: z.enum(incidentGrades),
  grade: z.enum(incidentGrades),
  reportableToCac: z.boolean(),
  peopleAffected: z.number(),
  categories: z.array(z.object({ category: z.string(), sensitive: z.boolean() })),
  status: z.enum(breachStatuses),
  operatorKind: z.string(),
  clocks: z.array(clock),
  overdue: z.boolean(),
  nextDueAt: z.string().nullable(),
  escalations: z.array(z.object({ clock: z.string(), percent: z.number(), at: z.string() })),
  affected: z.object({
    count: z.number().nullable(),
    foundAt: z.string().nullable(),
    compromisedUserId: z.string().nullable(),
    from: z.string().nullable(),
    to: z.string().nullable(),
  }),
  /** The sealed text, opened only for holders of breaches.personal (null otherwise). */
  personal: z.object({ description: z.string().nullable(), notes: z.string().nullable() }).nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

export const breachList = z.object({ items: z.array(breachView) });

export const categoryList = z.object({
  items: z.array(z.object({ category: z.string(), sensitive: z.boolean(), fields: z.array(z.string()) })),
  operatorKind: z.string(),
});

export const subjectsFound = z.object({ count: z.number(), events: z.number(), categories: z.array(z.string()) });

export const subjectList = z.object({ count: z.number(), subjectIds: z.array(z.string()), nextCursor: z.string().nullable() });

export const subjectListQuery = z.object({ cursor: z.string().max(64).optional(), limit: z.coerce.number().int().min(1).max(1000).default(200) }).strict();

export const draftView = z.object({
  kind: z.enum(['gdpr', 'cac']),
  language: z.enum(['en', 'zh']),
  title: z.string(),
  text: z.string(),
});

export const draftList = z.object({ items: z.array(draftView) });

export type BreachCreate = z.infer<typeof breachCreate>;
export type BreachPatch = z.infer<typeof breachPatch>;
export type BreachView = z.infer<typeof breachView>;
