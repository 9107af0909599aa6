import { type ObjectSpec, objectSpecs, permissionOf, type StoreObject } from '@castellan/shared';
import type { RequestContext } from '../../platform/audit/audit-event.js';
import { can } from '../../platform/authz/access-policy.js';
import type { Actor } from '../../platform/authz/actor.js';
import type { ProtectedStore } from '../../platform/data/protected-store.js';
import { notFound, unprocessable } from '../../platform/errors.js';
import { attachable } from './activity.rules.js';

/** The object a path segment names: its catalogue name or its plural (`contacts`, `billing-accounts`). */
export function objectNamed(segment: string): StoreObject {
  const found = (Object.entries(objectSpecs) as [string, ObjectSpec][]).find(([name, spec]) => name === segment || spec.plural === segment)?.[0];
  if (!found || !attachable(found)) throw unprocessable(`${segment} is not a kind of record activities are attached to`);
  return found;
}

/**
 * The door for anything attached to a record of another object (activities, the timeline): the
 * caller must be able to read that record — without the object's read permission, or outside its
 * scope, it is "not found" (404), whatever exists.
 */
export async function assertAboutVisible(store: ProtectedStore, actor: Actor, object: StoreObject, id: string): Promise<void> {
  if (!can(actor, permissionOf(object, 'read'))) throw notFound(objectSpecs[object].label);
  await store.assertVisible(actor, object, id);
}

/** Creates an activity; the store's rules check the caller sees the record it is about (activity.rules.ts). */
export function createActivity(store: ProtectedStore, actor: Actor, context: RequestContext, input: Record<string, unknown>) {
  const object = objectNamed(String(input.aboutObject));
  return store.create(actor, context, 'activities', { ...(input as Record<string, never>), aboutObject: object });
}
