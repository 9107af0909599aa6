import { type ZodType, z } from 'zod';
import { fieldCatalogue, type StoreObject } from '../catalogue/index.js';
import { type FieldSpec, isProtected, type ObjectCatalogue } from '../catalogue/types.js';
import { idSchema, pageQuery } from './common.schema.js';
import { customFilterQuery, customValuesInput, customValuesView } from './custom-field.schema.js';

/**
 * Request and response schemas of a store object, generated from its catalogue declaration (so an
 * object is declared once): what a create, a patch, a list query and a record look like. A field's
 * own `input` validator wins over the type's default.
 */
const calendarDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD')
  .refine((v) => {
    const d = new Date(`${v}T00:00:00Z`);
    return !Number.isNaN(d.getTime()) && d.toISOString().startsWith(v);
  }, 'must be a real date');

function defaultInput(spec: FieldSpec): ZodType {
  switch (spec.type ?? 'text') {
    case 'integer':
      return z.number().int().min(-Number.MAX_SAFE_INTEGER).max(Number.MAX_SAFE_INTEGER);
    case 'boolean':
      return z.boolean();
    case 'date':
      return calendarDate;
    case 'datetime':
      return z.iso.datetime({ offset: true });
    case 'id':
      return idSchema;
    default:
      return z.string().trim().min(1).max(500);
  }
}

function outputOf(spec: FieldSpec): ZodType {
  if (isProtected(spec)) return z.string().nullable().optional();
  switch (spec.type ?? 'text') {
    case 'integer':
      return z.number().nullable();
    case 'boolean':
      return z.boolean().nullable();
    default:
      return z.string().nullable();
  }
}

/** A list-query value arrives as text: numbers and booleans are converted. */
function queryOf(spec: FieldSpec): ZodType {
  switch (spec.type ?? 'text') {
    case 'integer':
      return z.coerce.number().int();
    case 'boolean':
      return z.enum(['true', 'false']).transform((v) => v === 'true');
    case 'date':
      return calendarDate;
    case 'id':
      return idSchema;
    default:
      return z.string().max(500);
  }
}

const rangeTypes = new Set(['date', 'datetime', 'integer']);

export interface RecordSchemas {
  create: ZodType;
  patch: ZodType;
  view: ZodType;
  page: ZodType;
  listQuery: ZodType;
  /** Plain fields a list may filter on by equality, and those it may filter by range (`<field>From` / `<field>To`). */
  filterFields: string[];
  rangeFields: string[];
  /** Plain fields a list may be sorted by (`sort=<field>&order=asc|desc`). */
  sortFields?: string[];
}

/**
 * `overrides.create` / `overrides.patch` replace a field's validator; `overrides.omit` leaves fields out
 * of a create or a patch (fields only the object's own actions change, such as a lifecycle status).
 */
export function recordSchemas(
  object: StoreObject,
  overrides: { create?: Record<string, ZodType>; patch?: Record<string, ZodType>; omit?: { create?: readonly string[]; patch?: readonly string[] } } = {},
): RecordSchemas {
  const fields = Object.entries(fieldCatalogue[object] as ObjectCatalogue);
  const writable = fields.filter(([, spec]) => !spec.system);
  const create: Record<string, ZodType> = {};
  const patch: Record<string, ZodType> = {};
  for (const [name, spec] of writable) {
    const input = spec.input ?? defaultInput(spec);
    create[name] = overrides.create?.[name] ?? (spec.required ? input : input.nullable().optional());
    patch[name] = overrides.patch?.[name] ?? (spec.required ? input.optional() : input.nullable().optional());
  }
  for (const name of overrides.omit?.create ?? []) delete create[name];
  for (const name of overrides.omit?.patch ?? []) delete patch[name];
  create.custom = customValuesInput;
  patch.custom = customValuesInput;
  const view: Record<string, ZodType> = {};
  for (const [name, spec] of fields) view[name] = outputOf(spec);
  view.custom = customValuesView;
  const personal = fields.some(([, spec]) => isProtected(spec));
  if (personal) view.maskedFields = z.array(z.string());
  const plain = fields.filter(([, spec]) => !isProtected(spec) && (spec.type ?? 'text') !== 'datetime');
  const query: Record<string, ZodType> = { ...pageQuery };
  for (const [name, spec] of plain) if (name !== 'id') query[name] = queryOf(spec).optional();
  const rangeFields = fields.filter(([, spec]) => !isProtected(spec) && rangeTypes.has(spec.type ?? 'text')).map(([name]) => name);
  const sortFields = fields.filter(([, spec]) => !isProtected(spec)).map(([name]) => name);
  query.sort = z
    .string()
    .max(64)
    .optional()
    .describe(
      `a plain field to order by (ties broken by id; a personal field is refused with 422): ${sortFields.join(', ')}, or custom.<key> of a public or internal custom field`,
    );
  query.order = z.enum(['asc', 'desc']).optional().describe('sort direction (default asc); empty values last in asc, first in desc');
  query.custom = customFilterQuery;
  query.view = idSchema.optional().describe('apply one of your saved views (its filters and sort; explicit parameters win)');
  for (const name of rangeFields) {
    const spec = (fieldCatalogue[object] as ObjectCatalogue)[name] as FieldSpec;
    const value = spec.type === 'datetime' ? z.iso.datetime({ offset: true }) : queryOf(spec);
    query[`${name}From`] = value.optional();
    query[`${name}To`] = value.optional();
  }
  const viewSchema = z.object(view);
  return {
    create: z.object(create).strict(),
    patch: z
      .object(patch)
      .strict()
      .refine((v) => Object.keys(v).length > 0, 'the patch must change at least one field'),
    view: viewSchema,
    page: z.object({ items: z.array(viewSchema), nextCursor: z.string().nullable() }),
    listQuery: z.object(query).strict(),
    filterFields: plain.map(([name]) => name).filter((n) => n !== 'id'),
    rangeFields,
    sortFields,
  };
}
