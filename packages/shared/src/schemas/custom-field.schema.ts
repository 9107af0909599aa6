import { z } from 'zod';
import { idSchema } from './common.schema.js';

/**
 * Custom fields: fields an administrator adds to a store object at run time, with a type and a
 * classification like a catalogue field. Their values travel under `custom` in a record's create and
 * patch bodies and in its views; a personal or sensitive one is encrypted, masked and exported like a
 * built-in personal field.
 */
export const customFieldTypes = ['text', 'integer', 'boolean', 'date', 'enum'] as const;
export type CustomFieldType = (typeof customFieldTypes)[number];
export const customFieldClassifications = ['public', 'internal', 'personal', 'sensitive'] as const;
export const customFieldMasks = ['name', 'email', 'phone', 'id_number', 'date', 'address', 'text'] as const;

/** snake_case or camelCase, starting with a lower-case letter, at most 40 characters. */
export const customFieldKey = z
  .string()
  .max(40)
  .regex(/^(?:[a-z][a-z0-9]*(?:_[a-z0-9]+)*|[a-z][a-zA-Z0-9]*)$/, 'must be snake_case or camelCase, starting with a lower-case letter');

const label = z.string().trim().min(1).max(100);
const enumOption = z.string().trim().min(1).max(100);

export const customFieldCreate = z
  .object({
    object: z.string().max(64).describe('the store object (catalogue name, e.g. contacts, accounts, channels)'),
    key: customFieldKey,
    labelZh: label,
    labelEn: label,
    type: z.enum(customFieldTypes),
    options: z.array(enumOption).min(1).max(100).optional().describe('the allowed values of an enum field (required for enum, refused otherwise)'),
    classification: z.enum(customFieldClassifications),
    mask: z
      .enum(customFieldMasks)
      .optional()
      .describe('how a masked reader sees a personal or sensitive value (default text); refused for public and internal fields'),
  })
  .strict();

export const customFieldPatch = z
  .object({
    labelZh: label.optional(),
    labelEn: label.optional(),
    options: z.array(enumOption).min(1).max(100).optional().describe('an enum field may gain options; none may be dropped while a value uses it'),
    mask: z.enum(customFieldMasks).optional(),
  })
  .strict()
  .refine((v) => Object.keys(v).length > 0, 'the patch must change at least one field');

export const customFieldView = z.object({
  id: z.string(),
  object: z.string(),
  key: z.string(),
  labelZh: z.string(),
  labelEn: z.string(),
  type: z.enum(customFieldTypes),
  options: z.array(z.string()).nullable(),
  classification: z.enum(customFieldClassifications),
  mask: z.enum(customFieldMasks).nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type CustomFieldView = z.infer<typeof customFieldView>;

export const customFieldListQuery = z.object({ object: z.string().max(64).optional() }).strict();
export const customFieldList = z.object({ items: z.array(customFieldView) });
export const customFieldParams = z.object({ id: idSchema }).strict();

/** A custom value as given: checked against the field's definition by the store (422 when it does not fit). */
export const customValue = z.union([z.string().max(2000), z.number(), z.boolean(), z.null()]);
/** `custom: { <key>: value }` of a create or patch body; null clears a value. */
export const customValuesInput = z
  .record(customFieldKey, customValue)
  .optional()
  .describe('custom field values by key (see /api/v1/custom-fields); null clears one');
/** `custom=<key>:<value>` on a list (repeatable): exact filters on public and internal custom fields; an empty value matches records without one. */
export const customFilterQuery = z
  .union([z.string().max(600), z.array(z.string().max(600)).max(10)])
  .optional()
  .describe(
    'custom=<key>:<value>, repeatable: exact filter on a public or internal custom field (personal ones: 422); custom=<key>: matches records without a value',
  );

/** `custom` of a record view: the values the reader may see (masked where their rule says so). */
export const customValuesView = z.record(z.string(), customValue).optional();
