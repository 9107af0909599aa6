import { z } from 'zod';
import { idSchema, pageQuery, pastDate } from './common.schema.js';
import { customFilterQuery, customValuesInput, customValuesView } from './custom-field.schema.js';

const name = z.string().trim().min(1).max(200);
const email = z.email({ message: 'must be an e-mail address' }).max(254);
const phone = z
  .string()
  .trim()
  .regex(/^\+?[0-9][0-9 ()\-.]{5,23}$/, 'must be a phone number');
const idNumber = z
  .string()
  .trim()
  .regex(/^[0-9A-Za-z][0-9A-Za-z -]{3,31}$/, 'must be an ID number (4-32 letters or digits)');
const address = z.string().trim().min(1).max(500);
const wechatId = z
  .string()
  .trim()
  .regex(/^[A-Za-z][-_A-Za-z0-9]{5,19}$/, 'must be a WeChat ID (6-20 letters, digits, - or _, starting with a letter)');
const jobTitle = z.string().trim().min(1).max(200);

/** Contacts are natural persons: B2B contact persons, subscribers, viewers. */
export const contactCreate = z
  .object({
    name,
    email: email.optional(),
    phone: phone.optional(),
    idNumber: idNumber.optional(),
    birthDate: pastDate.optional(),
    address: address.optional(),
    wechatId: wechatId.optional(),
    jobTitle: jobTitle.optional(),
    accountId: idSchema.optional(),
    guardianId: idSchema.optional(),
    householdId: idSchema.optional(),
    ownerId: idSchema.optional(),
    teamId: idSchema.optional(),
    custom: customValuesInput,
  })
  .strict();

export const contactPatch = z
  .object({
    name: name.optional(),
    email: email.nullable().optional(),
    phone: phone.nullable().optional(),
    idNumber: idNumber.nullable().optional(),
    birthDate: pastDate.nullable().optional(),
    address: address.nullable().optional(),
    wechatId: wechatId.nullable().optional(),
    jobTitle: jobTitle.nullable().optional(),
    accountId: idSchema.nullable().optional(),
    guardianId: idSchema.nullable().optional(),
    householdId: idSchema.nullable().optional(),
    ownerId: idSchema.optional(),
    teamId: idSchema.nullable().optional(),
    custom: customValuesInput,
  })
  .strict()
  .refine((v) => Object.keys(v).length > 0, 'the patch must change at least one field');

export const contactListQuery = z
  .object({
    ...pageQuery,
    accountId: idSchema.optional(),
    guardianId: idSchema.optional(),
    householdId: idSchema.optional(),
    isMinor: z
      .enum(['true', 'false'])
      .transform((v) => v === 'true')
      .optional(),
    ownerId: idSchema.optional(),
    teamId: idSchema.optional(),
    email: z.string().max(254).optional(),
    phone: z.string().max(32).optional(),
    idNumber: z.string().max(32).optional(),
    name: z.string().max(200).optional(),
    sort: z
      .string()
      .max(64)
      .optional()
      .describe(
        'a plain field to order by (accountId, ownerId, teamId, createdAt, updatedAt) or custom.<key> of a public or internal custom field; personal fields are refused (422)',
      ),
    order: z.enum(['asc', 'desc']).optional().describe('sort direction (default asc)'),
    view: idSchema.optional().describe('apply one of your saved views of contacts'),
    custom: customFilterQuery,
  })
  .strict()
  .refine((v) => [v.email, v.phone, v.idNumber, v.name].filter((x) => x !== undefined).length <= 1, 'search by one of email, phone, idNumber, name at a time');

/** What a caller sees: hidden fields are absent, masked ones are masked and listed in maskedFields. */
export const contactView = z.object({
  id: z.string(),
  name: z.string().nullable().optional(),
  email: z.string().nullable().optional(),
  phone: z.string().nullable().optional(),
  idNumber: z.string().nullable().optional(),
  birthDate: z.string().nullable().optional(),
  address: z.string().nullable().optional(),
  wechatId: z.string().nullable().optional(),
  jobTitle: z.string().nullable().optional(),
  accountId: z.string().nullable(),
  isMinor: z.boolean().nullable(),
  guardianId: z.string().nullable(),
  householdId: z.string().nullable(),
  ownerId: z.string(),
  teamId: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  maskedFields: z.array(z.string()),
  custom: customValuesView,
});

export const contactPage = z.object({ items: z.array(contactView), nextCursor: z.string().nullable() });

export type ContactCreate = z.infer<typeof contactCreate>;
export type ContactPatch = z.infer<typeof contactPatch>;
export type ContactView = z.infer<typeof contactView>;
