import { type Permission, permissionOf, type RecordScope, type StoreObject } from '@castellan/shared';
import { type Kysely, sql } from 'kysely';
import type { RequestContext } from '../audit/audit-event.js';
import { can, fieldAccess, recordScope } from '../authz/access-policy.js';
import type { Actor } from '../authz/actor.js';
import { AppError, conflict, forbidden, notFound, unprocessable } from '../errors.js';
import { hasFreshSecondFactor } from '../identity/second-factor.js';
import { type AuditedTransaction, type Kernel, refreshPlannerStatistics } from '../kernel.js';
import { releaseLinkedContacts } from './account-contacts.js';
import { definitionsOf } from './custom-field-definitions.js';
import { customFiltered } from './custom-filters.js';
import {
  customChanges,
  newCustomRows,
  type PreparedCustom,
  prepareCustom,
  preparedWith,
  readCustom,
  removeCustom,
  resealCustom,
  revealCustom,
  takeCustom,
  withCustom,
  withCustomFields,
  writeCustom,
} from './custom-values.js';
import { newId, nowIso } from './ids.js';
import { decodePersonalValues, encodePersonalValues } from './record-codec.js';
import { checkRevealReason, type RevealReason } from './reveal-reason.js';
import { savedViewQuery, withSavedView } from './saved-views.js';
import { refusedSearchEvent, SearchQuotaExceeded, searchRateLimited, takeMaskedSearch } from './search-quota.js';
import { decryptFor, present, readEvent, subjectKeyOf } from './store-presenter.js';
import { filtered, loadInScope, type Row, scoped, selectWithSubject } from './store-query.js';
import { assertReferencesVisible, resolveOwnership, subjectVia } from './store-references.js';
import { type ObjectRules, type RuleContext, ruleContext } from './store-rules.js';
import { assertSealable, resealInto, sealInto, subjectColumns } from './store-sealing.js';
import { sameValue, searchField, whereBlindIndex } from './store-search.js';
import { cursorAfter, customSortPrefix, type ListSort, plannedSort, sortedAfter } from './store-sort.js';
import {
  derivedColumns,
  insertUniform,
  newRowColumns,
  type PlainRecord,
  type PresentedRecord,
  plainColumns,
  plainField,
  plainRecord,
  type RecordBody,
  type RecordValues,
  toPresented,
  type Value,
} from './store-values.js';
import { lockSubjectKey } from './subject-keys.js';
import { assertUnrestricted, withoutRestricted } from './subject-restrictions.js';
import { type PlannedField, referencesTo, type TablePlan, tablePlan } from './table-plan.js';

export type { ObjectRules, RuleContext } from './store-rules.js';
export type { PlainRecord, PresentedRecord, RecordBody, RecordValues, Value } from './store-values.js';

export interface ListQuery {
  limit: number;
  cursor?: string;
  /** Exact filters on non-personal fields (field name → value). */
  filters?: Record<string, Value>;
  /** Inclusive ranges on non-personal fields (dates, amounts). */
  ranges?: Record<string, { from?: Value; to?: Value }>;
  /** Exact search on one encrypted field through its blind index. */
  search?: { field: string; value: string };
  /** Order by one plain field (id breaks ties); default: id ascending. */
  sort?: ListSort;
  /** Exact filters on public and internal custom fields (key → value; null: no value). */
  customFilters?: Record<string, Value>;
  /** One of the actor's saved views: its filters and sort apply (the query's own win). */
  view?: string;
  /** Pages read for an export are audited as exports. */
  purpose?: 'export';
  /** Only these records (at most a page of ids, e.g. an audience page already decided elsewhere). */
  ids?: string[];
  /** Newest first (ids are time-ordered); the cursor then moves towards older records. */
  newestFirst?: boolean;
  /** Non-personal details added to the page's read or export event (a campaign, its purpose). */
  auditDetail?: Record<string, unknown>;
  /** Leave out restricted data subjects (campaign audiences; exports always do). */
  excludeRestricted?: boolean;
}

export interface ListPage {
  items: PresentedRecord[];
  nextCursor: string | null;
}

export interface AggregateQuery {
  /** Non-personal fields to group by. */
  groupBy: string[];
  /** Integer fields to add up per group. */
  sums?: string[];
  filters?: Record<string, Value>;
  ranges?: Record<string, { from?: Value; to?: Value }>;
  /** Leave out restricted data subjects (who a campaign may reach). */
  excludeRestricted?: boolean;
}

export type AggregateRow = Record<string, Value> & { count: number };

type AnyDb = Kysely<any>;

/** One list() call, as listInTransaction runs it. */
interface ListRun {
  actor: Actor;
  context: RequestContext;
  plan: TablePlan;
  scope: RecordScope | null;
  query: ListQuery;
  searched: PlannedField | undefined;
  /** The search is by a field the actor sees masked (it counted against the quota). */
  masked: boolean;
}

/**
 * THE DOOR. Every read and write of a store object (every catalogue object but the staff directory)
 * passes here, in this order: permission → record scope → field access → encryption / decryption →
 * masking → audit (same transaction). A record outside the actor's scope is "not found", never
 * "forbidden". Owned objects carry an owner and a team; reference data is organisation-wide. An
 * object's business rules (`defineRules`) run inside the write's transaction.
 */
export class ProtectedStore {
  private readonly rules: Map<StoreObject, ObjectRules>;

  constructor(
    private readonly kernel: Kernel,
    private readonly unit?: AuditedTransaction,
    rules?: Map<StoreObject, ObjectRules>,
  ) {
    this.rules = rules ?? new Map();
  }

  /** Registers an object's business rules (called once, when its routes are registered). */
  defineRules(object: StoreObject, rules: ObjectRules): void {
    this.rules.set(object, rules);
  }

  /**
   * Several store calls as one transaction (a lifecycle action and its history record, a contract
   * and its lines): all commit, with their audit events, or none. `tx` is for platform code that
   * writes its own rows in the same transaction (an import's progress); route modules never use it.
   */
  async inTransaction<T>(work: (unit: ProtectedStore, tx: AuditedTransaction) => Promise<T>): Promise<T> {
    if (this.unit) return work(this, this.unit);
    return this.kernel.transaction((tx) => work(new ProtectedStore(this.kernel, tx, this.rules), tx));
  }

  private run<T>(work: (tx: AuditedTransaction) => Promise<T>): Promise<T> {
    return this.unit ? work(this.unit) : this.kernel.transaction(work);
  }

  private plan(object: StoreObject): TablePlan {
    return tablePlan(object);
  }

  private require(actor: Actor, object: StoreObject, action: string): void {
    const permission: Permission = permissionOf(object, action);
    if (!can(actor, permission)) throw forbidden(`missing permission ${permission}`);
  }

  async create(actor: Actor, context: RequestContext, object: StoreObject, body: RecordBody): Promise<PresentedRecord> {
    this.require(actor, object, 'create');
    const plan = this.plan(object);
    const { values: input, custom } = takeCustom(body);
    this.assertWritable(actor, plan, input);
    return this.run(async (tx) => {
      const prepared = await prepareCustom(tx.trx as unknown as AnyDb, actor, plan, custom);
      const id = newId();
      const now = nowIso();
      const derived = await this.derive(tx, actor, object, input, undefined);
      const row = newRowColumns(plan, id, now, input, derived);
      if (plan.owned) {
        const ownership = await resolveOwnership(tx, actor, object, input);
        row.owner_id = ownership.ownerId;
        row.team_id = ownership.teamId;
      }
      await assertReferencesVisible(tx, actor, plan, input);
      await this.checkRules(tx, actor, object, plainRecord(plan, row), undefined);
      // A derived value may name the person the row is about (an activity attached to a contact's case).
      const subject = plan.personal ? await sealInto(this.kernel, tx, plan, row, id, { ...input, ...derived }) : {};
      if (!plan.ownSubject) await assertUnrestricted(tx.trx as unknown as AnyDb, row.subject_id as string | null | undefined);
      await (tx.trx as unknown as AnyDb).insertInto(object).values(row).execute();
      await writeCustom(this.kernel, tx, plan, id, (row.subject_id as string | null | undefined) ?? null, prepared);
      await tx.audit(actor, context, {
        action: 'record.created',
        outcome: 'success',
        resource: object,
        resourceId: id,
        subjectIds: row.subject_id ? [String(row.subject_id)] : undefined,
        fields: [...Object.keys(input).filter((k) => input[k] !== undefined), ...customChanges(prepared).fields],
      });
      const stored = { ...row, ...subject } as Row;
      const reading = await readCustom(this.kernel, tx, actor, plan, [stored]);
      return withCustom(present(actor, plan, stored, await decryptFor(this.kernel, actor, plan, stored)), reading.views.get(id));
    });
  }

  /**
   * Creates many records in one transaction (imports, demo data, benchmarks): the same checks as
   * create(), encryption per record under its subject key, multi-row inserts, one audit event per
   * chunk naming every record and data subject. All or nothing.
   */
  async createMany(actor: Actor, context: RequestContext, object: StoreObject, bodies: RecordBody[]): Promise<string[]> {
    this.require(actor, object, 'create');
    const plan = this.plan(object);
    const split = bodies.map(takeCustom);
    const inputs = split.map((s) => s.values);
    for (const input of inputs) this.assertWritable(actor, plan, input);
    const rules = this.rules.get(object);
    const ids = await this.run(async (tx) => {
      const definitions = split.some((s) => s.custom) ? await definitionsOf(tx.trx as unknown as AnyDb, object) : [];
      const prepared = split.map((s) => preparedWith(definitions, actor, plan, s.custom));
      const ownerships = new Map<string, { ownerId: string; teamId: string | null }>();
      const checkedReferences = new Set<string>();
      const ids: string[] = [];
      // Rules that look at other rows (caps, conflicts) must see each record before the next is checked.
      const chunk = rules?.beforeWrite ? 1 : 500;
      for (let start = 0; start < inputs.length; start += chunk) {
        const rows: Record<string, unknown>[] = [];
        const subjects: Record<string, unknown>[] = [];
        const tokens: { table_name: string; row_id: string; digest: string }[] = [];
        const customRows: Record<string, unknown>[] = [];
        const subjectIds = new Set<string>();
        const now = nowIso();
        for (const [offset, input] of inputs.slice(start, start + chunk).entries()) {
          const id = newId();
          let sealing: { id: string; key: Buffer; version: number } | undefined;
          const derived = rules?.derive ? await this.derive(tx, actor, object, input, undefined) : {};
          const row = newRowColumns(plan, id, now, input, derived);
          if (plan.owned) {
            const key = `${input.ownerId ?? ''}|${input.teamId ?? ''}`;
            let ownership = ownerships.get(key);
            if (!ownership) {
              ownership = await resolveOwnership(tx, actor, object, input);
              ownerships.set(key, ownership);
            }
            row.owner_id = ownership.ownerId;
            row.team_id = ownership.teamId;
          }
          const referenceKey = plan.references.map((f) => String(input[f.name] ?? '')).join('|');
          if (!checkedReferences.has(referenceKey)) {
            await assertReferencesVisible(tx, actor, plan, input);
            checkedReferences.add(referenceKey);
          }
          if (rules) await this.checkRules(tx, actor, object, plainRecord(plan, row), undefined);
          if (plan.personal) {
            let subjectId: string | null;
            let subject: { key: Buffer; version: number } | undefined;
            if (plan.ownSubject) {
              subjectId = newId();
              const made = this.kernel.keyring.newSubjectKey(subjectId, undefined, false);
              subjects.push({ id: subjectId, key_version: made.version, wrapped_key: made.wrapped, created_at: now, erased_at: null });
              subject = made;
            } else {
              const via = plan.subjectVia?.name ?? '';
              subjectId = await subjectVia(tx, plan, via in derived ? derived[via] : input[via]);
              subject = subjectId ? await lockSubjectKey(this.kernel, tx.trx, subjectId) : undefined;
              assertSealable(plan, input, subject);
            }
            row.subject_id = subjectId;
            if (subjectId) subjectIds.add(subjectId);
            if (subject && subjectId) sealing = { id: subjectId, key: subject.key, version: subject.version };
            if (subject) {
              const encoded = encodePersonalValues(this.kernel.keyring, plan, id, subject.key, subject.version, input);
              Object.assign(row, encoded.columns);
              for (const digest of new Set(encoded.nameDigests ?? [])) tokens.push({ table_name: plan.object, row_id: id, digest });
            }
          }
          customRows.push(...newCustomRows(this.kernel, plan, id, sealing, prepared[start + offset] as PreparedCustom, now));
          rows.push(row);
          ids.push(id);
        }
        const db = tx.trx as unknown as AnyDb;
        if (subjects.length) await db.insertInto('data_subjects').values(subjects).execute();
        await insertUniform(db, object, rows);
        if (customRows.length) await insertUniform(db, 'custom_values', customRows);
        for (let t = 0; t < tokens.length; t += 2000)
          await db
            .insertInto('name_tokens')
            .values(tokens.slice(t, t + 2000))
            .execute();
        await tx.audit(actor, context, {
          action: 'record.created',
          outcome: 'success',
          resource: object,
          subjectIds: subjectIds.size ? [...subjectIds] : undefined,
          detail: { count: rows.length, ids: rows.map((r) => r.id) },
        });
      }
      return ids;
    });
    // Inside a unit of work the statistics wait for its end (ANALYZE outside it would wait for the unit on SQLite).
    if (inputs.length >= 1000 && !this.unit) await refreshPlannerStatistics(this.kernel, object);
    return ids;
  }

  async get(actor: Actor, context: RequestContext, object: StoreObject, id: string): Promise<PresentedRecord> {
    this.require(actor, object, 'read');
    const plan = this.plan(object);
    return this.run(async (tx) => {
      const row = await loadInScope(tx, actor, object, id);
      const values = await decryptFor(this.kernel, actor, plan, row);
      const reading = await readCustom(this.kernel, tx, actor, plan, [row]);
      if (plan.personal && row.subject_id) await tx.audit(actor, context, withCustomFields(readEvent(actor, plan, [row]), reading));
      return withCustom(present(actor, plan, row, values), reading.views.get(row.id));
    });
  }

  /**
   * A page of records in scope. A search (exact, through a blind index) is audited whether it finds
   * anything or not; a search by a field the actor sees masked also counts against their quota
   * (search-quota.ts) and, past it, is refused (429) and audited as refused.
   */
  async list(actor: Actor, context: RequestContext, object: StoreObject, query: ListQuery): Promise<ListPage> {
    this.require(actor, object, 'read');
    const plan = this.plan(object);
    if (query.view) query = withSavedView(query, await savedViewQuery(this.kernel.db.kysely as unknown as AnyDb, actor, object, query.view));
    const scope = recordScope(actor, object);
    const searched = query.search ? searchField(actor, plan, query.search.field) : undefined;
    if (!scope && !searched) return { items: [], nextCursor: null };
    const masked = searched !== undefined && actor.userId !== null && fieldAccess(actor, plan.object, searched.name) === 'masked';
    try {
      return await this.run(async (tx) => {
        if (masked && actor.userId) {
          const refusal = await takeMaskedSearch(tx.trx, actor.userId, this.kernel.config.maskedSearch);
          if (refusal) throw new SearchQuotaExceeded(refusal);
        }
        return this.listInTransaction(tx, { actor, context, plan, scope, query, searched, masked });
      });
    } catch (error) {
      if (!(error instanceof SearchQuotaExceeded) || !searched) throw error;
      await this.kernel.transaction((tx) => tx.audit(actor, context, refusedSearchEvent(object, searched.name, error.refusal)));
      throw searchRateLimited(error.refusal);
    }
  }

  private async listInTransaction(tx: AuditedTransaction, run: ListRun): Promise<ListPage> {
    const { actor, context, plan, scope, query, searched, masked } = run;
    let q = scoped(selectWithSubject(tx, plan), plan, actor, scope);
    q = filtered(q, plan, query.filters, query.ranges);
    if (plan.personal && (query.purpose === 'export' || query.excludeRestricted)) q = withoutRestricted(q, plan.object);
    q = await customFiltered(tx.trx as unknown as AnyDb, q, plan, query.customFilters);
    if (searched && query.search) {
      q = await whereBlindIndex(this.kernel, tx, q, plan, searched, query.search.value);
    }
    if (query.ids) q = query.ids.length ? q.where(`${plan.object}.id`, 'in', query.ids) : q.where(sql<boolean>`1 = 0`);
    const sortsByCustom = query.sort?.field.startsWith(customSortPrefix) ?? false;
    const sort = plannedSort(plan, query.sort, sortsByCustom ? await definitionsOf(tx.trx as unknown as AnyDb, plan.object as StoreObject) : []);
    const rows = (await sortedAfter(q, plan, sort, query.cursor, query.newestFirst)
      .limit(query.limit + 1)
      .execute()) as Row[];
    let page = rows.slice(0, query.limit);
    const decrypted = await Promise.all(page.map((row) => decryptFor(this.kernel, actor, plan, row, searched)));
    let items = page.map((row, i) => ({ row, values: decrypted[i] ?? {} }));
    if (searched && query.search) items = items.filter(({ values }) => sameValue(this.kernel, plan, searched, values.__searched, query.search?.value));
    page = items.map((i) => i.row);
    const reading = await readCustom(this.kernel, tx, actor, plan, page);
    // Every search is audited, a miss too (with count 0): misses are how a masked value is guessed.
    const read = page.filter((r) => r.subject_id);
    if (plan.personal && (read.length > 0 || searched)) {
      const base = withCustomFields(readEvent(actor, plan, read, searched?.name, masked), reading);
      const event = query.auditDetail ? { ...base, detail: { ...base.detail, count: read.length, ...query.auditDetail } } : base;
      await tx.audit(actor, context, query.purpose === 'export' ? { ...event, action: 'personal_data.export' } : event);
    }
    // Records without personal values are audited when they leave in bulk.
    if (query.purpose === 'export' && page.length > read.length) {
      await tx.audit(actor, context, {
        action: 'record.exported',
        outcome: 'success',
        resource: plan.object,
        detail: { count: page.length - read.length, ...query.auditDetail },
      });
    }
    const last = rows.length > query.limit ? rows[query.limit - 1] : undefined;
    return {
      items: items.map(({ row, values }) => withCustom(present(actor, plan, row, values), reading.views.get(row.id))),
      nextCursor: last ? cursorAfter(last, sort) : null,
    };
  }

  /**
   * Counts and sums over the records in scope, grouped by non-personal fields (dashboards): computed
   * only from what the actor may see; no personal value is read, so no read event.
   */
  async aggregate(actor: Actor, object: StoreObject, query: AggregateQuery): Promise<AggregateRow[]> {
    this.require(actor, object, 'read');
    const scope = recordScope(actor, object);
    if (!scope) return [];
    return this.aggregateIn(object, query, actor, scope);
  }

  /**
   * Counts and sums over EVERY record of the object, whatever the actor's record scope: for figures
   * about a shared resource rather than about the records (how full a channel's hour is against a
   * regulatory cap). Needs `<object>.read`; answers only the plain values of the groups, counts and
   * sums that the caller chose — the caller must group by nothing that names a record or a person.
   */
  async aggregateAcrossScopes(actor: Actor, object: StoreObject, query: AggregateQuery): Promise<AggregateRow[]> {
    this.require(actor, object, 'read');
    return this.aggregateIn(object, query, actor, 'all');
  }

  private async aggregateIn(object: StoreObject, query: AggregateQuery, actor: Actor, scope: RecordScope): Promise<AggregateRow[]> {
    const plan = this.plan(object);
    const groups = query.groupBy.map((name) => plainField(plan, name, 'group'));
    const sums = (query.sums ?? []).map((name) => {
      const field = plainField(plan, name, 'sum');
      if (field.spec.type !== 'integer') throw unprocessable(`cannot sum ${object} by ${name}: not a number`);
      return field;
    });
    return this.run(async (tx) => {
      const db = tx.trx as unknown as AnyDb;
      let q = scoped(db.selectFrom(object), plan, actor, scope);
      q = filtered(q, plan, query.filters, query.ranges);
      if (plan.personal && query.excludeRestricted) q = withoutRestricted(q, object);
      q = q.select([
        ...groups.map((g) => `${object}.${g.column} as ${g.column}`),
        sql<number>`count(*)`.as('__count'),
        ...sums.map((s) => sql<number>`coalesce(sum(${sql.ref(`${object}.${s.column}`)}), 0)`.as(`__sum_${s.column}`)),
      ]);
      if (groups.length) {
        q = q.groupBy(groups.map((g) => `${object}.${g.column}`));
        for (const g of groups) q = q.orderBy(`${object}.${g.column}`);
      }
      const rows = (await q.execute()) as Record<string, unknown>[];
      return rows.map((r) => {
        const out: AggregateRow = { count: Number(r.__count) };
        for (const g of groups) out[g.name] = toPresented(g, r[g.column]);
        for (const s of sums) out[s.name] = Number(r[`__sum_${s.column}`]);
        return out;
      });
    });
  }

  async update(actor: Actor, context: RequestContext, object: StoreObject, id: string, body: RecordBody): Promise<PresentedRecord> {
    this.require(actor, object, 'update');
    const plan = this.plan(object);
    const { values: patch, custom } = takeCustom(body);
    this.assertWritable(actor, plan, patch);
    return this.run(async (tx) => {
      const prepared = await prepareCustom(tx.trx as unknown as AnyDb, actor, plan, custom);
      let row = await loadInScope(tx, actor, object, id);
      await assertUnrestricted(tx.trx as unknown as AnyDb, row.subject_id);
      const viaField = plan.subjectVia;
      const movesPerson = viaField !== undefined && viaField.name in patch && (patch[viaField.name] ?? null) !== (row[viaField.column] ?? null);
      const sealsValues = plan.encrypted.some((f) => f.name in patch) || movesPerson || prepared.seals;
      if (sealsValues && row.subject_id) {
        // Lock the subject key first (as rotation does), then read the row as it is under that key.
        if (!(await lockSubjectKey(this.kernel, tx.trx, row.subject_id))) throw notFound(plan.spec.label);
        if (this.kernel.db.dialect === 'postgres') row = await loadInScope(tx, actor, object, id);
      }
      const before = plainRecord(plan, row);
      const derived = await this.derive(tx, actor, object, patch, before, this.storedForDerive(plan, row, patch));
      const changes: Record<string, unknown> = { updated_at: nowIso(), ...plainColumns(plan, { ...patch, ...derived }), ...derivedColumns(plan, derived) };
      if (plan.owned && ('ownerId' in patch || 'teamId' in patch)) {
        const ownership = await resolveOwnership(tx, actor, object, {
          ownerId: patch.ownerId ?? row.owner_id,
          teamId: 'teamId' in patch ? patch.teamId : row.team_id,
        });
        changes.owner_id = ownership.ownerId;
        changes.team_id = ownership.teamId;
      }
      await assertReferencesVisible(tx, actor, plan, patch);
      await this.checkRules(tx, actor, object, plainRecord(plan, { ...row, ...changes }), plainRecord(plan, row));
      if (plan.personal) await resealInto(this.kernel, tx, plan, row, changes, patch, movesPerson);
      await (tx.trx as unknown as AnyDb).updateTable(object).set(changes).where('id', '=', id).execute();
      const subjectNow = movesPerson ? ((changes.subject_id as string | null | undefined) ?? null) : (row.subject_id ?? null);
      if (movesPerson) await resealCustom(this.kernel, tx, plan, row, subjectNow);
      await writeCustom(this.kernel, tx, plan, id, subjectNow, prepared);
      const customChanged = customChanges(prepared);
      const changed = Object.keys(patch).filter((k) => patch[k] !== undefined);
      // Values the system derived (a case's SLA clock, its escalation) are part of the change's record.
      const derivedChanges = Object.fromEntries(Object.entries(derived).filter(([k, v]) => !(k in patch) && before[k] !== v));
      const subjects = [row.subject_id, changes.subject_id as string | null | undefined].filter((s): s is string => !!s);
      await tx.audit(actor, context, {
        action: 'record.updated',
        outcome: 'success',
        resource: object,
        resourceId: id,
        subjectIds: subjects.length ? [...new Set(subjects)] : undefined,
        fields: [...changed, ...customChanged.fields],
        detail: {
          diff: {
            ...Object.fromEntries(changed.map((k) => [k, plan.encrypted.some((f) => f.name === k) ? '[encrypted]' : (patch[k] ?? null)])),
            ...customChanged.diff,
            ...derivedChanges,
          },
        },
      });
      const updated = { ...row, ...changes } as Row;
      if (movesPerson) Object.assign(updated, await subjectColumns(tx, updated.subject_id ?? null));
      const reading = await readCustom(this.kernel, tx, actor, plan, [updated]);
      return withCustom(present(actor, plan, updated, await decryptFor(this.kernel, actor, plan, updated)), reading.views.get(id));
    });
  }

  /**
   * Reveal-with-reason: the unmasked values of fields the actor sees masked (or readable), for a
   * reason code of the installation's list, after a fresh second factor. Audited with the code; the
   * optional note is sealed under the audit key (audit-personal-details.ts). Rate-limited at the route.
   */
  async reveal(
    actor: Actor,
    context: RequestContext,
    object: StoreObject,
    id: string,
    fields: string[],
    reason: RevealReason,
  ): Promise<Record<string, string | null>> {
    this.require(actor, object, 'reveal');
    const plan = this.plan(object);
    const customKeys = fields.filter((name) => name.startsWith('custom.')).map((name) => name.slice('custom.'.length));
    const wanted = fields.filter((name) => !name.startsWith('custom.')).map((name) => plan.encrypted.find((f) => f.name === name));
    if (wanted.some((f) => !f)) throw unprocessable('only personal fields can be revealed');
    for (const field of wanted) if (field && fieldAccess(actor, plan.object, field.name) === 'hidden') throw forbidden(`you may not see ${field.name}`);
    const checked = checkRevealReason(this.kernel.config.revealReasons, reason);
    if (!hasFreshSecondFactor(actor)) {
      throw new AppError('step_up_required', 403, 'revealing needs a fresh second factor: POST /api/v1/auth/step-up with a code, then retry within 5 minutes');
    }
    return this.run(async (tx) => {
      const row = await loadInScope(tx, actor, object, id);
      const key = subjectKeyOf(this.kernel, row, plan);
      if (!key) throw notFound(plan.spec.label);
      const values = {
        ...decodePersonalValues(this.kernel.suite, plan, row, key, wanted as PlannedField[]),
        ...(await revealCustom(this.kernel, tx, actor, plan, row, customKeys)),
      };
      await tx.audit(actor, context, {
        action: 'personal_data.reveal',
        outcome: 'success',
        resource: object,
        resourceId: id,
        subjectIds: row.subject_id ? [row.subject_id] : undefined,
        fields,
        detail: { reason: checked.code, ...(checked.note ? { note: 'sealed' } : {}) },
        note: checked.note,
      });
      return values;
    });
  }

  /**
   * Deletes the record. A person's own data subject key is destroyed too (crypto-shredding); a record
   * still named by another (a channel by its bookings) is refused with 409.
   */
  async remove(actor: Actor, context: RequestContext, object: StoreObject, id: string): Promise<void> {
    this.require(actor, object, 'delete');
    const plan = this.plan(object);
    await this.run(async (tx) => {
      const row = await loadInScope(tx, actor, object, id);
      // Subject before record, as every writer and the rotation lock them (no deadlock).
      if (row.subject_id) await lockSubjectKey(this.kernel, tx.trx, row.subject_id);
      const db = tx.trx as unknown as AnyDb;
      await assertUnrestricted(db, row.subject_id);
      if (object === 'accounts') await releaseLinkedContacts(tx, actor, context, id);
      await this.assertUnreferenced(tx, object, id);
      const rules = this.rules.get(object);
      if (rules?.beforeDelete) await rules.beforeDelete(ruleContext(tx, actor, this.kernel.db.dialect), plainRecord(plan, row));
      if (plan.personal) await db.deleteFrom('name_tokens').where('table_name', '=', object).where('row_id', '=', id).execute();
      await removeCustom(tx, plan, id);
      await db.deleteFrom(object).where('id', '=', id).execute();
      const shred = plan.ownSubject && row.subject_id;
      if (shred) {
        await db.updateTable('data_subjects').set({ wrapped_key: null, erased_at: nowIso() }).where('id', '=', row.subject_id).execute();
        this.kernel.keyring.forgetSubject(String(row.subject_id));
      }
      await tx.audit(actor, context, {
        action: 'record.deleted',
        outcome: 'success',
        resource: object,
        resourceId: id,
        subjectIds: row.subject_id ? [row.subject_id] : undefined,
        detail: shred ? { subjectKeyDestroyed: true } : undefined,
      });
    });
  }

  /**
   * The door for views *about* a record (who has seen it, its timeline): checks the read permission
   * and the record scope (outside it: 404) and returns the record's data subject, decrypting nothing.
   * Pass the caller's transaction to keep the check and the view in one transaction.
   */
  async assertVisible(actor: Actor, object: StoreObject, id: string, tx?: AuditedTransaction): Promise<string | null> {
    this.require(actor, object, 'read');
    const check = async (t: AuditedTransaction) => (await loadInScope(t, actor, object, id)).subject_id ?? null;
    return tx ? check(tx) : this.run(check);
  }

  /**
   * A read-only computation over the plain fields of every row, as a rule sees them (the rights
   * availability of a title counts every team's licences): after checking the actor holds
   * `permission`, `work` gets a RuleContext in one transaction. It never sees a personal value, so
   * no read event; what it returns about rows outside the actor's scope is the caller's to redact.
   */
  async withRuleContext<T>(actor: Actor, permission: Permission, work: (rc: RuleContext) => Promise<T>): Promise<T> {
    if (!can(actor, permission)) throw forbidden(`missing permission ${permission}`);
    return this.run((tx) => work(ruleContext(tx, actor, this.kernel.db.dialect)));
  }

  // ---- internals -------------------------------------------------------------------------

  private async checkRules(tx: AuditedTransaction, actor: Actor, object: StoreObject, next: PlainRecord, previous: PlainRecord | undefined): Promise<void> {
    const rules = this.rules.get(object);
    if (rules?.beforeWrite) await rules.beforeWrite(ruleContext(tx, actor, this.kernel.db.dialect), next, previous);
  }

  private async derive(
    tx: AuditedTransaction,
    actor: Actor,
    object: StoreObject,
    input: RecordValues,
    previous: PlainRecord | undefined,
    stored: Record<string, string | null> = {},
  ): Promise<Record<string, Value>> {
    const rules = this.rules.get(object);
    if (!rules?.derive) return {};
    const derived = await rules.derive(ruleContext(tx, actor, this.kernel.db.dialect), input, previous, stored);
    const plan = this.plan(object);
    for (const name of Object.keys(derived)) if (plan.encrypted.some((f) => f.name === name)) throw new Error(`derive may not set the encrypted field ${name}`);
    return derived;
  }

  /** The stored personal values an update's derive asks for (`deriveFrom`) and the patch does not give; decrypted in memory only. */
  private storedForDerive(plan: TablePlan, row: Row, patch: RecordValues): Record<string, string | null> {
    const wanted = (this.rules.get(plan.object as StoreObject)?.deriveFrom ?? [])
      .filter((name) => !(name in patch))
      .map((name) => plan.encrypted.find((f) => f.name === name))
      .filter((f): f is PlannedField => f !== undefined);
    if (wanted.length === 0) return {};
    const key = subjectKeyOf(this.kernel, row, plan);
    return key ? decodePersonalValues(this.kernel.suite, plan, row, key, wanted) : {};
  }

  /** 409 while another record names this one (a channel by its bookings, a title by its licences). */
  private async assertUnreferenced(tx: AuditedTransaction, object: StoreObject, id: string): Promise<void> {
    const db = tx.trx as unknown as AnyDb;
    for (const { object: other, field } of referencesTo(object)) {
      if (object === 'accounts' && other === 'contacts') continue; // released above
      const used = await db.selectFrom(other).select('id').where(field.column, '=', id).limit(1).executeTakeFirst();
      if (used) throw conflict(`the ${tablePlan(object).spec.label} is still named by ${tablePlan(other).spec.plural} (${field.name})`);
    }
  }

  private assertWritable(actor: Actor, plan: TablePlan, input: RecordValues): void {
    for (const name of Object.keys(input)) {
      const field = plan.fields.find((f) => f.name === name);
      if (!field || (field.spec.system && input[name] !== undefined)) throw unprocessable(`unknown field ${name}`);
      if (field.encrypted) {
        if (fieldAccess(actor, plan.object, name) === 'hidden') throw forbidden(`you may not write ${name}`);
        const value = input[name];
        if (value !== null && value !== undefined && typeof value !== 'string') throw unprocessable(`${name} must be text`);
      }
    }
  }
}
