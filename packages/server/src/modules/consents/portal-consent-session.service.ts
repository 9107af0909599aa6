import type { FastifyBaseLogger } from 'fastify';
import type { RequestContext } from '../../platform/audit/audit-event.js';
import { asSystem } from '../../platform/data/as-system.js';
import { isId } from '../../platform/data/ids.js';
import { PortalConsentSessions } from '../../platform/data/portal-consent-sessions.js';
import type { ProtectedStore } from '../../platform/data/protected-store.js';
import { AppError, unprocessable } from '../../platform/errors.js';
import type { Kernel } from '../../platform/kernel.js';
import type { Mailer } from '../../platform/notify/mailer.js';
import type { ConsentEntry } from './consent-validity.policy.js';
import { currentNotices } from './current-notices.js';
import { optedOutOfSaleShare } from './gpc.policy.js';
import { consentCodeMail } from './portal-consent-mail.js';
import { decisionProblem, type PortalConsentRow, type PortalDecision, type PortalNotice, portalConsentRows } from './portal-consent-view.policy.js';
import { recordGpcSignal } from './record-gpc-signal.js';

/** What the verified person sees: the current notices, their consents, and their sale / share standing. */
export interface PortalConsentView {
  notices: PortalNotice[];
  consents: PortalConsentRow[];
  /** The latest sale / share entry in effect is a withdrawal (for every person with the address). */
  optedOutOfSaleShare: boolean;
  /** This request carried `Sec-GPC: 1` (and the opt-out it means is recorded). */
  gpcSignal: boolean;
}

/** The most people one e-mail address may name (shared family addresses), as for the portal opt-out. */
const maxPeoplePerAddress = 20;

/** The one answer to a wrong, spent or expired code and an unknown session alike. */
const wrongCode = () => new AppError('unprocessable', 422, 'the code is wrong or has expired, or the session is unknown: ask for a new code');
/** The one answer to an unknown session, a wrong key and a lapsed session alike. */
const noSession = () => new AppError('not_found', 404, 'this consent session is unknown or has lapsed (30 minutes): ask for a new code');

/**
 * The privacy portal's consent management: a person proves they hold an e-mail address with a code
 * mailed to it, then sees the current notices and the consents of the people on record with that
 * address, and gives or withdraws each — every decision a new ledger entry (source portal), never a
 * change. It never tells an unverified caller whether anyone has the address: opening a session does
 * the same work either way (an exact search, one row written, the code mailed after the answer), and
 * a verified session of an unknown address shows no consents and records nothing. `Sec-GPC: 1` on any
 * verified step records the opt-out of sale / sharing (with its conflict check) in the same
 * transaction. Every read and write is the system's under one named reason, audited by the store.
 */
export class PortalConsentDesk {
  private readonly system = asSystem('privacy portal: a data subject manages their consents');
  private readonly sessions: PortalConsentSessions;

  constructor(
    private readonly kernel: Kernel,
    private readonly store: ProtectedStore,
    private readonly mailer: Mailer,
  ) {
    this.sessions = new PortalConsentSessions(kernel);
  }

  async open(email: string, context: RequestContext, log: FastifyBaseLogger): Promise<{ session: string }> {
    const address = email.trim();
    const found = await this.store.list(this.system, context, 'contacts', { limit: maxPeoplePerAddress, search: { field: 'email', value: address } });
    const people = found.items.filter((c) => typeof c.email === 'string' && c.email.toLowerCase() === address.toLowerCase()).map((c) => String(c.id));
    const { id, code } = await this.sessions.open(people);
    setImmediate(() => void this.mail(address, id, code, log));
    return { session: id };
  }

  private async mail(email: string, session: string, code: string, log: FastifyBaseLogger): Promise<void> {
    const message = consentCodeMail(this.kernel.config.publicUrl, session, code);
    await this.mailer.send(email, message.subject, message.text).catch((error: Error) => {
      log.error({ err: { type: error.name } }, 'portal consent verification e-mail failed');
    });
  }

  async verify(session: string, code: string, gpc: boolean, context: RequestContext): Promise<{ sessionKey: string; expiresAt: string }> {
    const result = isId(session) ? await this.sessions.check(session, code) : ({ outcome: 'spent' } as const);
    if (result.outcome !== 'verified') {
      await this.sessions.auditFailure(context, result.outcome);
      throw wrongCode();
    }
    if (gpc) await this.recordGpc(result.contactIds, context);
    return { sessionKey: result.key, expiresAt: result.expiresAt };
  }

  private async people(session: string, key: string): Promise<string[]> {
    const people = isId(session) ? await this.sessions.peopleOf(session, key) : null;
    if (!people) throw noSession();
    return people;
  }

  private async recordGpc(people: readonly string[], context: RequestContext): Promise<void> {
    if (people.length === 0) return;
    await this.store.inTransaction(async (unit) => {
      for (const person of await this.owners(unit, people, context)) await recordGpcSignal(unit, this.system, context, person.contactId, person.ownership);
    });
  }

  private async owners(unit: ProtectedStore, people: readonly string[], context: RequestContext) {
    const page = await unit.list(this.system, context, 'contacts', { limit: people.length, ids: [...people] });
    return page.items.map((c) => ({ contactId: String(c.id), ownership: { ownerId: String(c.ownerId), teamId: (c.teamId as string | null) ?? null } }));
  }

  private async notices(context: RequestContext): Promise<PortalNotice[]> {
    const records = await currentNotices(this.store, this.system, context);
    return records.map((n) => ({
      id: String(n.id),
      purpose: n.purpose as PortalNotice['purpose'],
      version: Number(n.version),
      titleZh: String(n.titleZh),
      titleEn: String(n.titleEn),
      textZh: String(n.textZh),
      textEn: String(n.textEn),
    }));
  }

  async view(session: string, key: string, gpc: boolean, context: RequestContext): Promise<PortalConsentView> {
    const people = await this.people(session, key);
    if (gpc) await this.recordGpc(people, context);
    return this.present(people, gpc, context);
  }

  async decide(session: string, key: string, decisions: readonly PortalDecision[], gpc: boolean, context: RequestContext): Promise<PortalConsentView> {
    const people = await this.people(session, key);
    const notices = await this.notices(context);
    const problem = decisionProblem(decisions, notices);
    if (problem) throw unprocessable(problem);
    const noticeOf = new Map(notices.map((n) => [n.purpose, n.id]));
    if (people.length > 0) {
      await this.store.inTransaction(async (unit) => {
        for (const person of await this.owners(unit, people, context)) {
          for (const d of decisions) {
            await unit.create(this.system, context, 'consents', {
              contactId: person.contactId,
              purpose: d.purpose,
              channel: d.channel,
              status: d.status,
              source: 'portal',
              lawfulBasis: 'consent',
              givenBy: 'subject',
              noticeId: noticeOf.get(d.purpose) ?? null,
              ...person.ownership,
            });
          }
          if (gpc) await recordGpcSignal(unit, this.system, context, person.contactId, person.ownership);
        }
      });
    }
    return this.present(people, gpc, context, notices);
  }

  private async present(people: readonly string[], gpc: boolean, context: RequestContext, known?: PortalNotice[]): Promise<PortalConsentView> {
    const notices = known ?? (await this.notices(context));
    const perPerson: ConsentEntry[][] = [];
    for (const contactId of people) {
      const rows = await this.store.aggregateAcrossScopes(this.system, 'consents', {
        groupBy: ['id', 'purpose', 'channel', 'status', 'at', 'expiresAt', 'givenBy'],
        filters: { contactId },
      });
      perPerson.push(rows as unknown as ConsentEntry[]);
    }
    const now = new Date();
    const optedOut = perPerson.length > 0 && perPerson.every((entries) => optedOutOfSaleShare(entries, now));
    return { notices, consents: portalConsentRows(notices, perPerson.flat(), now), optedOutOfSaleShare: optedOut, gpcSignal: gpc };
  }
}
