import type { Readable } from 'node:stream';
import type { RequestContext } from '../audit/audit-event.js';
import type { Actor } from '../authz/actor.js';
import { conflict } from '../errors.js';
import type { Kernel } from '../kernel.js';
import type { WithinCreate } from './idempotency-keys.js';
import { newId } from './ids.js';
import { type ImportJob, problemPage } from './import-jobs.js';
import type { RowProblem } from './import-rows.js';
import { Importer, type ImportOptions } from './import-run.js';
import { readSpool, removeSpool, type Spooled, writeSpool } from './import-spool.js';
import type { ProtectedStore } from './protected-store.js';

export interface SpooledUpload {
  spoolId: string;
  spooled: Spooled;
}

export interface ImportReport {
  job: ImportJob;
  problems: RowProblem[];
  /** Pass as `problemsAfter` for the next page of the report; null at its end. */
  nextProblemsAfter: number | null;
}

/**
 * Imports uploaded over HTTP: the body is spooled encrypted (import-spool.ts), the job is recorded
 * (its mapping checked against the header first, so a bad mapping is a 422 before the 202), and the
 * import runs in the background of this process; its progress and report are read with `report`.
 */
export class UploadedImports {
  private readonly importer: Importer;

  constructor(
    private readonly kernel: Kernel,
    store: ProtectedStore,
  ) {
    this.importer = new Importer(kernel, store);
  }

  async start(actor: Actor, context: RequestContext, options: ImportOptions, body: Readable): Promise<ImportJob> {
    return this.startSpooled(actor, context, options, await this.spool(body));
  }

  /** Spools an upload (encrypted) before its job is made: its fingerprint tells a repeat from another file. */
  async spool(body: Readable): Promise<SpooledUpload> {
    const spoolId = newId();
    return { spoolId, spooled: await writeSpool(this.kernel, spoolId, body) };
  }

  /** Removes a spooled upload that will not be imported (a repeat of an import already started). */
  async discard(upload: SpooledUpload): Promise<void> {
    await removeSpool(this.kernel, upload.spoolId);
  }

  /** Makes the job of a spooled upload (`within` runs in the job's transaction) and starts it. */
  async startSpooled(actor: Actor, context: RequestContext, options: ImportOptions, upload: SpooledUpload, within?: WithinCreate): Promise<ImportJob> {
    const { spoolId, spooled } = upload;
    let job: ImportJob;
    try {
      job = await this.importer.createJob(
        actor,
        options,
        { source: 'upload', size: spooled.size, fingerprint: spooled.fingerprint, spoolKey: { wrapped: spooled.wrapped, version: spooled.version } },
        () => readSpool(this.kernel, spoolId, spooled),
        spoolId,
        within,
      );
    } catch (error) {
      await removeSpool(this.kernel, spoolId);
      throw error;
    }
    this.runInBackground(actor, context, job);
    return job;
  }

  /** Continues an upload's import that stopped (a restart, a failure) from its spool. */
  async resume(actor: Actor, context: RequestContext, id: string): Promise<ImportJob> {
    const job = await this.importer.job(actor, id);
    if (job.source !== 'upload' || !job.spoolKey)
      throw conflict('this import cannot be resumed here: it is finished, or it reads a file given to the command line');
    this.runInBackground(actor, context, job);
    return job;
  }

  /** A job of the actor's own, as it is now. */
  async job(actor: Actor, id: string): Promise<ImportJob> {
    return this.importer.job(actor, id);
  }

  async report(actor: Actor, id: string, problemsAfter: number, limit: number): Promise<ImportReport> {
    const job = await this.importer.job(actor, id);
    const { problems, next } = await problemPage(this.kernel.db.kysely, id, problemsAfter, limit);
    return { job, problems, nextProblemsAfter: next };
  }

  private runInBackground(actor: Actor, context: RequestContext, job: ImportJob): void {
    const spoolKey = job.spoolKey;
    if (!spoolKey) return;
    // The state (failed, with its message) is kept in the job row; nothing else to do with the error here.
    this.importer.run(actor, context, job.id, () => readSpool(this.kernel, job.id, spoolKey)).catch(() => undefined);
  }
}
