import { type CatalogueObject, fieldCatalogue, objectSpecs } from '../catalogue/index.js';
import { consentPurposes } from '../catalogue/marketing.js';
import { type FieldSpec, isProtected, type ObjectCatalogue, type ObjectSpec } from '../catalogue/types.js';

/**
 * Retention rules (GDPR Art. 5(1)(e), PIPL Art. 19 / 47): per object holding personal data and per
 * processing purpose, what happens to a record (`delete` or `anonymise`) and when — N days after its
 * last change (`inactivity`) or N days after its contract or term ends (`contract_end`, only for
 * objects whose catalogue entry names that date as `contractEnd`). Pure: no database, no clock.
 */
export const retentionActions = ['delete', 'anonymise'] as const;
export const retentionTriggers = ['inactivity', 'contract_end'] as const;
/** The consent purposes, and the purposes records are kept for without consent (contract, service, law). */
export const retentionPurposes = [
  ...consentPurposes,
  'service_delivery',
  'contract_performance',
  'customer_relations',
  'sales',
  'privacy_request_handling',
  'legal_obligation',
] as const;
export const retentionDaysRange = { min: 1, max: 36_500 } as const;

export type RetentionAction = (typeof retentionActions)[number];
export type RetentionTrigger = (typeof retentionTriggers)[number];
export type RetentionPurpose = (typeof retentionPurposes)[number];

export interface RetentionRuleInput {
  object: CatalogueObject;
  purpose: RetentionPurpose;
  action: RetentionAction;
  trigger: RetentionTrigger;
  days: number;
  enabled: boolean;
}

/** Why a rule is refused, per field; `code` is stable (the API's `details.problems[].code`). */
export type RetentionProblemCode =
  | 'unknown_object'
  | 'no_personal_data'
  | 'unknown_purpose'
  | 'purpose_not_of_object'
  | 'unknown_action'
  | 'unknown_trigger'
  | 'no_contract_end'
  | 'days_out_of_range'
  | 'enabled_not_boolean';

export interface RetentionProblem {
  field: keyof RetentionRuleInput;
  code: RetentionProblemCode;
  message: string;
}

const fieldsOf = (object: CatalogueObject): [string, FieldSpec][] => Object.entries(fieldCatalogue[object] as ObjectCatalogue);

/** The record itself is about a person: a data subject, an encrypted field, or a plain field of a PI category. */
function personalInItself(object: CatalogueObject): boolean {
  const spec = objectSpecs[object] as ObjectSpec;
  return !!spec.subject || fieldsOf(object).some(([, f]) => isProtected(f) || (f.piCategory !== 'none' && f.piCategory !== 'relationship'));
}

/**
 * True when the object's records hold personal data: in themselves, or through a relationship field
 * naming a record that does (a subscription's household); a link to a company (an account) is not one.
 * The staff directory has its own life cycle (accounts are disabled, not purged).
 */
export function holdsPersonalData(object: CatalogueObject): boolean {
  if ((objectSpecs[object] as ObjectSpec).ownership === 'directory') return false;
  if (personalInItself(object)) return true;
  return fieldsOf(object).some(
    ([, f]) => f.piCategory === 'relationship' && !!f.references && f.references in fieldCatalogue && personalInItself(f.references as CatalogueObject),
  );
}

/** Every object a retention rule may name, in catalogue order (derived from the field catalogue, never listed by hand). */
export const retentionObjects = (): CatalogueObject[] => (Object.keys(fieldCatalogue) as CatalogueObject[]).filter(holdsPersonalData);

/** The column the `contract_end` trigger counts from, when the catalogue declares one for the object. */
export function contractEndColumn(object: CatalogueObject): string | undefined {
  const field = (objectSpecs[object] as ObjectSpec).contractEnd;
  return field ? (fieldCatalogue[object] as ObjectCatalogue)[field]?.column : undefined;
}

/** The column a purpose filters on, when the object's rows name their purpose (consents): else the rule covers every row. */
export function purposeColumn(object: CatalogueObject): string | undefined {
  return (fieldCatalogue[object] as ObjectCatalogue).purpose?.column;
}

const isOneOf = <T extends string>(list: readonly T[], value: unknown): value is T => typeof value === 'string' && (list as readonly string[]).includes(value);

/** Checks a rule; answers every problem at once (an empty list: valid). */
export function retentionRuleProblems(input: Record<string, unknown>): RetentionProblem[] {
  const problems: RetentionProblem[] = [];
  const objects = retentionObjects();
  const object = input.object;
  if (!isOneOf(Object.keys(fieldCatalogue) as CatalogueObject[], object))
    problems.push({ field: 'object', code: 'unknown_object', message: `object must be one of ${objects.join(', ')}` });
  else if (!objects.includes(object))
    problems.push({ field: 'object', code: 'no_personal_data', message: `${object} holds no personal data: no retention rule applies to it` });
  if (!isOneOf(retentionPurposes, input.purpose))
    problems.push({ field: 'purpose', code: 'unknown_purpose', message: `purpose must be one of ${retentionPurposes.join(', ')}` });
  else if (isOneOf(objects, object) && purposeColumn(object) && !isOneOf(consentPurposes, input.purpose))
    problems.push({
      field: 'purpose',
      code: 'purpose_not_of_object',
      message: `${object} records name their purpose: one of ${consentPurposes.join(', ')}`,
    });
  if (!isOneOf(retentionActions, input.action))
    problems.push({ field: 'action', code: 'unknown_action', message: `action must be one of ${retentionActions.join(', ')}` });
  if (!isOneOf(retentionTriggers, input.trigger))
    problems.push({ field: 'trigger', code: 'unknown_trigger', message: `trigger must be one of ${retentionTriggers.join(', ')}` });
  else if (input.trigger === 'contract_end' && isOneOf(objects, object) && !contractEndColumn(object))
    problems.push({
      field: 'trigger',
      code: 'no_contract_end',
      message: `${object} has no contract end date: use inactivity (objects with one: ${objects.filter((o) => contractEndColumn(o)).join(', ')})`,
    });
  const days = input.days;
  if (typeof days !== 'number' || !Number.isInteger(days) || days < retentionDaysRange.min || days > retentionDaysRange.max)
    problems.push({
      field: 'days',
      code: 'days_out_of_range',
      message: `days must be a whole number from ${retentionDaysRange.min} to ${retentionDaysRange.max}`,
    });
  if (typeof input.enabled !== 'boolean') problems.push({ field: 'enabled', code: 'enabled_not_boolean', message: 'enabled must be true or false' });
  return problems;
}

const dayMs = 86_400_000;

/**
 * The instant before which a record is due: `inactivity` compares the record's last change (an ISO
 * instant) with now − N days; `contract_end` compares its end date (YYYY-MM-DD) with the UTC day
 * N days ago, so a term ending on 1 January with N = 30 is due from 1 February.
 */
export function retentionCutoff(trigger: RetentionTrigger, days: number, now: Date): string {
  const at = new Date(now.getTime() - days * dayMs);
  return trigger === 'inactivity' ? at.toISOString() : at.toISOString().slice(0, 10);
}

/** Whether a record with this date value is due under the rule (a record without an end date never is). */
export function isDue(trigger: RetentionTrigger, days: number, value: string | null, now: Date): boolean {
  return value !== null && value !== '' && value < retentionCutoff(trigger, days, now);
}

/**
 * The order a run applies rules in: an object whose records name another's (a device its
 * subscription) goes first, so a parent's delete finds its children already gone; ties keep catalogue order.
 */
export function retentionRunOrder<R extends { object: CatalogueObject }>(rules: readonly R[]): R[] {
  const objects = Object.keys(fieldCatalogue) as CatalogueObject[];
  const parents = (o: CatalogueObject): CatalogueObject[] =>
    fieldsOf(o)
      .map(([, f]) => f.references)
      .filter((r): r is CatalogueObject => !!r && r !== o && r in fieldCatalogue);
  const depth = new Map<CatalogueObject, number>();
  // Depth = the longest chain of records naming this object's records (children deeper first).
  const childDepth = (o: CatalogueObject, seen: Set<CatalogueObject>): number => {
    const known = depth.get(o);
    if (known !== undefined) return known;
    let d = 0;
    for (const child of objects) if (!seen.has(child) && parents(child).includes(o)) d = Math.max(d, 1 + childDepth(child, new Set([...seen, child])));
    depth.set(o, d);
    return d;
  };
  return rules
    .map((rule, index) => ({ rule, index, d: childDepth(rule.object, new Set([rule.object])) }))
    .sort((a, b) => a.d - b.d || objects.indexOf(a.rule.object) - objects.indexOf(b.rule.object) || a.index - b.index)
    .map((x) => x.rule);
}

/** Objects holding personal data that no enabled rule covers (the compliance check's finding). */
export function uncoveredObjects(rules: readonly { object: string; enabled: boolean }[]): CatalogueObject[] {
  const covered = new Set(rules.filter((r) => r.enabled).map((r) => r.object));
  return retentionObjects().filter((o) => !covered.has(o));
}
