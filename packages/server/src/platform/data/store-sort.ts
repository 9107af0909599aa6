import { sql } from 'kysely';
import { AppError } from '../errors.js';
import type { Row } from './store-query.js';
import { decodeCursor, encodeCursor, plainField } from './store-values.js';
import type { PlannedField, TablePlan } from './table-plan.js';

/**
 * Sorted lists with keyset paging: a page is ordered by (field, id) — id breaks ties — and its cursor
 * names the last row's (value, id), so the next page starts exactly after it however many rows share
 * the value. Empty values (null) come last in ascending order and first in descending order, the same
 * on SQLite and PostgreSQL. Only plain (non-personal) fields sort: a personal value is ciphertext, and
 * sorting by it would leak its order (422).
 */
export type SortOrder = 'asc' | 'desc';

export interface ListSort {
  field: string;
  order: SortOrder;
}

interface PlannedSort {
  readonly field: PlannedField;
  readonly order: SortOrder;
}

type Stored = string | number | null;
interface SortCursor {
  f: string;
  o: SortOrder;
  v: Stored;
  id: string;
}

export function plannedSort(plan: TablePlan, sort: ListSort | undefined): PlannedSort | undefined {
  if (!sort || (sort.field === 'id' && sort.order === 'asc')) return undefined;
  const field = plainField(plan, sort.field, 'sort');
  return { field, order: sort.order };
}

const badCursor = (why: string) => new AppError('bad_request', 400, `invalid cursor: ${why}`);

function decodeSortCursor(cursor: string, sort: PlannedSort): SortCursor {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw badCursor('not a cursor of a sorted list');
  }
  const c = parsed as Partial<SortCursor>;
  if (typeof c !== 'object' || c === null || typeof c.id !== 'string' || !/^[0-9a-f-]{36}$/.test(c.id)) throw badCursor('not a cursor of a sorted list');
  if (c.f !== sort.field.name || c.o !== sort.order) throw badCursor('it belongs to another sort order');
  if (c.v !== null && typeof c.v !== 'string' && typeof c.v !== 'number') throw badCursor('bad value');
  return c as SortCursor;
}

/** The rows after the cursor, in the sort's order (id ascending when unsorted). */
export function sortedAfter(q: any, plan: TablePlan, sort: PlannedSort | undefined, cursor: string | undefined, newestFirst = false): any {
  const idColumn = `${plan.object}.id`;
  if (!sort) {
    if (cursor) q = q.where(idColumn, newestFirst ? '<' : '>', decodeCursor(cursor));
    return q.orderBy(idColumn, newestFirst ? 'desc' : 'asc');
  }
  const column = `${plan.object}.${sort.field.column}`;
  if (cursor) {
    const { v, id } = decodeSortCursor(cursor, sort);
    q = q.where((eb: any) => {
      if (sort.order === 'asc')
        return v === null
          ? eb.and([eb(column, 'is', null), eb(idColumn, '>', id)])
          : eb.or([eb(column, '>', v), eb.and([eb(column, '=', v), eb(idColumn, '>', id)]), eb(column, 'is', null)]);
      return v === null
        ? eb.or([eb(column, 'is not', null), eb.and([eb(column, 'is', null), eb(idColumn, '<', id)])])
        : eb.or([eb(column, '<', v), eb.and([eb(column, '=', v), eb(idColumn, '<', id)])]);
    });
  }
  const empty = sql`case when ${sql.ref(column)} is null then 1 else 0 end`;
  return q.orderBy(empty, sort.order).orderBy(column, sort.order).orderBy(idColumn, sort.order);
}

/** The cursor that continues after this row. */
export function cursorAfter(row: Row, sort: PlannedSort | undefined): string {
  if (!sort) return encodeCursor(row.id);
  const raw = row[sort.field.column];
  const v: Stored = raw === null || raw === undefined ? null : typeof raw === 'number' ? raw : sort.field.spec.type === 'integer' ? Number(raw) : String(raw);
  const cursor: SortCursor = { f: sort.field.name, o: sort.order, v, id: row.id };
  return Buffer.from(JSON.stringify(cursor), 'utf8').toString('base64url');
}
