import type { PrivacyLaw, PrivacyRequestKind } from '@castellan/shared';
import type { FastifyBaseLogger } from 'fastify';
import type { RequestContext } from '../../platform/audit/audit-event.js';
import { asSystem } from '../../platform/data/as-system.js';
import { isId } from '../../platform/data/ids.js';
import { privacyDeskOwner } from '../../platform/data/privacy-desk.js';
import type { ProtectedStore } from '../../platform/data/protected-store.js';
import { AppError } from '../../platform/errors.js';
import type { Kernel } from '../../platform/kernel.js';
import type { PrivacyRequestDesk } from './privacy-request-desk.js';

export interface PortalSubmission {
  kind: PrivacyRequestKind;
  law: PrivacyLaw;
  email: string;
  name?: string;
  details?: string;
  format?: 'json' | 'csv';
}

/** What the person may see of their own request once verified (no other person's value, no staff id). */
export interface PortalStatus {
  reference: string;
  kind: string;
  law: string;
  status: string;
  receivedAt: string;
  dueDay: string | null;
  extended: boolean;
  extensionReason: string | null;
  response: string | null;
}

/** The one answer to a wrong code, an expired or spent code and an unknown reference alike. */
const wrongCode = () =>
  new AppError('unprocessable', 422, 'the code is wrong or has expired, or the reference is unknown: ask for a new code by submitting the request again');
const unknownStatus = () => new AppError('not_found', 404, 'no request matches this reference and status key');

/**
 * The public privacy portal. It never tells whether a person is on record: every submission does
 * the same work (an exact search for the e-mail, a new request, a code mailed to the address given
 * after the answer) and answers the same reference-and-accepted; the code proves the person holds
 * that mailbox. The request is linked to the contact whose stored e-mail equals the one given
 * (compared in full after the blind-index lookup: a 32-bit index may collide). Every read and write
 * is the system's, under one named reason, audited.
 */
export class PrivacyPortal {
  private readonly system = asSystem('privacy portal: a data subject’s own request');

  constructor(
    private readonly kernel: Kernel,
    private readonly store: ProtectedStore,
    private readonly desk: PrivacyRequestDesk,
  ) {}

  async submit(input: PortalSubmission, context: RequestContext, log: FastifyBaseLogger): Promise<{ reference: string }> {
    const email = input.email.trim();
    const page = await this.store.list(this.system, context, 'contacts', { limit: 10, search: { field: 'email', value: email } });
    const match = page.items.find((c) => typeof c.email === 'string' && c.email.toLowerCase() === email.toLowerCase());
    const owner = await privacyDeskOwner(this.kernel);
    if (!owner) throw new AppError('internal_error', 503, 'the privacy desk has no officer yet: try again later');
    const { id, code } = await this.store.inTransaction(async (unit, tx) => {
      const created = await unit.create(this.system, context, 'privacy_requests', {
        kind: input.kind,
        law: input.law,
        format: input.kind === 'portability' ? (input.format ?? 'json') : null,
        requesterEmail: email,
        requesterName: input.name ?? null,
        details: input.details ?? null,
        contactId: match ? String(match.id) : null,
        source: 'portal',
        ownerId: owner,
      });
      const requestId = String(created.id);
      await this.desk.history.append(tx, this.system, requestId, 'received', null, 'unverified', { source: 'portal' });
      const issued = await this.desk.codes.issue(tx, requestId);
      await this.desk.history.append(tx, this.system, requestId, 'code_sent', 'unverified', 'unverified');
      return { id: requestId, code: issued };
    });
    setImmediate(() => void this.desk.mail(email, id, code, log));
    return { reference: id };
  }

  async verify(reference: string, code: string, context: RequestContext): Promise<{ statusKey: string }> {
    const result = isId(reference) ? await this.desk.codes.check(reference, code) : ({ outcome: 'spent' } as const);
    if (result.outcome !== 'verified') {
      await this.desk.codes.auditFailure(context, result.outcome);
      throw wrongCode();
    }
    await this.store.inTransaction(async (unit, tx) => {
      await unit.update(this.system, context, 'privacy_requests', reference, { status: 'verified' });
      await this.desk.history.append(tx, this.system, reference, 'verify', 'unverified', 'verified', { method: 'email_code' });
    });
    return { statusKey: result.token };
  }

  async status(reference: string, statusKey: string, context: RequestContext): Promise<PortalStatus> {
    if (!isId(reference) || !(await this.desk.codes.tokenMatches(reference, statusKey))) throw unknownStatus();
    const r = await this.store.get(this.system, context, 'privacy_requests', reference);
    const text = (v: unknown) => (typeof v === 'string' ? v : null);
    return {
      reference,
      kind: String(r.kind),
      law: String(r.law),
      status: String(r.status),
      receivedAt: String(r.receivedAt),
      dueDay: text(r.dueDay),
      extended: r.extended === true,
      extensionReason: text(r.extensionReason),
      response: text(r.response),
    };
  }
}
