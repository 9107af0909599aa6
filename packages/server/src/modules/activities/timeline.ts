import type { StoreObject } from '@castellan/shared';
import type { RequestContext } from '../../platform/audit/audit-event.js';
import { type HistoryEntry, recordHistory } from '../../platform/audit/record-history.js';
import type { Actor } from '../../platform/authz/actor.js';
import type { PresentedRecord, ProtectedStore } from '../../platform/data/protected-store.js';
import { encodeCursor } from '../../platform/data/store-values.js';
import { AppError } from '../../platform/errors.js';
import type { Kernel } from '../../platform/kernel.js';
import { assertAboutVisible } from './about-record.js';

export type TimelineItem = { type: 'activity'; at: string; activity: PresentedRecord } | { type: 'change'; at: string; change: HistoryEntry };

/** Where the next page of each stream starts: the last activity id and history seq shown, and which stream is done. */
interface TimelineCursor {
  a?: string;
  h?: number;
  aDone?: boolean;
  hDone?: boolean;
}

/** `<activity id | empty | x>_<seq | empty | x>`: x marks a stream that is done. */
const encode = (c: TimelineCursor) => `${c.aDone ? 'x' : (c.a ?? '')}_${c.hDone ? 'x' : (c.h ?? '')}`;
function decode(cursor: string | undefined): TimelineCursor {
  if (!cursor) return {};
  const match = /^(x|[0-9a-f-]{36})?_(x|\d{1,15})?$/.exec(cursor);
  if (!match) throw new AppError('bad_request', 400, 'invalid cursor');
  const [, a, h] = match;
  return {
    a: a && a !== 'x' ? a : undefined,
    aDone: a === 'x',
    h: h && h !== 'x' ? Number(h) : undefined,
    hDone: h === 'x',
  };
}

/**
 * A record's timeline, newest first: the activities about it the caller may see — for a contact,
 * every activity that concerns the person, whatever it is attached to — (their own scope
 * of activities, read through the store: masked, audited) merged with its history from the audit
 * trail (created, changed, deleted; no personal value). 404 when the caller cannot see the record.
 */
export async function timeline(
  kernel: Kernel,
  store: ProtectedStore,
  actor: Actor,
  context: RequestContext,
  record: { object: StoreObject; id: string },
  page: { limit: number; cursor?: string },
): Promise<{ items: TimelineItem[]; nextCursor: string | null }> {
  const at = decode(page.cursor);
  await assertAboutVisible(store, actor, record.object, record.id);
  const activities = at.aDone
    ? { items: [], nextCursor: null }
    : await store.list(actor, context, 'activities', {
        limit: page.limit,
        cursor: at.a ? encodeCursor(at.a) : undefined,
        // A person's timeline holds every activity that concerns them (about them, their cases, their consents…).
        filters: record.object === 'contacts' ? { contactId: record.id } : { aboutObject: record.object, aboutId: record.id },
        newestFirst: true,
      });
  const history = at.hDone ? { items: [], more: false } : await recordHistory(kernel, actor, context, record, { limit: page.limit, beforeSeq: at.h });
  const merged: TimelineItem[] = [
    ...activities.items.map((a) => ({ type: 'activity' as const, at: String(a.createdAt), activity: a })),
    ...history.items.map((h) => ({ type: 'change' as const, at: h.at, change: h })),
  ].sort((x, y) => (x.at < y.at ? 1 : x.at > y.at ? -1 : 0));
  const items = merged.slice(0, page.limit);
  const shownActivities = items.filter((i) => i.type === 'activity');
  const shownChanges = items.filter((i) => i.type === 'change');
  const lastActivity = shownActivities.at(-1);
  const lastChange = shownChanges.at(-1);
  const next: TimelineCursor = {
    a: lastActivity?.type === 'activity' ? String(lastActivity.activity.id) : at.a,
    h: lastChange?.type === 'change' ? lastChange.change.seq : at.h,
    aDone: shownActivities.length === activities.items.length && activities.nextCursor === null,
    hDone: shownChanges.length === history.items.length && !history.more,
  };
  return { items, nextCursor: next.aDone && next.hDone ? null : encode(next) };
}
