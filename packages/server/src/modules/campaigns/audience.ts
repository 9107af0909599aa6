import { type ConsentChannel, type ConsentPurpose, fieldCatalogue } from '@castellan/shared';
import type { RequestContext } from '../../platform/audit/audit-event.js';
import { recordScope } from '../../platform/authz/access-policy.js';
import type { Actor } from '../../platform/authz/actor.js';
import type { ListPage, ProtectedStore, Value } from '../../platform/data/protected-store.js';
import { decodeCursor, encodeCursor } from '../../platform/data/store-values.js';
import { forbidden } from '../../platform/errors.js';
import type { ConsentEntry } from '../consents/consent-validity.policy.js';
import { audienceMembers } from './audience.policy.js';

/** The contacts catalogue flags minors once parties has `isMinor`; until then, consent alone decides. */
const minorField = 'isMinor' in fieldCatalogue.contacts ? 'isMinor' : undefined;

export interface AudienceRequest {
  campaignId: string;
  limit: number;
  cursor?: string;
  purpose?: 'export';
}

/** Who is in a campaign's audience now (ids in order), with its purpose and channel; nothing decrypted. */
async function audienceMembersOf(store: ProtectedStore, actor: Actor, context: RequestContext, campaignId: string) {
  const campaign = await store.get(actor, context, 'campaigns', campaignId);
  if (recordScope(actor, 'consents') !== 'all') {
    throw forbidden('an audience is built from the whole consent ledger: it needs consents.read over every team');
  }
  const purpose = campaign.purpose as ConsentPurpose;
  const channel = campaign.channel as ConsentChannel;
  const groupBy = ['contactId', 'purpose', 'channel', 'status', 'at', 'expiresAt', 'givenBy'];
  const ledger = [
    ...(await store.aggregate(actor, 'consents', { groupBy, filters: { purpose, channel } })),
    ...(await store.aggregate(actor, 'consents', { groupBy, filters: { purpose: 'sale_share' } })),
  ];
  const filters = JSON.parse(String(campaign.filters ?? '{}')) as Record<string, Value>;
  const candidates = await store.aggregate(actor, 'contacts', { groupBy: minorField ? ['id', minorField] : ['id'], filters, excludeRestricted: true });
  const members = audienceMembers(
    candidates.map((c) => ({ id: String(c.id), isMinor: minorField ? (c[minorField] as boolean | null) : null })),
    ledger.map((e) => ({ ...(e as unknown as ConsentEntry), contactId: String(e.contactId) })),
    { purpose, channel, now: new Date() },
  );
  return { members, purpose, channel };
}

/** How many people the campaign would reach now (a count: no one is decrypted or read). */
export async function audienceCount(store: ProtectedStore, actor: Actor, context: RequestContext, campaignId: string) {
  const { members, purpose, channel } = await audienceMembersOf(store, actor, context, campaignId);
  return { count: members.length, purpose, channel };
}

/**
 * A page of a campaign's audience: the contacts matching its filters that the caller may see AND
 * that have a valid consent for its purpose and channel (a guardian's for a minor). The ledger is
 * read whole (every team's entries: a withdrawal recorded anywhere counts), so the caller needs
 * consents over all teams. Only the page's people are decrypted — masked as the caller's field
 * rules say — and their read (or export) is audited with the campaign, its purpose and channel.
 */
export async function audiencePage(store: ProtectedStore, actor: Actor, context: RequestContext, request: AudienceRequest): Promise<ListPage> {
  const { members, purpose, channel } = await audienceMembersOf(store, actor, context, request.campaignId);
  const after = request.cursor ? decodeCursor(request.cursor) : undefined;
  const start = after ? members.findIndex((id) => id > after) : 0;
  const ids = start < 0 ? [] : members.slice(start, start + request.limit);
  const more = start >= 0 && start + request.limit < members.length;
  const page = await store.list(actor, context, 'contacts', {
    limit: request.limit,
    ids,
    purpose: request.purpose,
    excludeRestricted: true,
    auditDetail: { campaignId: request.campaignId, campaignPurpose: purpose, campaignChannel: channel },
  });
  const last = ids.at(-1);
  return { items: page.items, nextCursor: more && last ? encodeCursor(last) : null };
}
