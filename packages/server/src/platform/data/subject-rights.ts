import type { Kysely } from 'kysely';
import type { RequestContext } from '../audit/audit-event.js';
import type { Actor } from '../authz/actor.js';
import type { Kernel } from '../kernel.js';
import { storePackage, type TakenPackage, takePackage } from './access-package-store.js';
import { asSystem } from './as-system.js';
import { type ErasureStep, flushErasedPages } from './subject-erasure-steps.js';
import { completeErasureStep, type ErasureRecord, openErasure, unfinishedErasures } from './subject-erasures.js';
import { type LegalHoldReason, placeLegalHold, releaseLegalHold } from './subject-legal-holds.js';
import { readSubjectRecords, type SubjectRecords, subjectOfRecord } from './subject-records.js';
import { assertUnrestricted, changeRestriction, type RestrictionReason } from './subject-restrictions.js';
import { subjectStatus } from './subject-status.js';

type AnyDb = Kysely<any>;

/**
 * The platform side of data-subject rights: every transaction of an access package, an erasure step,
 * a restriction or a legal hold runs here, with its audit event; modules/subject-data orchestrates
 * (who may, in what order, how a package is encrypted) and never touches the database.
 */
export class SubjectRights {
  constructor(private readonly kernel: Kernel) {}

  status(subjectId: string) {
    return this.kernel.transaction((tx) => subjectStatus(tx.trx as unknown as AnyDb, subjectId));
  }

  subjectOf(object: 'contacts' | 'users', id: string): Promise<string> {
    return this.kernel.transaction((tx) => subjectOfRecord(tx, object, id));
  }

  /**
   * Reads the person whole as the system actor naming the request, has `seal` turn the records into
   * the encrypted package, and stores it behind a new single-use token — one transaction, audited
   * (the read as personal_data.export, the package as subject.access_package_created). A restricted
   * person's data leaves only to answer their own request (`requestId`).
   */
  exportSubject(
    officer: Actor,
    context: RequestContext,
    subjectId: string,
    options: { requestId?: string; format: string },
    seal: (records: SubjectRecords, createdAt: Date) => Buffer,
  ): Promise<{ token: string; expiresAt: string; bytes: number }> {
    return this.kernel.transaction(async (tx) => {
      if (!options.requestId) await assertUnrestricted(tx.trx as unknown as AnyDb, subjectId);
      const system = asSystem(`access package for data subject request ${options.requestId ?? '(privacy officer)'}`);
      const records = await readSubjectRecords(this.kernel, tx, system, context, subjectId, {
        requestedBy: officer.userId,
        purpose: 'access_package',
        ...(options.requestId ? { requestId: options.requestId } : {}),
      });
      const createdAt = new Date();
      const sealed = seal(records, createdAt);
      const stored = await storePackage(tx, {
        subjectId,
        requestId: options.requestId ?? null,
        format: options.format,
        sealed,
        createdBy: officer.userId,
        now: createdAt,
      });
      await tx.audit(officer, context, {
        action: 'subject.access_package_created',
        outcome: 'success',
        resource: 'access_packages',
        resourceId: stored.id,
        subjectIds: [subjectId],
        detail: { format: options.format, bytes: sealed.length, expiresAt: stored.expiresAt, ...(options.requestId ? { requestId: options.requestId } : {}) },
      });
      return { token: stored.token, expiresAt: stored.expiresAt, bytes: sealed.length };
    });
  }

  takePackage(actor: Actor, context: RequestContext, token: string, now?: Date): Promise<TakenPackage> {
    return this.kernel.transaction((tx) => takePackage(tx, actor, context, token, now));
  }

  openErasure(actor: Actor, context: RequestContext, subjectId: string, requestId: string | null): Promise<ErasureRecord> {
    return this.kernel.transaction((tx) => openErasure(tx, actor, context, subjectId, requestId));
  }

  erasureStep(actor: Actor, context: RequestContext, erasure: ErasureRecord, step: ErasureStep): Promise<ErasureRecord> {
    return this.kernel.transaction((tx) => completeErasureStep(this.kernel, tx, actor, context, erasure, step));
  }

  unfinishedErasures(): Promise<ErasureRecord[]> {
    return unfinishedErasures(this.kernel.db.kysely as unknown as AnyDb);
  }

  flushErasedPages(): Promise<void> {
    return flushErasedPages(this.kernel);
  }

  restrict(actor: Actor, context: RequestContext, subjectId: string, change: { on: boolean; reason: RestrictionReason; requestId?: string }) {
    return this.kernel.transaction((tx) => changeRestriction(tx, actor, context, subjectId, change));
  }

  placeHold(actor: Actor, context: RequestContext, input: { subjectId: string; table: string; rowId: string; reason: LegalHoldReason; note?: string }) {
    return this.kernel.transaction((tx) => placeLegalHold(this.kernel, tx, actor, context, input));
  }

  releaseHold(actor: Actor, context: RequestContext, subjectId: string, holdId: string): Promise<void> {
    return this.kernel.transaction((tx) => releaseLegalHold(tx, actor, context, subjectId, holdId));
  }
}
