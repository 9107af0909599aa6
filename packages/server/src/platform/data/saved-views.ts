import { isStoreObject, permissionOf, type SavedViewView, type StoreObject, storeObjects } from '@castellan/shared';
import type { Kysely } from 'kysely';
import type { RequestContext } from '../audit/audit-event.js';
import { can } from '../authz/access-policy.js';
import type { Actor } from '../authz/actor.js';
import { conflict, forbidden, notFound, unprocessable } from '../errors.js';
import type { Kernel } from '../kernel.js';
import { definitionsOf } from './custom-field-definitions.js';
import { checkedCustomFilters, splitCustomFilters } from './custom-filters.js';
import type { WithinCreate } from './idempotency-keys.js';
import { newId, nowIso } from './ids.js';
import { customSortPrefix, type ListSort, plannedSort, type SortOrder } from './store-sort.js';
import type { Value } from './store-values.js';
import { type TablePlan, tablePlan } from './table-plan.js';

/**
 * Saved views (table `saved_views`): a user's named filters and sort over one object's list, applied
 * with `GET /api/v1/<plural>?view=<id>`. Each belongs to the user who made it; another user's view is
 * "not found". Only plain fields: a filter, range or sort on a personal or sensitive field is refused
 * (422) — a stored filter on a personal value would be a search without its audit and quota.
 */
type AnyDb = Kysely<any>;
type Range = { from?: Value; to?: Value };

export interface ViewQuery {
  filters: Record<string, Value>;
  ranges: Record<string, Range>;
  sort: ListSort | undefined;
}

export interface NewSavedView {
  object: string;
  name: string;
  filters: Record<string, Value>;
  ranges: Record<string, Range>;
  sort?: string;
  order: SortOrder;
}

export interface SavedViewChange {
  name?: string;
  filters?: Record<string, Value>;
  ranges?: Record<string, Range>;
  sort?: string | null;
  order?: SortOrder;
}

const rangeTypes = new Set(['date', 'datetime', 'integer']);

function plainFieldFor(plan: TablePlan, name: string, use: string) {
  const field = plan.fields.find((f) => f.name === name);
  if (!field) throw unprocessable(`cannot ${use} ${plan.object} by ${name}: no such field`);
  if (field.encrypted) throw unprocessable(`cannot ${use} ${plan.object} by ${name}: a ${field.spec.classification} field (encrypted)`);
  return field;
}

function checkValue(plan: TablePlan, name: string, type: string | undefined, value: Value | undefined): void {
  if (value === null || value === undefined) return;
  const expected = type === 'integer' ? 'number' : type === 'boolean' ? 'boolean' : 'string';
  if (typeof value !== expected || (expected === 'number' && !Number.isSafeInteger(value)))
    throw unprocessable(`a view of ${plan.object} filters ${name} by a ${typeof value}, not a ${type ?? 'text'}`);
}

/** Checks a view's filters, ranges and sort against the object (plain fields only, values of their type). */
export function checkViewQuery(plan: TablePlan, query: ViewQuery): void {
  for (const [name, value] of Object.entries(splitCustomFilters(query.filters).filters)) {
    const field = plainFieldFor(plan, name, 'filter');
    if (field.spec.type === 'datetime') throw unprocessable(`cannot filter ${plan.object} by ${name} exactly: use a range`);
    checkValue(plan, name, field.spec.type, value);
  }
  for (const [name, range] of Object.entries(query.ranges)) {
    const field = plainFieldFor(plan, name, 'filter');
    if (!rangeTypes.has(field.spec.type ?? 'text')) throw unprocessable(`cannot filter ${plan.object} by a range of ${name}: not a date, time or number`);
    checkValue(plan, name, field.spec.type === 'integer' ? 'integer' : 'text', range.from);
    checkValue(plan, name, field.spec.type === 'integer' ? 'integer' : 'text', range.to);
  }
  if (query.sort && !query.sort.field.startsWith(customSortPrefix)) plainFieldFor(plan, query.sort.field, 'sort');
}

function viewOf(row: Record<string, unknown>): SavedViewView {
  const stored = JSON.parse(String(row.filters)) as { filters?: Record<string, Value>; ranges?: Record<string, Range> };
  return {
    id: String(row.id),
    object: String(row.object),
    name: String(row.name),
    filters: stored.filters ?? {},
    ranges: stored.ranges ?? {},
    sort: (row.sort_field as string | null) ?? null,
    order: row.sort_order === 'desc' ? 'desc' : 'asc',
    createdAt: String(row.created_at),
    updatedAt: String(row.updated_at),
  };
}

const queryOf = (view: SavedViewView): ViewQuery => ({
  filters: view.filters,
  ranges: view.ranges,
  sort: view.sort ? { field: view.sort, order: view.order } : undefined,
});

/** The custom filters of a view (`custom.<key>`) name public or internal custom fields of the object, with values of their type. */
async function checkCustomViewFilters(db: AnyDb, plan: TablePlan, filters: Record<string, Value>, sort: ListSort | undefined): Promise<void> {
  const { custom } = splitCustomFilters(filters);
  const sortsByCustom = sort?.field.startsWith(customSortPrefix) ?? false;
  if (Object.keys(custom).length === 0 && !sortsByCustom) return;
  const definitions = await definitionsOf(db, plan.object as StoreObject);
  checkedCustomFilters(definitions, plan, custom);
  if (sortsByCustom) plannedSort(plan, sort, definitions);
}

/** The filters and sort of one of the actor's views of `object` (another user's, or another object's: 404). */
export async function savedViewQuery(db: AnyDb, actor: Actor, object: StoreObject, id: string): Promise<ViewQuery> {
  const row = await db
    .selectFrom('saved_views')
    .selectAll()
    .where('id', '=', id)
    .where('user_id', '=', actor.userId)
    .where('object', '=', object)
    .executeTakeFirst();
  if (!row) throw notFound('saved view');
  return queryOf(viewOf(row));
}

/** A list query with a saved view's filters and sort under its own. */
export function withSavedView<
  Q extends { filters?: Record<string, Value>; customFilters?: Record<string, Value>; ranges?: Record<string, Range>; sort?: ListSort },
>(query: Q, view: ViewQuery): Q {
  const { filters, custom } = splitCustomFilters(view.filters);
  return {
    ...query,
    filters: { ...filters, ...query.filters },
    customFilters: { ...custom, ...query.customFilters },
    ranges: { ...view.ranges, ...query.ranges },
    sort: query.sort ?? view.sort,
  };
}

export class SavedViews {
  constructor(private readonly kernel: Kernel) {}

  private owner(actor: Actor): string {
    if (!actor.userId) throw forbidden('saved views belong to a user');
    return actor.userId;
  }

  private objectOf(actor: Actor, object: string): StoreObject {
    if (!isStoreObject(object)) throw unprocessable(`${object} is not a store object (one of ${storeObjects.join(', ')})`);
    if (!can(actor, permissionOf(object, 'read'))) throw forbidden(`missing permission ${object}.read`);
    return object;
  }

  private async load(db: AnyDb, actor: Actor, id: string): Promise<Record<string, unknown>> {
    const row = await db.selectFrom('saved_views').selectAll().where('id', '=', id).where('user_id', '=', this.owner(actor)).executeTakeFirst();
    if (!row) throw notFound('saved view');
    return row;
  }

  async list(actor: Actor, object?: string): Promise<SavedViewView[]> {
    let q = (this.kernel.db.kysely as unknown as AnyDb).selectFrom('saved_views').selectAll().where('user_id', '=', this.owner(actor));
    if (object) q = q.where('object', '=', this.objectOf(actor, object));
    return (await q.orderBy('object').orderBy('name').execute()).map(viewOf);
  }

  async get(actor: Actor, id: string): Promise<SavedViewView> {
    return viewOf(await this.load(this.kernel.db.kysely as unknown as AnyDb, actor, id));
  }

  async create(actor: Actor, context: RequestContext, input: NewSavedView, within?: WithinCreate): Promise<SavedViewView> {
    const userId = this.owner(actor);
    const object = this.objectOf(actor, input.object);
    const query: ViewQuery = { filters: input.filters, ranges: input.ranges, sort: input.sort ? { field: input.sort, order: input.order } : undefined };
    checkViewQuery(tablePlan(object), query);
    await checkCustomViewFilters(this.kernel.db.kysely as unknown as AnyDb, tablePlan(object), query.filters, query.sort);
    const now = nowIso();
    const row = {
      id: newId(),
      user_id: userId,
      object,
      name: input.name,
      filters: JSON.stringify({ filters: input.filters, ranges: input.ranges }),
      sort_field: input.sort ?? null,
      sort_order: input.order,
      created_at: now,
      updated_at: now,
    };
    return this.kernel.transaction(async (tx) => {
      const db = tx.trx as unknown as AnyDb;
      const taken = await db
        .selectFrom('saved_views')
        .select('id')
        .where('user_id', '=', userId)
        .where('object', '=', object)
        .where('name', '=', input.name)
        .executeTakeFirst();
      if (taken) throw conflict(`you already have a view of ${object} named so`);
      await db.insertInto('saved_views').values(row).execute();
      await tx.audit(actor, context, { action: 'record.created', outcome: 'success', resource: 'saved_views', resourceId: row.id, detail: { object } });
      await within?.(tx, row.id);
      return viewOf(row);
    });
  }

  async update(actor: Actor, context: RequestContext, id: string, change: SavedViewChange): Promise<SavedViewView> {
    return this.kernel.transaction(async (tx) => {
      const db = tx.trx as unknown as AnyDb;
      const current = viewOf(await this.load(db, actor, id));
      const object = this.objectOf(actor, current.object);
      const next: SavedViewView = {
        ...current,
        name: change.name ?? current.name,
        filters: change.filters ?? current.filters,
        ranges: change.ranges ?? current.ranges,
        sort: change.sort === undefined ? current.sort : change.sort,
        order: change.order ?? current.order,
        updatedAt: nowIso(),
      };
      checkViewQuery(tablePlan(object), queryOf(next));
      await checkCustomViewFilters(db, tablePlan(object), next.filters, queryOf(next).sort);
      if (next.name !== current.name) {
        const taken = await db
          .selectFrom('saved_views')
          .select('id')
          .where('user_id', '=', this.owner(actor))
          .where('object', '=', object)
          .where('name', '=', next.name)
          .executeTakeFirst();
        if (taken) throw conflict(`you already have a view of ${object} named so`);
      }
      await db
        .updateTable('saved_views')
        .set({
          name: next.name,
          filters: JSON.stringify({ filters: next.filters, ranges: next.ranges }),
          sort_field: next.sort,
          sort_order: next.order,
          updated_at: next.updatedAt,
        })
        .where('id', '=', id)
        .execute();
      await tx.audit(actor, context, { action: 'record.updated', outcome: 'success', resource: 'saved_views', resourceId: id, fields: Object.keys(change) });
      return next;
    });
  }

  async remove(actor: Actor, context: RequestContext, id: string): Promise<void> {
    await this.kernel.transaction(async (tx) => {
      const db = tx.trx as unknown as AnyDb;
      await this.load(db, actor, id);
      await db.deleteFrom('saved_views').where('id', '=', id).execute();
      await tx.audit(actor, context, { action: 'record.deleted', outcome: 'success', resource: 'saved_views', resourceId: id });
    });
  }
}
