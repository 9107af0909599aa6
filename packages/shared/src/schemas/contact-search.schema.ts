import { z } from 'zod';
import { idSchema } from './common.schema.js';

/** Personal fields a contact can be found by (exact match through a blind index). */
export const contactSearchFields = ['email', 'phone', 'idNumber', 'name'] as const;
export type ContactSearchField = (typeof contactSearchFields)[number];

/** The longest value worth searching for, per field (as the create schema allows). */
export const contactSearchMaxLength: Readonly<Record<ContactSearchField, number>> = { email: 254, phone: 32, idNumber: 32, name: 200 };

/**
 * `POST /api/v1/contacts/search`: the searched value travels in the body, never in a URL (which
 * proxies and browsers keep in their logs and history). Same semantics as the GET search.
 */
export const contactSearchBody = z
  .object({
    field: z.enum(contactSearchFields).describe('The personal field to search by (exact match)'),
    value: z.string().trim().min(1).max(254).describe('The whole value (an e-mail, a phone number, an ID number, or one whole name token)'),
    limit: z.number().int().min(1).max(200).default(50),
    cursor: z.string().max(100).optional(),
    accountId: idSchema.optional(),
    ownerId: idSchema.optional(),
    teamId: idSchema.optional(),
  })
  .strict()
  .superRefine((body, ctx) => {
    const max = contactSearchMaxLength[body.field];
    if (body.value.length > max) ctx.addIssue({ code: 'custom', path: ['value'], message: `a ${body.field} is at most ${max} characters` });
  });

export type ContactSearchBody = z.infer<typeof contactSearchBody>;
