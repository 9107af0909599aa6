import { applyMask, type CustomFieldType, type CustomFieldView, type FieldAccess, type MaskKind } from '@castellan/shared';
import type { Actor } from '../authz/actor.js';
import { roleDefinition } from '../authz/role-matrix.js';
import { unprocessable } from '../errors.js';
import type { TablePlan } from './table-plan.js';

/**
 * Pure rules of custom fields: which definitions an object may take, which values fit a definition,
 * how a stored value is presented, and what a reader sees of a personal one.
 */
export type CustomFieldDefinition = CustomFieldView;

/** Names a custom key may not take: the record view's own keys. */
const reserved = new Set(['custom', 'maskedfields', 'id', 'subjectid', 'subject_id']);
const squash = (name: string) => name.replace(/_/g, '').toLowerCase();

export interface DefinitionInput {
  key: string;
  type: CustomFieldType;
  options?: string[];
  classification: CustomFieldDefinition['classification'];
  mask?: MaskKind;
}

export const isProtectedClassification = (c: CustomFieldDefinition['classification']): boolean => c === 'personal' || c === 'sensitive';

/** Checks a new definition against its object; returns its options and mask as stored. */
export function checkDefinition(plan: TablePlan, input: DefinitionInput): { options: string[] | null; mask: MaskKind | null } {
  const clash = plan.fields.find((f) => squash(f.name) === squash(input.key) || squash(f.column) === squash(input.key));
  if (clash || reserved.has(squash(input.key)))
    throw unprocessable(`${input.key} clashes with the built-in field ${clash?.name ?? input.key} of ${plan.object}`);
  const options = checkOptions(input.type, input.options);
  if (isProtectedClassification(input.classification)) {
    if (!plan.personal)
      throw unprocessable(`${plan.object} holds no personal data (no data subject key seals its rows): a ${input.classification} field cannot be added to it`);
    return { options, mask: input.mask ?? 'text' };
  }
  if (input.mask) throw unprocessable(`a ${input.classification} field is never masked: mask applies to personal and sensitive fields`);
  return { options, mask: null };
}

export function checkOptions(type: CustomFieldType, options: string[] | undefined): string[] | null {
  if (type !== 'enum') {
    if (options) throw unprocessable(`options apply to enum fields only, not ${type}`);
    return null;
  }
  if (!options?.length) throw unprocessable('an enum field needs its options');
  if (new Set(options).size !== options.length) throw unprocessable('enum options must differ from one another');
  return options;
}

const calendarDate = (v: string): boolean => {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(v)) return false;
  const d = new Date(`${v}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().startsWith(v);
};

/** A given value in its stored text form, or null (clears it); 422 when it does not fit the definition. */
export function storedCustomValue(definition: CustomFieldDefinition, value: unknown): string | null {
  if (value === null || value === undefined || value === '') return null;
  const bad = (expected: string) => unprocessable(`custom field ${definition.key} must be ${expected}`);
  switch (definition.type) {
    case 'integer':
      if (typeof value !== 'number' || !Number.isSafeInteger(value)) throw bad('a whole number');
      return String(value);
    case 'boolean':
      if (typeof value !== 'boolean') throw bad('true or false');
      return value ? 'true' : 'false';
    case 'date':
      if (typeof value !== 'string' || !calendarDate(value)) throw bad('a date YYYY-MM-DD');
      return value;
    case 'enum':
      if (typeof value !== 'string' || !definition.options?.includes(value)) throw bad(`one of ${(definition.options ?? []).join(', ')}`);
      return value;
    default:
      if (typeof value !== 'string') throw bad('text');
      if (value.trim().length === 0 || value.length > 2000) throw bad('text of 1 to 2000 characters');
      return value;
  }
}

/** A stored value as presented: integers as numbers, booleans as true / false, the rest as text. */
export function presentedCustomValue(definition: CustomFieldDefinition, stored: string | null): string | number | boolean | null {
  if (stored === null) return null;
  if (definition.type === 'integer') return Number(stored);
  if (definition.type === 'boolean') return stored === 'true';
  return stored;
}

/**
 * A personal value as a masked reader sees it: text and dates through the field's mask; a number, a
 * yes / no or an option never partly (the first digit of a small number is the number, the first
 * letter of an option often names it): fully hidden.
 */
export function maskedCustomValue(definition: Pick<CustomFieldDefinition, 'type' | 'mask'>, plain: string): string {
  if (definition.type === 'text' || definition.type === 'date') return applyMask(definition.mask ?? 'text', plain);
  return '***';
}

const rank: Record<FieldAccess, number> = { hidden: 0, masked: 1, readable: 2 };
const lower = (a: FieldAccess, b: FieldAccess) => (rank[a] <= rank[b] ? a : b);

/**
 * What an actor sees of a custom field. Public and internal: readable with the record. Personal: per
 * role, the most restrictive rule it has over the object's built-in personal fields (a role that sees
 * any of them masked sees personal custom fields masked; one that sees none sees none); sensitive:
 * the same over the built-in sensitive fields, or — when the object has none — over all its personal
 * fields, but never better than masked. The widest of the actor's roles wins, as for built-in fields.
 */
export function customFieldAccess(actor: Actor, plan: TablePlan, definition: Pick<CustomFieldDefinition, 'classification'>): FieldAccess {
  if (!isProtectedClassification(definition.classification) || actor.kind === 'system') return 'readable';
  const sensitive = plan.encrypted.filter((f) => f.spec.classification === 'sensitive');
  const personal = plan.encrypted.filter((f) => f.spec.classification === 'personal');
  const wantsSensitive = definition.classification === 'sensitive';
  const basis = wantsSensitive && sensitive.length > 0 ? sensitive : personal.length > 0 ? personal : plan.encrypted;
  const cap: FieldAccess = wantsSensitive && sensitive.length === 0 ? 'masked' : 'readable';
  if (basis.length === 0) return 'hidden';
  let best: FieldAccess = 'hidden';
  for (const role of actor.roles) {
    const rules = (roleDefinition(role).fields as Record<string, Record<string, FieldAccess> | undefined>)[plan.object];
    let access: FieldAccess = cap;
    for (const field of basis) access = lower(access, rules?.[field.name] ?? 'hidden');
    if (rank[access] > rank[best]) best = access;
  }
  return best;
}
