import { fieldRuleObjects, ownedObjects, permissions, protectedFields } from '@castellan/shared';

/** The permission matrix's rows: each resource and the actions that exist on it (from the shared permission list). */
export interface ResourceRow {
  resource: string;
  actions: string[];
}

export function resourceRows(all: readonly string[] = permissions): ResourceRow[] {
  const rows = new Map<string, string[]>();
  for (const permission of all) {
    const dot = permission.indexOf('.');
    const resource = permission.slice(0, dot);
    rows.set(resource, [...(rows.get(resource) ?? []), permission.slice(dot + 1)]);
  }
  return [...rows].map(([resource, actions]) => ({ resource, actions }));
}

/** The personal fields a role's field rules may name, per object. */
export function fieldRuleRows(): { object: string; fields: string[] }[] {
  return fieldRuleObjects.map((object) => ({ object, fields: protectedFields(object) }));
}

export const scopedObjects: readonly string[] = ownedObjects;

/** The field rule a role has for a personal field: a field without a rule is hidden. */
export const fieldRule = (fields: Record<string, Record<string, string>>, object: string, field: string): string => fields[object]?.[field] ?? 'hidden';

/** What a role edit changes, as the PATCH body (only what differs; empty when nothing does). */
export function roleChange(
  before: { permissions: string[]; scope: Record<string, string>; fields: Record<string, Record<string, string>> },
  after: { permissions: string[]; scope: Record<string, string>; fields: Record<string, Record<string, string>> },
): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  const same = (a: string[], b: string[]) => [...a].sort().join() === [...b].sort().join();
  if (!same(before.permissions, after.permissions)) body.permissions = after.permissions;
  const scopeKeys = new Set([...Object.keys(before.scope), ...Object.keys(after.scope)]);
  if ([...scopeKeys].some((k) => before.scope[k] !== after.scope[k])) body.scope = after.scope;
  const fields: Record<string, Record<string, string>> = {};
  for (const object of new Set([...Object.keys(before.fields), ...Object.keys(after.fields)])) {
    const a = before.fields[object] ?? {};
    const b = after.fields[object] ?? {};
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    if ([...keys].some((k) => (a[k] ?? 'hidden') !== (b[k] ?? 'hidden'))) fields[object] = b;
  }
  if (Object.keys(fields).length) body.fields = fields;
  return body;
}
