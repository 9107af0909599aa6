import type { CatalogueObject, RetentionAction, RetentionTrigger } from '@castellan/shared';
import { CompiledQuery, type Kysely, sql } from 'kysely';
import type { Kernel } from '../kernel.js';
import { nowIso } from './ids.js';
import { type RetentionTarget, retentionTarget, triggerColumn } from './retention-targets.js';

type AnyDb = Kysely<any>;

/** Where a batch stopped: the (date, id) of the last row looked at (keyset paging). */
export interface RetentionCursor {
  at: string;
  id: string;
}

export interface DueQuery {
  object: CatalogueObject;
  action: RetentionAction;
  trigger: RetentionTrigger;
  purpose: string;
  cutoff: string;
}

export interface DueRow {
  id: string;
  at: string;
  subjectId: string | null;
}

/** What a batch did: counts only, never a value nor an id. */
export interface BatchCounts {
  due: number;
  removed: number;
  anonymised: number;
  held: number;
  heldByReason: Record<string, number>;
  restricted: number;
  referenced: number;
}

export const emptyCounts = (): BatchCounts => ({ due: 0, removed: 0, anonymised: 0, held: 0, heldByReason: {}, restricted: 0, referenced: 0 });

/**
 * The next page of due rows after `cursor`, in (date, id) order through the (date, id) index: rows
 * whose date is before the cutoff, of the rule's purpose where the rows name one, and — for an
 * anonymisation — still holding a personal column (an anonymised row is not due again).
 */
export function dueRowsQuery(db: AnyDb, target: RetentionTarget, due: DueQuery, cursor: RetentionCursor | null, limit: number) {
  const column = triggerColumn(due.object, due.trigger);
  const c = sql.ref(`${due.object}.${column}`);
  let q = db
    .selectFrom(due.object)
    .select([`${due.object}.id as id`, `${due.object}.${column} as at`])
    .where(c, 'is not', null)
    .where(c, '<', due.cutoff);
  if (target.hasSubject) q = q.select(`${due.object}.subject_id as subjectId`);
  if (target.purposeColumn) q = q.where(`${due.object}.${target.purposeColumn}`, '=', due.purpose);
  // A row value: both databases page through the index by it.
  if (cursor) q = q.where(sql<boolean>`(${c}, ${sql.ref(`${due.object}.id`)}) > (${cursor.at}, ${cursor.id})`);
  if (due.action === 'anonymise') {
    const personal = target.clearToNull.map((col) => sql`${sql.ref(`${due.object}.${col}`)} IS NOT NULL`);
    q = q.where(personal.length ? sql<boolean>`(${sql.join(personal, sql` OR `)})` : sql<boolean>`1 = 0`);
  }
  // Ordered exactly as the index: (purpose,) date, id.
  if (target.purposeColumn) q = q.orderBy(`${due.object}.${target.purposeColumn}`);
  return q.orderBy(c).orderBy(`${due.object}.id`).limit(limit);
}

/** The index a rule's query pages through (migration 031). */
export const retentionIndexOf = (due: Pick<DueQuery, 'object' | 'trigger'>): string =>
  `${due.object}_retention_${due.trigger === 'inactivity' ? 'updated' : triggerColumn(due.object, due.trigger)}`;

/**
 * The due-rows query as run: on SQLite pinned to its retention index (`INDEXED BY`: SQLite refuses the
 * query rather than scan, and without statistics on a small table it may otherwise prefer another
 * index on the purpose and sort); PostgreSQL's planner chooses by statistics.
 */
export function compiledDueRows(
  kernel: Kernel,
  db: AnyDb,
  target: RetentionTarget,
  due: DueQuery,
  cursor: RetentionCursor | null,
  limit: number,
): CompiledQuery {
  const compiled = dueRowsQuery(db, target, due, cursor, limit).compile();
  if (kernel.db.dialect !== 'sqlite') return compiled;
  const from = `from "${due.object}"`;
  if (!compiled.sql.includes(from)) throw new Error(`unexpected due-rows query for ${due.object}`);
  return CompiledQuery.raw(compiled.sql.replace(from, `${from} indexed by "${retentionIndexOf(due)}"`), [...compiled.parameters]);
}

export async function dueRows(kernel: Kernel, db: AnyDb, due: DueQuery, cursor: RetentionCursor | null, limit: number): Promise<DueRow[]> {
  const target = await retentionTarget(kernel, db, due.object);
  const rows = (await db.executeQuery(compiledDueRows(kernel, db, target, due, cursor, limit))).rows as { id: string; at: string; subjectId?: string | null }[];
  return rows.map((r: { id: string; at: string; subjectId?: string | null }) => ({ id: String(r.id), at: String(r.at), subjectId: r.subjectId ?? null }));
}

const chunks = <T>(list: readonly T[], size = 500): T[][] => {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
};

/** The person of each row: its own subject_id, or its parent's for a plain dependant (a subscription's billing account). */
async function subjectsOf(db: AnyDb, target: RetentionTarget, rows: readonly DueRow[]): Promise<Map<string, string | null>> {
  const out = new Map(rows.map((r) => [r.id, r.subjectId]));
  if (!target.via) return out;
  const { column, parent } = target.via;
  for (const part of chunks(rows.map((r) => r.id))) {
    const found = await db
      .selectFrom(target.object)
      .innerJoin(parent, `${parent}.id`, `${target.object}.${column}`)
      .select([`${target.object}.id as id`, `${parent}.subject_id as subjectId`])
      .where(`${target.object}.id`, 'in', part)
      .execute();
    for (const r of found as { id: string; subjectId: string | null }[]) out.set(String(r.id), r.subjectId ?? null);
  }
  return out;
}

/**
 * Applies a rule's action to one batch of due rows, inside the caller's transaction, and answers the
 * counts. A row is kept (and counted) when a legal hold names it — or, for a person's own row, when
 * any hold of that person stands (their key must outlive the hold) — when its person's processing is
 * restricted, and, for a delete, when another record still names it (the run deletes children first).
 * Delete: name tokens, custom values and the row go, and a person's own row takes the subject key
 * with it (crypto-shredding) and their pending access packages. Anonymise: the personal columns are
 * cleared (catalogue defaults where the schema demands a value), name tokens and personal custom
 * values deleted; amounts, dates and statuses stay for statistics.
 */
export async function applyRetention(
  kernel: Kernel,
  db: AnyDb,
  object: CatalogueObject,
  action: RetentionAction,
  rows: readonly DueRow[],
  options: { write: boolean },
): Promise<BatchCounts> {
  const counts = emptyCounts();
  counts.due = rows.length;
  if (!rows.length) return counts;
  const target = await retentionTarget(kernel, db, object);
  const subjectOfRow = await subjectsOf(db, target, rows);
  const subjects = [...new Set([...subjectOfRow.values()].filter((s): s is string => !!s))].sort();
  // Subject keys before records, as every writer and the rotation lock them (no deadlock).
  for (const part of chunks(subjects)) {
    let lock = db.selectFrom('data_subjects').select('id').where('id', 'in', part).orderBy('id');
    if (kernel.db.dialect === 'postgres') lock = lock.forUpdate();
    await lock.execute();
  }
  const keep = new Set<string>();
  const hold = (reason: string) => {
    counts.held += 1;
    counts.heldByReason[reason] = (counts.heldByReason[reason] ?? 0) + 1;
  };
  const holdsOf = new Map<string, string>();
  for (const part of chunks(rows.map((r) => r.id))) {
    const held = await db
      .selectFrom('subject_legal_holds')
      .select(['row_id', 'reason_code'])
      .where('table_name', '=', object)
      .where('row_id', 'in', part)
      .where('released_at', 'is', null)
      .execute();
    for (const h of held) holdsOf.set(String(h.row_id), String(h.reason_code));
  }
  const personHolds = new Map<string, string>();
  if (target.ownSubject && action === 'delete')
    for (const part of chunks(subjects)) {
      const held = await db
        .selectFrom('subject_legal_holds')
        .select(['subject_id', 'reason_code'])
        .where('subject_id', 'in', part)
        .where('released_at', 'is', null)
        .execute();
      for (const h of held) personHolds.set(String(h.subject_id), String(h.reason_code));
    }
  const restricted = new Set<string>();
  for (const part of chunks(subjects)) {
    const found = await db.selectFrom('subject_restrictions').select('subject_id').where('subject_id', 'in', part).execute();
    for (const r of found) restricted.add(String(r.subject_id));
  }
  for (const row of rows) {
    const subject = subjectOfRow.get(row.id) ?? null;
    const reason = holdsOf.get(row.id) ?? (subject ? personHolds.get(subject) : undefined);
    if (reason) {
      hold(reason);
      keep.add(row.id);
    } else if (subject && restricted.has(subject)) {
      counts.restricted += 1;
      keep.add(row.id);
    }
  }
  if (action === 'delete') {
    const candidates = rows.map((r) => r.id).filter((id) => !keep.has(id));
    for (const { table: other, column } of target.referencedBy) {
      for (const part of chunks(candidates.filter((id) => !keep.has(id)))) {
        let named = db.selectFrom(other).select(`${column} as id`).distinct().where(column, 'in', part);
        // A record naming itself (a contact its own guardian) does not keep it.
        if (other === object) named = named.where('id', 'not in', part);
        for (const n of (await named.execute()) as { id: string }[]) {
          if (keep.has(String(n.id))) continue;
          keep.add(String(n.id));
          counts.referenced += 1;
        }
      }
    }
  }
  const ids = rows.map((r) => r.id).filter((id) => !keep.has(id));
  if (action === 'delete') counts.removed = ids.length;
  else counts.anonymised = ids.length;
  if (!options.write) return counts;
  for (const part of chunks(ids)) {
    if (target.nameTokens) await db.deleteFrom('name_tokens').where('table_name', '=', object).where('row_id', 'in', part).execute();
    if (action === 'delete') {
      for (const { table, column } of target.parts) await db.deleteFrom(table).where(column, 'in', part).execute();
      await db.deleteFrom('custom_values').where('object', '=', object).where('record_id', 'in', part).execute();
      await db.deleteFrom(object).where('id', 'in', part).execute();
    } else {
      await db.deleteFrom('custom_values').where('object', '=', object).where('record_id', 'in', part).where('value_enc', 'is not', null).execute();
      const set = { ...Object.fromEntries(target.clearToNull.map((c) => [c, null])), ...target.resetToDefault };
      if (Object.keys(set).length) await db.updateTable(object).set(set).where('id', 'in', part).execute();
    }
  }
  if (action === 'delete' && target.ownSubject) {
    const gone = ids.map((id) => subjectOfRow.get(id)).filter((s): s is string => !!s);
    for (const part of chunks(gone)) {
      await db.deleteFrom('access_packages').where('subject_id', 'in', part).execute();
      await db.updateTable('data_subjects').set({ wrapped_key: null, erased_at: nowIso() }).where('id', 'in', part).execute();
    }
    for (const s of gone) kernel.keyring.forgetSubject(s);
  }
  return counts;
}

/** Adds a batch's counts into a running total. */
export function addCounts(total: BatchCounts, batch: BatchCounts): BatchCounts {
  const heldByReason = { ...total.heldByReason };
  for (const [k, v] of Object.entries(batch.heldByReason)) heldByReason[k] = (heldByReason[k] ?? 0) + v;
  return {
    due: total.due + batch.due,
    removed: total.removed + batch.removed,
    anonymised: total.anonymised + batch.anonymised,
    held: total.held + batch.held,
    heldByReason,
    restricted: total.restricted + batch.restricted,
    referenced: total.referenced + batch.referenced,
  };
}
