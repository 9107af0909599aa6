import { isStoreObject, type ObjectSpec, objectSpecs, type StoreObject } from '@castellan/shared';
import type { PlainRecord, ProtectedStore, RuleContext, Value } from '../../platform/data/protected-store.js';
import { unprocessable } from '../../platform/errors.js';
import { type ActivityWrite, activityWriteRefusal } from './activity.policy.js';

/** Objects an activity may be attached to: every store object but activities themselves. */
export function attachable(object: string): object is StoreObject {
  return isStoreObject(object) && object !== 'activities';
}

/**
 * The contact a record is about: the contact itself, or the contact a record about a person names
 * (its `subject: { via }` field, e.g. a case's or a consent's contactId); undefined for records
 * about no one (accounts, deals, channels).
 */
export async function contactOfRecord(rc: RuleContext, object: StoreObject, id: string): Promise<string | null | undefined> {
  if (object === 'contacts') return id;
  const subject = (objectSpecs[object] as ObjectSpec).subject;
  if (typeof subject !== 'object') return undefined;
  const [row] = await rc.plainRows(object, { id });
  return (row?.[subject.via] as string | null | undefined) ?? null;
}

const write = (r: PlainRecord): ActivityWrite => ({
  kind: r.kind as ActivityWrite['kind'],
  aboutObject: String(r.aboutObject),
  aboutId: String(r.aboutId),
  dueDate: (r.dueDate as string | null) ?? null,
  done: r.done === true,
});

/**
 * Activities: attached to a record of any object (the route has checked the caller sees it); an
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
        const implied = await contactOfRecord(rc, object, String(input.aboutId));
        if (implied !== undefined) {
          if (input.contactId !== undefined && input.contactId !== null && input.contactId !== implied) {
            throw unprocessable(`contactId must be the person the ${object} record is about`);
          }
          derived.contactId = implied;
        }
      } else if ('contactId' in input && input.contactId !== previous.contactId) {
        const implied = await contactOfRecord(rc, previous.aboutObject as StoreObject, String(previous.aboutId));
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
