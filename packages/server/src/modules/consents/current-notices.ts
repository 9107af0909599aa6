import type { RequestContext } from '../../platform/audit/audit-event.js';
import type { Actor } from '../../platform/authz/actor.js';
import type { PresentedRecord, ProtectedStore } from '../../platform/data/protected-store.js';
import { currentVersions } from './notice.policy.js';

/** The current (highest) version of the privacy notice of every purpose that has one, in purpose order. */
export async function currentNotices(store: ProtectedStore, actor: Actor, context: RequestContext): Promise<PresentedRecord[]> {
  const versions = await store.aggregate(actor, 'privacy_notices', { groupBy: ['id', 'purpose', 'version'] });
  const ids = currentVersions(versions.map((v) => ({ id: String(v.id), purpose: String(v.purpose), version: Number(v.version) })));
  if (ids.length === 0) return [];
  const page = await store.list(actor, context, 'privacy_notices', { limit: ids.length, ids });
  return [...page.items].sort((a, b) => String(a.purpose).localeCompare(String(b.purpose)));
}
