import { type Expression, sql } from 'kysely';
import { AppError, unprocessable } from '../errors.js';
import { type CustomFieldDefinition, isProtectedClassification } from './custom-field-rules.js';
import type { Row } from './store-query.js';
import { decodeCursor, encodeCursor, plainField } from './store-values.js';
import type { TablePlan } from './table-plan.js';

/**
 * Sorted lists with keyset paging: a page is ordered by (key, id) — id breaks ties — and its cursor
 * names the last row's (value, id), so the next page starts exactly after it however many rows share
 * the value. Empty values (null) come last in ascending order and first in descending order, the same
 * on SQLite and PostgreSQL. The key is a plain field, or a public / internal custom field
 * (`custom.<key>`, read from custom_values; integers compared as numbers). A personal value is
 * ciphertext, and sorting by it would leak its order: refused (422).
 */
export type SortOrder = 'asc' | 'desc';

export interface ListSort {
  field: string;
  order: SortOrder;
}

interface PlannedSort {
  /** The name the caller gave (`industry`, `custom.loyalty_tier`), bound into the cursor. */
  readonly name: string;
  readonly key: Expression<unknown>;
  /** The key's values are numbers (kept as numbers in the cursor). */
  readonly numeric: boolean;
  readonly order: SortOrder;
}

type Stored = string | number | null;
interface SortCursor {
  f: string;
  o: SortOrder;
  v: Stored;
  id: string;
}

/** The column the sort key is read into for the cursor. */
const sortKeyColumn = '__sort_key';
export const customSortPrefix = 'custom.';

/**
 * The sort of a list, or undefined for the default order (id ascending). `definitions` are the
 * object's custom fields, needed only to sort by one.
 */
export function plannedSort(plan: TablePlan, sort: ListSort | undefined, definitions: readonly CustomFieldDefinition[] = []): PlannedSort | undefined {
  if (!sort || (sort.field === 'id' && sort.order === 'asc')) return undefined;
  if (sort.field.startsWith(customSortPrefix)) {
    const key = sort.field.slice(customSortPrefix.length);
    const definition = definitions.find((d) => d.key === key);
    if (!definition) throw unprocessable(`cannot sort ${plan.object} by ${sort.field}: no such custom field`);
    if (isProtectedClassification(definition.classification))
      throw unprocessable(`cannot sort ${plan.object} by ${sort.field}: a ${definition.classification} field (encrypted)`);
    const numeric = definition.type === 'integer';
    const value = numeric ? sql`cast(cv.value_text as bigint)` : sql`cv.value_text`;
    const expression = sql`(select ${value} from custom_values cv where cv.record_id = ${sql.ref(`${plan.object}.id`)} and cv.object = ${plan.object} and cv.field_id = ${definition.id})`;
    return { name: sort.field, key: expression, numeric, order: sort.order };
  }
  const field = plainField(plan, sort.field, 'sort');
  return { name: field.name, key: sql.ref(`${plan.object}.${field.column}`), numeric: field.spec.type === 'integer', order: sort.order };
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
  if (c.f !== sort.name || c.o !== sort.order) throw badCursor('it belongs to another sort order');
  if (c.v !== null && typeof c.v !== 'string' && typeof c.v !== 'number') throw badCursor('bad value');
  return c as SortCursor;
}

/** The rows after the cursor, in the sort's order (id ascending when unsorted, descending when `newestFirst`), with the sort key selected. */
export function sortedAfter(q: any, plan: TablePlan, sort: PlannedSort | undefined, cursor: string | undefined, newestFirst = false): any {
  const idColumn = `${plan.object}.id`;
  if (!sort) {
    if (cursor) q = q.where(idColumn, newestFirst ? '<' : '>', decodeCursor(cursor));
    return q.orderBy(idColumn, newestFirst ? 'desc' : 'asc');
  }
  const key = sort.key;
  if (cursor) {
    const { v, id } = decodeSortCursor(cursor, sort);
    q = q.where((eb: any) => {
      if (sort.order === 'asc')
        return v === null
          ? eb.and([eb(key, 'is', null), eb(idColumn, '>', id)])
          : eb.or([eb(key, '>', v), eb.and([eb(key, '=', v), eb(idColumn, '>', id)]), eb(key, 'is', null)]);
      return v === null
        ? eb.or([eb(key, 'is not', null), eb.and([eb(key, 'is', null), eb(idColumn, '<', id)])])
        : eb.or([eb(key, '<', v), eb.and([eb(key, '=', v), eb(idColumn, '<', id)])]);
    });
  }
  const empty = sql`case when ${key} is null then 1 else 0 end`;
  return q.select(sql`${key}`.as(sortKeyColumn)).orderBy(empty, sort.order).orderBy(key, sort.order).orderBy(idColumn, sort.order);
}

/** The cursor that continues after this row. */
export function cursorAfter(row: Row, sort: PlannedSort | undefined): string {
  if (!sort) return encodeCursor(row.id);
  const raw = row[sortKeyColumn];
  const v: Stored = raw === null || raw === undefined ? null : typeof raw === 'number' ? raw : sort.numeric ? Number(raw) : String(raw);
  const cursor: SortCursor = { f: sort.name, o: sort.order, v, id: row.id };
  return Buffer.from(JSON.stringify(cursor), 'utf8').toString('base64url');
}
