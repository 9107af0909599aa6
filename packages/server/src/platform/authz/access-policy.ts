import {
  type CatalogueObject,
  type FieldAccess,
  fieldSpec,
  isProtected,
  type ObjectSpec,
  type OwnedObject,
  objectSpecs,
  type Permission,
  type RecordScope,
  type StoreObject,
} from '@castellan/shared';
import type { Actor } from './actor.js';
import { roleDefinition } from './role-matrix.js';

/** Pure rules: what an actor may do, which records it sees, what of each field it sees. */
export const can = (actor: Actor, permission: Permission): boolean => actor.kind === 'system' || actor.permissions.has(permission);

/** An object the protected store serves: owned records (record scope applies) or reference data. */
export type ScopedResource = StoreObject;
const scopeRank: Record<RecordScope, number> = { own: 1, team: 2, all: 3 };

export const isReferenceObject = (object: StoreObject): boolean => (objectSpecs[object] as ObjectSpec).ownership === 'reference';

/**
 * The widest record scope any of the actor's roles grants on an object; null = sees nothing.
 * Reference data (channels, rate cards, titles…) is organisation-wide: `all` for every actor.
 */
export function recordScope(actor: Actor, resource: StoreObject): RecordScope | null {
  if (actor.kind === 'system' || isReferenceObject(resource)) return 'all';
  let best: RecordScope | null = null;
  for (const role of actor.roles) {
    const scope = roleDefinition(role).scope[resource as OwnedObject];
    if (scope && (!best || scopeRank[scope] > scopeRank[best])) best = scope;
  }
  // A team scope without a team degrades to own records.
  if (best === 'team' && !actor.teamId) return 'own';
  return best;
}

/** True when a record with this owner/team falls inside the actor's scope (reference data: always). */
export function inScope(actor: Actor, resource: StoreObject, record: { ownerId?: string | null; teamId?: string | null }): boolean {
  const scope = recordScope(actor, resource);
  if (scope === 'all') return true;
  if (scope === 'team') return record.teamId != null && record.teamId === actor.teamId;
  if (scope === 'own') return record.ownerId === actor.userId;
  return false;
}

const accessRank: Record<FieldAccess, number> = { hidden: 0, masked: 1, readable: 2 };

/** Most permissive rule among the actor's roles; non-personal fields are readable with the record. */
export function fieldAccess(actor: Actor, object: CatalogueObject, field: string): FieldAccess {
  const spec = fieldSpec(object, field);
  if (!spec) return 'hidden';
  if (!isProtected(spec) || actor.kind === 'system') return 'readable';
  let best: FieldAccess = 'hidden';
  for (const role of actor.roles) {
    const rules = (roleDefinition(role).fields as Record<string, Record<string, FieldAccess> | undefined>)[object];
    const rule = rules?.[field];
    if (rule && accessRank[rule] > accessRank[best]) best = rule;
  }
  return best;
}
