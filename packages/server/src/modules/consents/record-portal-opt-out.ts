import type { ConsentChannel, ConsentPurpose } from '@castellan/shared';
import type { RequestContext } from '../../platform/audit/audit-event.js';
import { asSystem } from '../../platform/data/as-system.js';
import type { ProtectedStore } from '../../platform/data/protected-store.js';
import { recordGpcSignal } from './record-gpc-signal.js';

export interface PortalOptOut {
  email: string;
  /** Withdrawals of purposes per channel (PIPL Art. 15 / GDPR Art. 7(3): as easy as giving). */
  withdrawals: { purpose: ConsentPurpose; channel: ConsentChannel }[];
  /** An explicit opt-out of sale / sharing (CCPA §1798.120), without a GPC signal. */
  optOutOfSaleShare: boolean;
  /** The request carried `Sec-GPC: 1`. */
  gpc: boolean;
}

/** The most people one e-mail address may name (shared family addresses). */
const maxPeoplePerAddress = 20;

/**
 * A data subject's opt-out on the public portal, in one transaction: the people whose e-mail is the
 * address given (found through its blind index) get a withdrawal entry (source portal) per purpose
 * and channel named, an opt-out of sale / sharing when asked, and — with `Sec-GPC: 1` — the GPC
 * opt-out and its conflict check. Opting out needs no identity check (CCPA Regs. §7026: a request to
 * opt out need not be verifiable; a withdrawal only ever narrows use); giving consent does, so it is
 * not offered here. The caller learns nothing: the answer is the same for an unknown address. The
 * system actor's reason names the portal in every audit event; entries belong to the contact's owner.
 */
export async function recordPortalOptOut(store: ProtectedStore, context: RequestContext, request: PortalOptOut): Promise<void> {
  const actor = asSystem('privacy portal: an opt-out by the data subject');
  await store.inTransaction(async (unit) => {
    const found = await unit.list(actor, context, 'contacts', { limit: maxPeoplePerAddress, search: { field: 'email', value: request.email } });
    for (const person of found.items) {
      const contactId = String(person.id);
      const ownership = { ownerId: String(person.ownerId), teamId: (person.teamId as string | null) ?? null };
      for (const w of request.withdrawals) {
        await unit.create(actor, context, 'consents', {
          contactId,
          purpose: w.purpose,
          channel: w.channel,
          status: 'withdrawn',
          source: 'portal',
          lawfulBasis: 'consent',
          ...ownership,
        });
      }
      if (request.gpc) await recordGpcSignal(unit, actor, context, contactId, ownership);
      else if (request.optOutOfSaleShare) {
        await unit.create(actor, context, 'consents', {
          contactId,
          purpose: 'sale_share',
          channel: 'any',
          status: 'withdrawn',
          source: 'portal',
          lawfulBasis: 'consent',
          ...ownership,
        });
      }
    }
  });
}
