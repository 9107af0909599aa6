import type { StoreObject } from '@castellan/shared';
import type { Kysely } from 'kysely';
import { unprocessable } from '../errors.js';
import { definitionsOf } from './custom-field-definitions.js';
import { type CustomFieldDefinition, isProtectedClassification, storedCustomValue } from './custom-field-rules.js';
import type { Value } from './store-values.js';
import type { TablePlan } from './table-plan.js';

/**
 * Exact filters on public and internal custom fields (`custom=<key>:<value>` on a list, or
 * `custom.<key>` in a saved view's filters): a record matches when its value equals the given one
 * (null: when it has none). A personal or sensitive custom field cannot be filtered on (422): its value
 * is ciphertext, and matching it would be a search without its audit and quota.
 */
type AnyDb = Kysely<any>;
export const customFilterPrefix = 'custom.';

/** A filter value as it arrives in a URL (text) or a saved view (typed), in the definition's type. */
function typed(definition: CustomFieldDefinition, value: Value): Value {
  if (typeof value !== 'string') return value;
  if (definition.type === 'integer' && /^-?\d{1,16}$/.test(value)) return Number(value);
  if (definition.type === 'boolean' && (value === 'true' || value === 'false')) return value === 'true';
  return value;
}

/** The stored form of each filter, checked against its definition. */
export function checkedCustomFilters(definitions: readonly CustomFieldDefinition[], plan: TablePlan, filters: Record<string, Value>) {
  return Object.entries(filters).map(([key, value]) => {
    const definition = definitions.find((d) => d.key === key);
    if (!definition) throw unprocessable(`cannot filter ${plan.object} by custom.${key}: no such custom field`);
    if (isProtectedClassification(definition.classification))
      throw unprocessable(`cannot filter ${plan.object} by custom.${key}: a ${definition.classification} field (encrypted)`);
    return { definition, stored: storedCustomValue(definition, typed(definition, value)) };
  });
}

export async function customFiltered(db: AnyDb, q: any, plan: TablePlan, filters: Record<string, Value> | undefined): Promise<any> {
  if (!filters || Object.keys(filters).length === 0) return q;
  const definitions = await definitionsOf(db, plan.object as StoreObject);
  for (const { definition, stored } of checkedCustomFilters(definitions, plan, filters)) {
    const values = (eb: any) =>
      eb
        .selectFrom('custom_values')
        .select('custom_values.id')
        .whereRef('custom_values.record_id', '=', `${plan.object}.id`)
        .where('custom_values.object', '=', plan.object)
        .where('custom_values.field_id', '=', definition.id);
    q = q.where((eb: any) => (stored === null ? eb.not(eb.exists(values(eb))) : eb.exists(values(eb).where('custom_values.value_text', '=', stored))));
  }
  return q;
}

/** `custom=<key>:<value>` query parameters (one or several) as filters. */
export function customFiltersOfQuery(param: string | string[] | undefined): Record<string, Value> | undefined {
  if (param === undefined) return undefined;
  const out: Record<string, Value> = {};
  for (const pair of Array.isArray(param) ? param : [param]) {
    const at = pair.indexOf(':');
    if (at < 1) throw unprocessable('custom filters are custom=<key>:<value>');
    out[pair.slice(0, at)] = pair.slice(at + 1) === '' ? null : pair.slice(at + 1);
  }
  return out;
}

/** Splits a saved view's filters into built-in ones and `custom.<key>` ones. */
export function splitCustomFilters(filters: Record<string, Value>): { filters: Record<string, Value>; custom: Record<string, Value> } {
  const plain: Record<string, Value> = {};
  const custom: Record<string, Value> = {};
  for (const [name, value] of Object.entries(filters)) {
    if (name.startsWith(customFilterPrefix)) custom[name.slice(customFilterPrefix.length)] = value;
    else plain[name] = value;
  }
  return { filters: plain, custom };
}
