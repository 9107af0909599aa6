import { z } from 'zod';
import { idSchema, pageQuery } from './common.schema.js';

export const accountKinds = ['advertiser', 'agency', 'brand', 'licensee', 'licensor', 'operator', 'partner', 'group'] as const;

const fields = {
  name: z.string().trim().min(1).max(200),
  kind: z.enum(accountKinds),
  industry: z.string().trim().max(100).nullable().optional(),
  website: z
    .url({ protocol: /^https?$/, message: 'must be an http(s) URL' })
    .max(500)
    .nullable()
    .optional(),
  country: z
    .string()
    .regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 code')
    .nullable()
    .optional(),
};

/** Accounts are organisations (advertisers, agencies, licensees, operators…): no personal fields. */
export const accountCreate = z.object({ ...fields, ownerId: idSchema.optional(), teamId: idSchema.optional() }).strict();

export const accountPatch = z
  .object({
    name: fields.name.optional(),
    kind: fields.kind.optional(),
    industry: fields.industry,
    website: fields.website,
    country: fields.country,
    ownerId: idSchema.optional(),
    teamId: idSchema.nullable().optional(),
  })
  .strict()
  .refine((v) => Object.keys(v).length > 0, 'the patch must change at least one field');

export const accountListQuery = z
  .object({ ...pageQuery, kind: z.enum(accountKinds).optional(), ownerId: idSchema.optional(), teamId: idSchema.optional() })
  .strict();

export const accountView = z.object({
  id: z.string(),
  name: z.string(),
  kind: z.string(),
  industry: z.string().nullable(),
  website: z.string().nullable(),
  country: z.string().nullable(),
  ownerId: z.string(),
  teamId: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

export const accountPage = z.object({ items: z.array(accountView), nextCursor: z.string().nullable() });
