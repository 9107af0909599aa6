import { fieldCatalogue, isStoreObject, type ObjectCatalogue, type ObjectSpec, objectSpecs, permissionOf, type StoreObject } from '@castellan/shared';
import { can, inScope } from '../../platform/authz/access-policy.js';
import type { PlainRecord, ProtectedStore, RuleContext, Value } from '../../platform/data/protected-store.js';
import { notFound, unprocessable } from '../../platform/errors.js';
import { type ActivityWrite, activityWriteRefusal } from './activity.policy.js';

/** Objects an activity may be attached to: every store object but activities themselves. */
export function attachable(object: string): object is StoreObject {
  return isStoreObject(object) && object !== 'activities';
}

/**
 * The record an activity is attached to, as the writer may see it: without the object's read
 * permission, outside the writer's record scope, or missing, it is "not found" (404) — the same
 * answer whatever exists. Checked inside the write, so it holds for the API, the import and the demo.
 */
export async function visibleAbout(rc: RuleContext, object: StoreObject, id: string): Promise<PlainRecord> {
  const spec = objectSpecs[object] as ObjectSpec;
  if (!can(rc.actor, permissionOf(object, 'read'))) throw notFound(spec.label);
  const [row] = await rc.plainRows(object, { id });
  if (!row) throw notFound(spec.label);
  if (spec.ownership === 'owned' && !inScope(rc.actor, object, { ownerId: row.ownerId as string, teamId: (row.teamId as string | null) ?? null })) {
    throw notFound(spec.label);
  }
  return row;
}

/**
 * The contact a record is about: the contact itself, or the person a record about someone names
 * through its `subject: { via }` field — a contact (a case's or a consent's contactId), or another
 * record about a person, followed to its contact (a device → its billing account → its customer);
 * null when that field is empty; undefined for records about no one (accounts, deals, channels).
 */
export async function contactOfRecord(rc: RuleContext, object: StoreObject, record: PlainRecord, depth = 0): Promise<string | null | undefined> {
  if (object === 'contacts') return String(record.id);
  const subject = (objectSpecs[object] as ObjectSpec).subject;
  if (typeof subject !== 'object') return undefined;
  const value = record[subject.via];
  if (value === null || value === undefined) return null;
  const target = (fieldCatalogue[object] as ObjectCatalogue)[subject.via]?.references ?? 'contacts';
  if (target === 'contacts') return String(value);
  if (depth >= 3 || !isStoreObject(target)) return null;
  const [next] = await rc.plainRows(target, { id: value });
  return next ? contactOfRecord(rc, target, next, depth + 1) : null;
}

const write = (r: PlainRecord): ActivityWrite => ({
  kind: r.kind as ActivityWrite['kind'],
  aboutObject: String(r.aboutObject),
  aboutId: String(r.aboutId),
  dueDate: (r.dueDate as string | null) ?? null,
  done: r.done === true,
});

/**
 * Activities: attached to a record of any object the writer can see (404 otherwise); an
 * activity about a person, or about a record about one, is sealed under that person's key — its
 * contactId is set here and may not name anyone else. A task's done time is kept.
 */
export function defineActivityRules(store: ProtectedStore): void {
  store.defineRules('activities', {
    async derive(rc, input, previous) {
      const derived: Record<string, Value> = {};
      if (!previous) {
        const object = String(input.aboutObject);
        if (!attachable(object)) throw unprocessable(`aboutObject ${object} is not a kind of record an activity can be attached to`);
        const implied = await contactOfRecord(rc, object, await visibleAbout(rc, object, String(input.aboutId)));
        if (implied !== undefined) {
          if (input.contactId !== undefined && input.contactId !== null && input.contactId !== implied) {
            throw unprocessable(`contactId must be the person the ${object} record is about`);
          }
          derived.contactId = implied;
        }
      } else if ('contactId' in input && input.contactId !== previous.contactId) {
        const object = previous.aboutObject as StoreObject;
        const [about] = await rc.plainRows(object, { id: String(previous.aboutId) });
        const implied = about ? await contactOfRecord(rc, object, about) : undefined;
        if (implied !== undefined) throw unprocessable(`contactId must stay the person the ${previous.aboutObject} record is about`);
      }
      if ('done' in input) {
        const done = input.done === true;
        const wasDone = previous?.done === true;
        if (done !== wasDone || !previous) derived.doneAt = done ? rc.now.toISOString() : null;
      }
      return derived;
    },
    beforeWrite(_rc, next, previous) {
      const refusal = activityWriteRefusal(write(next), previous ? write(previous) : undefined);
      if (refusal) throw unprocessable(refusal);
    },
  });
}
