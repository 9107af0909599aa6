import type { Kysely } from 'kysely';
import type { Kernel } from '../kernel.js';
import { DigestSet } from './import-digests.js';
import { digestKey, duplicateFields, existingDigests, type RowDigest, rowDigests } from './import-duplicates.js';
import type { ImportCounters } from './import-jobs.js';
import type { RowProblem, RowReader } from './import-rows.js';
import type { SourceRow } from './import-source.js';
import type { RecordValues } from './store-values.js';

/** A row that passed validation and de-duplication, ready to be created. */
export interface AcceptedRow {
  line: number;
  values: RecordValues;
}

export interface WalkHandlers {
  /** Reads existing records for de-duplication (the import's transaction, or the database). */
  db: () => Kysely<any>;
  /** Lines up to here were committed by an earlier run: they only rebuild the file's digest set. */
  replayUntil: number;
  problem(problem: RowProblem): Promise<void> | void;
  accepted(row: AcceptedRow): Promise<void> | void;
  /** After each row (in line order) past `replayUntil`, with the counters as of that row. */
  rowDone(line: number, counters: ImportCounters): Promise<void> | void;
}

interface Pending {
  line: number;
  values?: RecordValues;
  problems: RowProblem[];
  digests: RowDigest[];
}

/** Rows validated before their duplicates are looked up in the database together. */
const lookupBatch = 1000;

/**
 * One pass over a file's rows in line order: validate each with the object's create schema, then
 * de-duplicate it on its blind-indexed values against the existing records (looked up 1 000 rows at a
 * time) and against the earlier rows of the file (a digest set), and hand on problems and accepted
 * rows. Counters are exact after every row, so a chunk committed at a row carries the counts of the
 * file up to that row.
 */
export async function walkRows(kernel: Kernel, rows: AsyncIterable<SourceRow>, reader: RowReader, counters: ImportCounters, on: WalkHandlers): Promise<void> {
  const fields = duplicateFields(reader.plan);
  const seen = new Map(fields.map((f) => [f.name, new DigestSet()]));
  let window: Pending[] = [];
  let validInWindow = 0;

  const settle = async () => {
    // Field by field: a row found by its e-mail is not looked up again by its phone.
    const existing = new Set<string>();
    let open = window.filter((p) => p.line > on.replayUntil && p.digests.length > 0);
    for (const field of fields) {
      const lookups = open.flatMap((p) => p.digests.filter((d) => d.field === field));
      if (lookups.length) for (const key of await existingDigests(kernel, on.db(), reader.plan, lookups)) existing.add(key);
      open = open.filter((p) => !p.digests.some((d) => existing.has(digestKey(d))));
    }
    for (const entry of window) {
      const replay = entry.line <= on.replayUntil;
      if (!entry.values) {
        if (replay) continue;
        counters.rowsRead++;
        counters.rowsInvalid++;
        for (const p of entry.problems) await on.problem(p);
        await on.rowDone(entry.line, counters);
        continue;
      }
      const duplicate = replay ? undefined : duplicateOf(entry, existing, seen, reader);
      if (!duplicate) for (const d of entry.digests) seen.get(d.field.name)?.addOrGet(d.digest, entry.line);
      if (replay) continue;
      counters.rowsRead++;
      if (duplicate) {
        counters.rowsDuplicate++;
        await on.problem(duplicate);
      } else {
        counters.rowsValid++;
        await on.accepted({ line: entry.line, values: entry.values });
      }
      await on.rowDone(entry.line, counters);
    }
    window = [];
    validInWindow = 0;
  };

  for await (const row of rows) {
    const { values, problems } = reader.read(row.line, row.cells);
    const digests = values ? rowDigests(kernel, reader.plan, fields, values) : [];
    window.push({ line: row.line, values, problems, digests });
    if (values) validInWindow++;
    if (validInWindow >= lookupBatch) await settle();
  }
  await settle();
}

function duplicateOf(entry: Pending, existing: Set<string>, seen: Map<string, DigestSet>, reader: RowReader): RowProblem | undefined {
  const label = reader.plan.spec.label;
  for (const d of entry.digests)
    if (existing.has(digestKey(d)))
      return { line: entry.line, kind: 'duplicate', column: reader.columnOf(d.field.name), reason: `duplicate of an existing ${label} (${d.field.name})` };
  for (const d of entry.digests) {
    const earlier = seen.get(d.field.name)?.get(d.digest) ?? 0;
    if (earlier)
      return { line: entry.line, kind: 'duplicate', column: reader.columnOf(d.field.name), reason: `duplicate of line ${earlier} (${d.field.name})` };
  }
  return undefined;
}
