import { z } from 'zod';
import { idSchema } from './common.schema.js';

/**
 * A saved view: one user's named filters and sort over one object's list. Only plain (non-personal)
 * fields: a filter or sort on a personal or sensitive field is refused with 422.
 */
const plainValue = z.union([z.string().max(500), z.number(), z.boolean(), z.null()]);
const range = z.object({ from: plainValue.optional(), to: plainValue.optional() }).strict();

export const savedViewCreate = z
  .object({
    object: z.string().max(64),
    name: z.string().trim().min(1).max(100),
    filters: z.record(z.string().max(64), plainValue).default({}).describe('exact filters: field → value'),
    ranges: z.record(z.string().max(64), range).default({}).describe('inclusive ranges: field → { from, to }'),
    sort: z.string().max(64).optional().describe('a plain field to order by'),
    order: z.enum(['asc', 'desc']).default('asc'),
  })
  .strict();

export const savedViewPatch = z
  .object({
    name: z.string().trim().min(1).max(100).optional(),
    filters: z.record(z.string().max(64), plainValue).optional(),
    ranges: z.record(z.string().max(64), range).optional(),
    sort: z.string().max(64).nullable().optional(),
    order: z.enum(['asc', 'desc']).optional(),
  })
  .strict()
  .refine((v) => Object.keys(v).length > 0, 'the patch must change at least one field');

export const savedViewView = z.object({
  id: z.string(),
  object: z.string(),
  name: z.string(),
  filters: z.record(z.string(), plainValue),
  ranges: z.record(z.string(), range),
  sort: z.string().nullable(),
  order: z.enum(['asc', 'desc']),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type SavedViewView = z.infer<typeof savedViewView>;

export const savedViewListQuery = z.object({ object: z.string().max(64).optional() }).strict();
export const savedViewList = z.object({ items: z.array(savedViewView) });
export const savedViewParams = z.object({ id: idSchema }).strict();
