import type { Kysely } from 'kysely';
import type { ImportableObject } from './import-objects.js';
import type { RowProblem } from './import-rows.js';
import type { ImportFormat } from './import-source.js';

type AnyDb = Kysely<any>;

/**
 * validating: first pass (all-or-nothing imports) · importing: rows being written · done · rejected:
 * bad rows and no --skip-invalid, nothing imported · failed: stopped by an error (see `error`).
 */
export type ImportState = 'validating' | 'importing' | 'done' | 'rejected' | 'failed';

export interface ImportCounters {
  rowsRead: number;
  rowsValid: number;
  rowsInvalid: number;
  rowsDuplicate: number;
  rowsImported: number;
  /** With --skip-invalid: the last line of the last committed chunk (a resume continues after it). */
  lastCommittedLine: number;
}

export interface ImportJob extends ImportCounters {
  id: string;
  object: ImportableObject;
  format: ImportFormat;
  userId: string;
  source: 'upload' | 'file';
  state: ImportState;
  skipInvalid: boolean;
  chunkSize: number;
  /** The explicit column → field mapping given (other columns map by their header). */
  mapping: Record<string, string>;
  fileSize: number;
  /** Keyed MAC of the file's first MiB: a resume checks it is the same file. */
  fileFingerprint: string;
  spoolKey: { wrapped: Buffer; version: number } | null;
  error: string | null;
  createdAt: string;
  updatedAt: string;
  finishedAt: string | null;
}

export const zeroCounters = (): ImportCounters => ({ rowsRead: 0, rowsValid: 0, rowsInvalid: 0, rowsDuplicate: 0, rowsImported: 0, lastCommittedLine: 0 });

export async function insertJob(db: AnyDb, job: ImportJob): Promise<void> {
  await db
    .insertInto('import_jobs')
    .values({
      id: job.id,
      object: job.object,
      format: job.format,
      user_id: job.userId,
      source: job.source,
      state: job.state,
      skip_invalid: job.skipInvalid ? 1 : 0,
      chunk_size: job.chunkSize,
      mapping: JSON.stringify(job.mapping),
      file_size: job.fileSize,
      file_fingerprint: job.fileFingerprint,
      spool_key: job.spoolKey?.wrapped ?? null,
      spool_key_version: job.spoolKey?.version ?? null,
      ...counterColumns(job),
      error: job.error,
      created_at: job.createdAt,
      updated_at: job.updatedAt,
      finished_at: job.finishedAt,
    })
    .execute();
}

export async function loadJob(db: AnyDb, id: string): Promise<ImportJob | undefined> {
  const r = await db.selectFrom('import_jobs').selectAll().where('id', '=', id).executeTakeFirst();
  if (!r) return undefined;
  return {
    id: r.id,
    object: r.object,
    format: r.format,
    userId: r.user_id,
    source: r.source,
    state: r.state,
    skipInvalid: Number(r.skip_invalid) === 1,
    chunkSize: Number(r.chunk_size),
    mapping: JSON.parse(r.mapping),
    fileSize: Number(r.file_size),
    fileFingerprint: r.file_fingerprint,
    spoolKey: r.spool_key ? { wrapped: Buffer.from(r.spool_key), version: Number(r.spool_key_version) } : null,
    rowsRead: Number(r.rows_read),
    rowsValid: Number(r.rows_valid),
    rowsInvalid: Number(r.rows_invalid),
    rowsDuplicate: Number(r.rows_duplicate),
    rowsImported: Number(r.rows_imported),
    lastCommittedLine: Number(r.last_committed_line),
    error: r.error,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    finishedAt: r.finished_at,
  };
}

function counterColumns(c: ImportCounters) {
  return {
    rows_read: c.rowsRead,
    rows_valid: c.rowsValid,
    rows_invalid: c.rowsInvalid,
    rows_duplicate: c.rowsDuplicate,
    rows_imported: c.rowsImported,
    last_committed_line: c.lastCommittedLine,
  };
}

export async function saveJob(
  db: AnyDb,
  id: string,
  change: Partial<ImportCounters> & { state?: ImportState; error?: string | null; finished?: boolean; dropSpoolKey?: boolean },
): Promise<void> {
  const now = new Date().toISOString();
  const set: Record<string, unknown> = { updated_at: now };
  const columns = counterColumns({ ...zeroCounters(), ...change }) as Record<string, unknown>;
  for (const [name, key] of Object.entries({
    rows_read: 'rowsRead',
    rows_valid: 'rowsValid',
    rows_invalid: 'rowsInvalid',
    rows_duplicate: 'rowsDuplicate',
    rows_imported: 'rowsImported',
    last_committed_line: 'lastCommittedLine',
  }))
    if (key in change) set[name] = columns[name];
  if (change.state) set.state = change.state;
  if (change.error !== undefined) set.error = change.error;
  if (change.finished) set.finished_at = now;
  if (change.dropSpoolKey) set.spool_key = null;
  await db.updateTable('import_jobs').set(set).where('id', '=', id).execute();
}

export async function insertProblems(db: AnyDb, jobId: string, problems: readonly RowProblem[]): Promise<void> {
  for (let i = 0; i < problems.length; i += 500)
    await db
      .insertInto('import_problems')
      .values(problems.slice(i, i + 500).map((p) => ({ job_id: jobId, line: p.line, kind: p.kind, file_column: p.column, reason: p.reason })))
      .execute();
}

export async function deleteProblems(db: AnyDb, jobId: string, kinds?: RowProblem['kind'][]): Promise<void> {
  let q = db.deleteFrom('import_problems').where('job_id', '=', jobId);
  if (kinds) q = q.where('kind', 'in', kinds);
  await q.execute();
}

/** The report, in line order, a page at a time (`afterLine` exclusive). */
export async function listProblems(db: AnyDb, jobId: string, afterLine: number, limit: number): Promise<RowProblem[]> {
  const rows = await db
    .selectFrom('import_problems')
    .select(['line', 'kind', 'file_column', 'reason'])
    .where('job_id', '=', jobId)
    .where('line', '>', afterLine)
    .orderBy('line')
    .limit(limit)
    .execute();
  return rows.map((r: Record<string, unknown>) => ({
    line: Number(r.line),
    kind: r.kind as RowProblem['kind'],
    column: (r.file_column as string) ?? null,
    reason: String(r.reason),
  }));
}

/** A page of the report that never splits a line's problems; `next` is the `afterLine` of the following page (null at the end). */
export async function problemPage(db: AnyDb, jobId: string, afterLine: number, limit: number): Promise<{ problems: RowProblem[]; next: number | null }> {
  const page = await listProblems(db, jobId, afterLine, limit + 1);
  if (page.length <= limit) return { problems: page, next: null };
  let problems = page.slice(0, limit);
  const lastLine = problems[problems.length - 1]?.line ?? afterLine;
  const whole = problems.filter((p) => p.line < lastLine);
  if (whole.length > 0) problems = whole;
  return { problems, next: problems[problems.length - 1]?.line ?? null };
}
