import type { PrivacyRequestKind } from '@castellan/shared';
import type { FastifyBaseLogger } from 'fastify';
import type { RequestContext } from '../../platform/audit/audit-event.js';
import type { Actor } from '../../platform/authz/actor.js';
import { subjectOfContact } from '../../platform/data/privacy-desk.js';
import { PrivacyRequestCodes } from '../../platform/data/privacy-request-codes.js';
import { type PrivacyRequestEvent, PrivacyRequestHistory } from '../../platform/data/privacy-request-history.js';
import type { PresentedRecord, ProtectedStore, RecordBody } from '../../platform/data/protected-store.js';
import { staffEmailForSystem } from '../../platform/data/staff-directory.js';
import { AppError, unprocessable } from '../../platform/errors.js';
import type { Kernel } from '../../platform/kernel.js';
import type { Mailer } from '../../platform/notify/mailer.js';
import { type ExecutionResult, executableKinds, executeSubjectRequest } from './privacy-request-execution.js';
import { reminderMail, verificationMail } from './privacy-request-mail.js';

/** The steps an officer takes on a request; each is one audited store write plus one history row. */
export type DeskStep = 'assign' | 'verify' | 'start' | 'pause' | 'resume' | 'extend' | 'respond' | 'complete' | 'refuse';

/**
 * The privacy officer's desk: every step on a request runs in one transaction — the store write
 * (field rules, sealing, status table, clock; audited) and the history row — so a step is recorded
 * exactly when it happened. Only plain fields are read to name the status before the step.
 */
export class PrivacyRequestDesk {
  readonly history: PrivacyRequestHistory;
  readonly codes: PrivacyRequestCodes;

  constructor(
    private readonly kernel: Kernel,
    private readonly store: ProtectedStore,
    private readonly mailer: Mailer,
  ) {
    this.history = new PrivacyRequestHistory(kernel);
    this.codes = new PrivacyRequestCodes(kernel);
  }

  private async plainOf(unit: ProtectedStore, actor: Actor, id: string) {
    const [row] = await unit.aggregate(actor, 'privacy_requests', { groupBy: ['id', 'status', 'kind', 'overdue'], filters: { id } });
    if (!row) throw new AppError('not_found', 404, 'privacy request not found');
    return row;
  }

  /** Records a new request entered by staff (received by letter, phone or in person). */
  async receive(actor: Actor, context: RequestContext, body: RecordBody): Promise<PresentedRecord> {
    return this.store.inTransaction(async (unit, tx) => {
      const created = await unit.create(actor, context, 'privacy_requests', { ...body, source: 'staff' });
      await this.history.append(tx, actor, String(created.id), 'received', null, String(created.status), { source: 'staff' });
      return created;
    });
  }

  /** One step: the write the step means, then its history row, in one transaction. */
  async take(actor: Actor, context: RequestContext, id: string, step: DeskStep, body: RecordBody): Promise<PresentedRecord> {
    return this.store.inTransaction(async (unit, tx) => {
      const before = await this.plainOf(unit, actor, id);
      const after = await unit.update(actor, context, 'privacy_requests', id, body);
      const detail: PrivacyRequestEvent['detail'] = {};
      if (step === 'assign') detail.assignee = String(after.ownerId);
      if (step === 'extend') detail.dueDay = (after.dueDay as string | null) ?? null;
      if (step === 'complete' || step === 'refuse') detail.late = before.overdue === true;
      await this.history.append(tx, actor, id, step, String(before.status), String(after.status), detail);
      return after;
    });
  }

  /** Sends (again) a verification code to the e-mail the requester gave; the old code stops working. */
  async sendCode(actor: Actor, context: RequestContext, id: string, log: FastifyBaseLogger): Promise<void> {
    const record = await this.store.get(actor, context, 'privacy_requests', id);
    if (record.status !== 'unverified') throw new AppError('conflict', 409, 'the requester is already verified');
    const email = record.requesterEmail;
    if (typeof email !== 'string' || (record.maskedFields as string[] | undefined)?.includes('requesterEmail')) {
      throw new AppError('forbidden', 403, 'you may not read the requester’s e-mail');
    }
    const code = await this.store.inTransaction(async (_unit, tx) => {
      const issued = await this.codes.issue(tx, id);
      await this.history.append(tx, actor, id, 'code_sent', 'unverified', 'unverified');
      return issued;
    });
    await this.mail(email, id, code, log);
  }

  /** Sends a code e-mail; a failure reaches the log as its kind only (never the address). */
  async mail(email: string, reference: string, code: string, log: FastifyBaseLogger): Promise<void> {
    const message = verificationMail(this.kernel.config.publicUrl, reference, code);
    await this.mailer.send(email, message.subject, message.text).catch((error: Error) => {
      log.error({ err: { type: error.name } }, 'privacy request verification e-mail failed');
    });
  }

  /**
   * Mails a reminder (or the overdue notice) to the request's assignee, read through the staff
   * directory as an audited system use. No assignee or no SMTP: nothing is sent; a failure reaches the
   * log as its kind only. Answers whether a mail went out.
   */
  async remindAssignee(id: string, assigneeId: string | null, dueAt: string, overdue: boolean, log?: FastifyBaseLogger): Promise<boolean> {
    if (!assigneeId || !this.mailer.configured) return false;
    const email = await staffEmailForSystem(this.kernel, assigneeId, 'a privacy request reminder');
    if (!email) return false;
    const message = reminderMail(this.kernel.config.publicUrl, id, dueAt, overdue);
    try {
      await this.mailer.send(email, message.subject, message.text);
      return true;
    } catch (error) {
      log?.error({ err: { type: (error as Error).name } }, 'privacy request reminder e-mail failed');
      return false;
    }
  }

  /**
   * Carries out an access, portability, erasure or restriction request for the contact it is about,
   * through subject-data with the request as the reason. Other kinds are carried out by the officer.
   */
  async execute(actor: Actor, context: RequestContext, id: string): Promise<ExecutionResult> {
    const record = await this.store.get(actor, context, 'privacy_requests', id);
    const kind = record.kind as PrivacyRequestKind;
    if (!executableKinds.has(kind)) {
      throw unprocessable(
        `${kind} requests are carried out by the officer (edit the record, stop the processing or change the consent), then completed with a response`,
      );
    }
    if (record.status !== 'verified' && record.status !== 'in_progress')
      throw new AppError('conflict', 409, 'verify the requester before carrying out the request');
    if (!record.contactId) throw unprocessable('the request names no contact on record: answer that no data is held, and complete it');
    const subjectId = await subjectOfContact(this.kernel, String(record.contactId));
    if (!subjectId) throw unprocessable('the contact on record no longer exists');
    return executeSubjectRequest(this.kernel, actor, context, { id, kind, format: (record.format as string | null) ?? null }, subjectId);
  }
}
