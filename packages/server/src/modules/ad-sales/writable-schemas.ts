import { type FieldSpec, fieldCatalogue, type ObjectCatalogue, type RecordSchemas, recordSchemas, type StoreObject } from '@castellan/shared';
import { type ZodType, z } from 'zod';

/**
 * The generated schemas of an object, narrowed for the generic create and patch routes: fields that
 * only an action endpoint sets (a status changed by submit / approve, the as-run counts) are left out,
 * a field with a default may be left out but not set to null, and `patch` may replace a field's
 * validator (bookings: only `cancelled` as a status).
 */
export function writableSchemas(
  object: StoreObject,
  options: { actionOnly?: readonly string[]; createOnly?: readonly string[]; patch?: Record<string, ZodType> } = {},
): RecordSchemas {
  const base = recordSchemas(object);
  const create = { ...(base.create as z.ZodObject).shape } as Record<string, ZodType>;
  const patch = { ...(base.patch as unknown as z.ZodObject).shape } as Record<string, ZodType>;
  for (const [name, spec] of Object.entries(fieldCatalogue[object] as ObjectCatalogue) as [string, FieldSpec][]) {
    if (spec.default === undefined || !(name in create)) continue;
    const input = spec.input ?? (spec.type === 'boolean' ? z.boolean() : undefined);
    if (!input) continue;
    create[name] = input.optional();
    patch[name] = input.optional();
  }
  for (const name of options.actionOnly ?? []) {
    delete create[name];
    delete patch[name];
  }
  for (const name of options.createOnly ?? []) delete patch[name];
  Object.assign(patch, options.patch ?? {});
  return {
    ...base,
    create: z.object(create).strict(),
    patch: z
      .object(patch)
      .strict()
      .refine((v) => Object.keys(v).length > 0, 'the patch must change at least one field'),
  };
}
