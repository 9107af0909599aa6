import { type FieldSpec, fieldCatalogue, isProtected, type ObjectCatalogue, objectSpecs } from '@castellan/shared';
import { recordObjects } from './objects';

/**
 * What the record screens need to know of an object's fields, read from the field catalogue of
 * @castellan/shared (never a hand list per object): the input kind of each field, whether it is
 * required, set by the system, personal (encrypted and possibly masked), a reference, and which
 * filters and sorts the list API accepts (the same rules as its generated list query).
 */
export type FieldKind = 'text' | 'integer' | 'money' | 'boolean' | 'date' | 'datetime' | 'reference' | 'id' | 'enum';

export interface FieldInfo {
  name: string;
  kind: FieldKind;
  required: boolean;
  system: boolean;
  /** Personal or sensitive: encrypted at rest, shown masked or hidden to some roles. */
  personal: boolean;
  /** The object a reference field names. */
  references?: string;
  /** Allowed values of an enum field (from the zod `input`). */
  options?: (string | number)[];
  /** Exact filter (`?<field>=`). */
  filterable: boolean;
  /** Range filter (`?<field>From=&<field>To=`). */
  rangeable: boolean;
  sortable: boolean;
  /** The value a create without it stores. */
  default?: string | number | boolean;
  /** Longest text the validator allows, when it says. */
  maxLength?: number;
}

interface ZodLike {
  _zod?: { def?: { type?: string; values?: unknown[]; options?: ZodLike[]; entries?: Record<string, unknown> } };
  options?: unknown;
  maxLength?: number | null;
}

/** The options of a zod enum, or of a union of literals (spot lengths 5, 10, 15, 30). */
export function enumOptionsOf(input: unknown): (string | number)[] | undefined {
  const schema = input as ZodLike | undefined;
  const def = schema?._zod?.def;
  if (!def) return undefined;
  if (def.type === 'enum') {
    const values = Array.isArray(schema?.options) ? schema.options : Object.values(def.entries ?? {});
    return values.filter((v): v is string | number => typeof v === 'string' || typeof v === 'number');
  }
  if (def.type === 'union' && Array.isArray(def.options) && def.options.every((o) => o._zod?.def?.type === 'literal')) {
    return def.options.flatMap((o) => (o._zod?.def?.values ?? []) as (string | number)[]);
  }
  return undefined;
}

const isMoney = (spec: FieldSpec): boolean => spec.type === 'integer' && /\bin fen\b/.test(spec.description);

function kindOf(spec: FieldSpec): FieldKind {
  if (spec.input && enumOptionsOf(spec.input)) return 'enum';
  switch (spec.type ?? 'text') {
    case 'integer':
      return isMoney(spec) ? 'money' : 'integer';
    case 'boolean':
      return 'boolean';
    case 'date':
      return 'date';
    case 'datetime':
      return 'datetime';
    case 'id':
      return spec.references ? 'reference' : 'id';
    default:
      return 'text';
  }
}

const cache = new Map<string, FieldInfo[]>();

/** The fields of a store object, in catalogue order. */
export function fieldsOf(object: string): FieldInfo[] {
  const hit = cache.get(object);
  if (hit) return hit;
  const catalogue = (fieldCatalogue as Record<string, ObjectCatalogue>)[object] ?? {};
  const fields = Object.entries(catalogue).map(([name, spec]): FieldInfo => {
    const personal = isProtected(spec);
    const type = spec.type ?? 'text';
    const maxLength = (spec.input as ZodLike | undefined)?.maxLength;
    return {
      name,
      kind: kindOf(spec),
      required: spec.required === true,
      system: spec.system === true,
      personal,
      references: spec.references,
      options: spec.input ? enumOptionsOf(spec.input) : undefined,
      filterable: !personal && type !== 'datetime' && name !== 'id',
      rangeable: !personal && (type === 'date' || type === 'datetime' || type === 'integer'),
      sortable: !personal,
      default: spec.default,
      maxLength: typeof maxLength === 'number' ? maxLength : undefined,
    };
  });
  cache.set(object, fields);
  return fields;
}

export const fieldOf = (object: string, name: string): FieldInfo | undefined => fieldsOf(object).find((f) => f.name === name);

/** Fields a create or edit form offers (not the system's, not the record scope's owner / team). */
export const writableFields = (object: string): FieldInfo[] => fieldsOf(object).filter((f) => !f.system && f.name !== 'ownerId' && f.name !== 'teamId');

/** Whether the object has personal fields (its views carry `maskedFields`). */
export const hasPersonalFields = (object: string): boolean => fieldsOf(object).some((f) => f.personal);

/** Whether a record of this object has an owner and a team (record scope applies). */
export const isOwned = (object: string): boolean => (objectSpecs as Record<string, { ownership: string }>)[object]?.ownership === 'owned';

/** The fields that name a record, in the order they are tried for its title. */
const titleFields = ['name', 'titleZh', 'titleEn', 'originalTitle', 'code', 'number', 'contractNumber', 'accountNumber', 'packageCode', 'subject'];

/** The default columns of a list: the first plain and personal fields that say what the record is. */
/** The plain field that names a record of this object (the row's link in lists; sorting by it sorts that column). */
export const titleFieldOf = (object: string): string | undefined => titleFields.find((name) => fieldsOf(object).some((f) => f.name === name && !f.personal));

export function defaultColumns(object: string, max = 7): string[] {
  const fields = fieldsOf(object);
  // The field that names the record is already the row's link.
  const title = titleFieldOf(object);
  return fields
    .filter((f) => f.name !== 'id' && f.name !== title && !f.system && f.name !== 'ownerId' && f.name !== 'teamId')
    .slice(0, max)
    .map((f) => f.name);
}

export function recordTitle(record: Record<string, unknown> | undefined): string | undefined {
  if (!record) return undefined;
  for (const name of titleFields) {
    const value = record[name];
    if (typeof value === 'string' && value.trim() !== '') return value;
  }
  return undefined;
}

/** Objects with a field that references `object`: the related records of one of its records. */
export function referencesTo(object: string): { object: string; field: string }[] {
  return recordObjects.flatMap(({ object: other }) =>
    fieldsOf(other)
      .filter((f) => f.references === object && !f.system)
      .map((f) => ({ object: other, field: f.name })),
  );
}

/** Objects an activity may be attached to (the activities API takes their catalogue name). */
export const activitiesAttach = (object: string): boolean => object !== 'activities' && /^[a-z][A-Za-z]{1,39}$/.test(object);
