import type { Readable } from 'node:stream';
import { permissionOf } from '@castellan/shared';
import type { RequestContext } from '../audit/audit-event.js';
import { can } from '../authz/access-policy.js';
import type { Actor } from '../authz/actor.js';
import { AppError, conflict, forbidden, notFound } from '../errors.js';
import { type Kernel, refreshPlannerStatistics } from '../kernel.js';
import type { WithinCreate } from './idempotency-keys.js';
import { newId, nowIso } from './ids.js';
import { createRows } from './import-commit.js';
import { deleteProblems, type ImportCounters, type ImportJob, insertJob, insertProblems, loadJob, saveJob, zeroCounters } from './import-jobs.js';
import type { ImportableObject } from './import-objects.js';
import { type RowProblem, type RowReader, resolveMapping, rowReader } from './import-rows.js';
import { type ImportFormat, readRows, type SourceRow } from './import-source.js';
import { removeSpool } from './import-spool.js';
import { type AcceptedRow, walkRows } from './import-walk.js';
import type { ProtectedStore } from './protected-store.js';

export interface ImportOptions {
  object: ImportableObject;
  format: ImportFormat;
  /** Explicit `file column → field` pairs; other columns map by their header. */
  mapping: Record<string, string>;
  /** Import the good rows in committed chunks and report the bad ones, instead of all or nothing. */
  skipInvalid: boolean;
  /** Rows per committed chunk with skipInvalid (default 5 000). */
  chunkSize?: number;
}

export interface ImportFile {
  source: 'upload' | 'file';
  size: number;
  fingerprint: string;
  spoolKey?: { wrapped: Buffer; version: number };
}

/** Re-opens the file from its start (each pass and each resume reads it again; nothing else is kept). */
export type OpenFile = () => Readable;
export type ProgressListener = (job: ImportJob) => void;

export const defaultChunkSize = 5000;
/** Rows of the all-or-nothing pass written per createMany batch inside its one transaction. */
const writeBatch = 500;
const problemBatch = 500;

/** Live progress of the jobs this process runs (their rows in the database lag inside a transaction). */
const live = new Map<string, ImportJob>();

/** Raised inside the all-or-nothing transaction at the first invalid row: everything rolls back, then the report is made. */
class BadRows extends Error {
  constructor() {
    super('the file has invalid rows');
  }
}

/** Raised inside the all-or-nothing transaction when the store refused a row: everything rolls back. */
class RefusedRows extends Error {
  constructor(readonly problems: RowProblem[]) {
    super('the store refused rows');
  }
}

/** The header row, then the data rows. */
async function headerAndRows(open: OpenFile, format: ImportFormat): Promise<{ header: string[]; rows: AsyncGenerator<SourceRow> }> {
  const rows = readRows(open, format);
  const first = await rows.next();
  return { header: first.done ? [] : first.value.cells, rows };
}

/**
 * Imports a CSV or XLSX file into a store object (issue 8 item 8), streaming: memory holds a window
 * of rows and the file's digest set, never the file.
 *
 * All or nothing (default): every row is validated, de-duplicated and written in ONE transaction (a
 * kill leaves nothing); at the first invalid row it is rolled back and a pass that writes nothing
 * makes the report of the whole file (the job is `rejected`).
 * With skipInvalid: one pass that commits every `chunkSize` accepted rows together with their part
 * of the report and the job's counters and last committed line, in one transaction per chunk (a kill
 * leaves whole chunks), and `run` on the same job resumes after the last committed line.
 */
export class Importer {
  constructor(
    private readonly kernel: Kernel,
    private readonly store: ProtectedStore,
  ) {}

  /** Checks the permission and the mapping against the file's header, and records the job. */
  async createJob(actor: Actor, options: ImportOptions, file: ImportFile, open: OpenFile, id = newId(), within?: WithinCreate): Promise<ImportJob> {
    this.requireCreate(actor, options.object);
    if (!actor.userId) throw forbidden('an import is made by a user');
    const { header, rows } = await headerAndRows(open, options.format);
    await rows.return(undefined);
    resolveMapping(actor, options.object, header, options.mapping);
    const now = nowIso();
    const job: ImportJob = {
      id,
      object: options.object,
      format: options.format,
      userId: actor.userId,
      source: file.source,
      state: 'importing',
      skipInvalid: options.skipInvalid,
      chunkSize: options.chunkSize ?? defaultChunkSize,
      mapping: options.mapping,
      fileSize: file.size,
      fileFingerprint: file.fingerprint,
      spoolKey: file.spoolKey ?? null,
      ...zeroCounters(),
      error: null,
      createdAt: now,
      updatedAt: now,
      finishedAt: null,
    };
    if (within)
      await this.kernel.transaction(async (tx) => {
        await insertJob(tx.trx, job);
        await within(tx, id);
      });
    else await insertJob(this.kernel.db.kysely, job);
    return job;
  }

  /** A job of the actor's own (anyone else's: 404), with its live progress when this process runs it. */
  async job(actor: Actor, id: string): Promise<ImportJob> {
    const job = live.get(id) ?? (await loadJob(this.kernel.db.kysely, id));
    if (!job || job.userId !== actor.userId) throw notFound('import');
    return job;
  }

  /**
   * Runs (or resumes) a job to its end: done, rejected or failed. A job already done or rejected is
   * returned as it is. The listener gets the progress at most every 200 ms and at the end.
   */
  async run(actor: Actor, context: RequestContext, jobId: string, open: OpenFile, onProgress?: ProgressListener): Promise<ImportJob> {
    const job = await this.job(actor, jobId);
    if (isFinished(job)) return job;
    if (live.has(jobId)) throw conflict('this import is running');
    this.requireCreate(actor, job.object);
    live.set(jobId, job);
    let lastReport = 0;
    const report = (force = false) => {
      job.updatedAt = nowIso();
      const now = Date.now();
      if (onProgress && (force || now - lastReport >= 200)) {
        lastReport = now;
        onProgress({ ...job });
      }
    };
    try {
      if (job.skipInvalid) await this.runInChunks(actor, context, job, open, report);
      else await this.runAllOrNothing(actor, context, job, open, report);
      if (job.rowsImported >= 1000) await refreshPlannerStatistics(this.kernel, job.object);
    } catch (error) {
      job.state = 'failed';
      // Kept in the job row: our own messages (no values), else only the kind of failure (a parser's message may quote the file).
      job.error = error instanceof AppError ? error.message : `the import failed (${error instanceof Error ? error.name : 'error'})`;
      await saveJob(this.kernel.db.kysely, job.id, { state: 'failed', error: job.error });
      throw error;
    } finally {
      live.delete(jobId);
      if (isFinished(job)) await this.dropSpool(job);
      report(true);
    }
    return job;
  }

  /**
   * All or nothing in one pass when the file is good: every row is validated, de-duplicated and
   * written inside ONE transaction. At the first invalid row the transaction is rolled back and a
   * second pass, writing nothing, makes the report of the whole file. Rows the store refuses are
   * collected to the end, then everything is rolled back and they are reported.
   */
  private async runAllOrNothing(actor: Actor, context: RequestContext, job: ImportJob, open: OpenFile, report: (force?: boolean) => void) {
    const db = this.kernel.db.kysely;
    Object.assign(job, zeroCounters(), { state: 'importing', error: null });
    await deleteProblems(db, job.id);
    await saveJob(db, job.id, { ...zeroCounters(), state: 'importing', error: null });
    const { rows, reader } = await this.reader(actor, job, open);
    const tally = zeroCounters();
    try {
      await this.store.inTransaction(async (unit, tx) => {
        let batch: AcceptedRow[] = [];
        let duplicates: RowProblem[] = [];
        const refused: RowProblem[] = [];
        const write = async () => {
          const result = await createRows(unit, tx, actor, context, job.object, batch);
          refused.push(...result.refused);
          tally.rowsImported += result.created;
          batch = [];
        };
        await walkRows(this.kernel, rows, reader, tally, {
          db: () => tx.trx,
          replayUntil: 0,
          problem: async (p) => {
            if (p.kind === 'invalid') throw new BadRows();
            duplicates.push(p);
            if (duplicates.length >= problemBatch) {
              await insertProblems(tx.trx, job.id, duplicates);
              duplicates = [];
            }
          },
          accepted: async (row) => {
            batch.push(row);
            if (batch.length >= writeBatch) await write();
          },
          rowDone: () => {
            Object.assign(job, tally);
            report();
          },
        });
        await write();
        await insertProblems(tx.trx, job.id, duplicates);
        if (refused.length) throw new RefusedRows(refused);
        Object.assign(job, tally, { state: 'done', lastCommittedLine: 0 });
        await saveJob(tx.trx, job.id, { ...counters(job), state: 'done', finished: true });
      });
    } catch (error) {
      await rows.return(undefined);
      if (error instanceof RefusedRows) {
        await insertProblems(db, job.id, error.problems);
        Object.assign(job, tally, {
          rowsImported: 0,
          rowsValid: tally.rowsValid - error.problems.length,
          rowsInvalid: error.problems.length,
          state: 'rejected',
        });
        await saveJob(db, job.id, { ...counters(job), state: 'rejected', finished: true });
        return;
      }
      if (!(error instanceof BadRows)) throw error;
      await this.reportOnly(actor, job, open, report);
    }
  }

  /** The report of a file that will not be imported: every row validated and de-duplicated, nothing written. */
  private async reportOnly(actor: Actor, job: ImportJob, open: OpenFile, report: (force?: boolean) => void) {
    const db = this.kernel.db.kysely;
    Object.assign(job, zeroCounters(), { state: 'validating' });
    await saveJob(db, job.id, { ...zeroCounters(), state: 'validating' });
    let pending: RowProblem[] = [];
    const { rows, reader } = await this.reader(actor, job, open);
    await walkRows(this.kernel, rows, reader, job, {
      db: () => db,
      replayUntil: 0,
      problem: async (p) => {
        pending.push(p);
        if (pending.length >= problemBatch) {
          await insertProblems(db, job.id, pending);
          pending = [];
        }
      },
      accepted: () => undefined,
      rowDone: async (_line, c) => {
        if (c.rowsRead % 10_000 === 0) await saveJob(db, job.id, c);
        report();
      },
    });
    await insertProblems(db, job.id, pending);
    job.state = 'rejected';
    await saveJob(db, job.id, { ...counters(job), state: 'rejected', finished: true });
  }

  private async runInChunks(actor: Actor, context: RequestContext, job: ImportJob, open: OpenFile, report: (force?: boolean) => void) {
    const db = this.kernel.db.kysely;
    job.state = 'importing';
    job.error = null;
    await saveJob(db, job.id, { state: 'importing', error: null });
    const { rows, reader } = await this.reader(actor, job, open);
    let chunk: AcceptedRow[] = [];
    let problems: RowProblem[] = [];
    let lastLine = job.lastCommittedLine;
    const commit = async (line: number, final: boolean) => {
      const rowsOf = chunk;
      const problemsOf = problems;
      chunk = [];
      problems = [];
      await this.store.inTransaction(async (unit, tx) => {
        const { created, refused } = await createRows(unit, tx, actor, context, job.object, rowsOf);
        await insertProblems(
          tx.trx,
          job.id,
          [...problemsOf, ...refused].sort((a, b) => a.line - b.line),
        );
        job.rowsImported += created;
        job.rowsValid -= refused.length;
        job.rowsInvalid += refused.length;
        job.lastCommittedLine = line;
        await saveJob(tx.trx, job.id, { ...counters(job), ...(final ? { state: 'done', finished: true } : {}) });
      });
      if (final) job.state = 'done';
      report();
    };
    await walkRows(this.kernel, rows, reader, job, {
      db: () => db,
      replayUntil: job.lastCommittedLine,
      problem: (p) => {
        problems.push(p);
      },
      accepted: (row) => {
        chunk.push(row);
      },
      rowDone: async (line) => {
        lastLine = line;
        if (chunk.length >= job.chunkSize) await commit(line, false);
        else report();
      },
    });
    await commit(lastLine, true);
  }

  private async reader(actor: Actor, job: ImportJob, open: OpenFile): Promise<{ rows: AsyncGenerator<SourceRow>; reader: RowReader }> {
    const { header, rows } = await headerAndRows(open, job.format);
    return { rows, reader: rowReader(job.object, resolveMapping(actor, job.object, header, job.mapping)) };
  }

  private requireCreate(actor: Actor, object: ImportableObject): void {
    const permission = permissionOf(object, 'create');
    if (!can(actor, permission)) throw forbidden(`missing permission ${permission}`);
  }

  private async dropSpool(job: ImportJob): Promise<void> {
    if (job.source !== 'upload') return;
    await removeSpool(this.kernel, job.id);
    await saveJob(this.kernel.db.kysely, job.id, { dropSpoolKey: true });
    job.spoolKey = null;
  }
}

const counters = (job: ImportJob): ImportCounters => ({
  rowsRead: job.rowsRead,
  rowsValid: job.rowsValid,
  rowsInvalid: job.rowsInvalid,
  rowsDuplicate: job.rowsDuplicate,
  rowsImported: job.rowsImported,
  lastCommittedLine: job.lastCommittedLine,
});

const isFinished = (job: ImportJob): boolean => job.state === 'done' || job.state === 'rejected';
