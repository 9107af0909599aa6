import { applyMask, type CatalogueObject, type FieldAccess, type Permission, type RecordScope } from '@castellan/shared';
import { type Kysely, sql } from 'kysely';
import type { AuditEventInput, RequestContext } from '../audit/audit-event.js';
import { can, fieldAccess, inScope, recordScope, type ScopedResource } from '../authz/access-policy.js';
import type { Actor } from '../authz/actor.js';
import { ownershipRefusal } from '../authz/ownership-policy.js';
import { AppError, forbidden, notFound, unprocessable } from '../errors.js';
import { hasFreshSecondFactor } from '../identity/second-factor.js';
import { type AuditedTransaction, type Kernel, refreshPlannerStatistics } from '../kernel.js';
import { releaseLinkedContacts } from './account-contacts.js';
import { newId, nowIso } from './ids.js';
import { decodePersonalValues, encodePersonalValues, fieldBlindIndex, nameTokenDigests } from './record-codec.js';
import { checkRevealReason, type RevealReason } from './reveal-reason.js';
import { refusedSearchEvent, SearchQuotaExceeded, searchRateLimited, takeMaskedSearch } from './search-quota.js';
import { lockSubjectKey } from './subject-keys.js';
import { bidxColumn, type PlannedField, type TablePlan, tablePlan } from './table-plan.js';

export type RecordValues = Record<string, string | null | undefined>;
export type PresentedRecord = Record<string, string | null | string[]>;

export interface ListQuery {
  limit: number;
  cursor?: string;
  /** Exact filters on non-personal columns (field name → value). */
  filters?: Record<string, string>;
  /** Exact search on one encrypted field through its blind index. */
  search?: { field: string; value: string };
  /** Pages read for an export are audited as exports. */
  purpose?: 'export';
}

export interface ListPage {
  items: PresentedRecord[];
  nextCursor: string | null;
}

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
type Row = Record<string, unknown> & { id: string; owner_id: string; team_id: string | null; subject_id?: string };

/**
 * THE DOOR. Every read and write of a catalogue object passes here, in this order:
 * permission → record scope → field access → encryption/decryption → masking → audit (same transaction).
 * A record outside the actor's scope is "not found", never "forbidden".
 */
export class ProtectedStore {
  constructor(private readonly kernel: Kernel) {}

  private plan(object: ScopedResource): TablePlan {
    return tablePlan(object as CatalogueObject);
  }

  private require(actor: Actor, permission: Permission): void {
    if (!can(actor, permission)) throw forbidden(`missing permission ${permission}`);
  }

  async create(actor: Actor, context: RequestContext, object: ScopedResource, input: RecordValues): Promise<PresentedRecord> {
    this.require(actor, `${object}.create`);
    const plan = this.plan(object);
    this.assertWritable(actor, plan, input);
    return this.kernel.transaction(async (tx) => {
      const ownership = await this.resolveOwnership(tx, actor, object, input);
      const id = newId();
      const now = nowIso();
      const row: Record<string, unknown> = {
        id,
        created_at: now,
        updated_at: now,
        owner_id: ownership.ownerId,
        team_id: ownership.teamId,
        ...plainColumns(plan, input),
      };
      const subject = plan.personal ? await this.encryptInto(tx, plan, row, id, input) : {};
      await (tx.trx as unknown as AnyDb).insertInto(object).values(row).execute();
      await tx.audit(actor, context, {
        action: 'record.created',
        outcome: 'success',
        resource: object,
        resourceId: id,
        subjectIds: row.subject_id ? [String(row.subject_id)] : undefined,
        fields: Object.keys(input).filter((k) => input[k] !== undefined),
      });
      const stored = { ...row, ...subject } as Row;
      return this.present(actor, plan, stored, await this.decryptFor(actor, plan, stored));
    });
  }

  /**
   * Creates many records in one transaction (imports, benchmarks): the same checks as create(),
   * encryption per record under its own subject key, multi-row inserts, one audit event per chunk
   * naming every record and data subject. All or nothing.
   */
  async createMany(actor: Actor, context: RequestContext, object: ScopedResource, inputs: RecordValues[]): Promise<string[]> {
    this.require(actor, `${object}.create`);
    const plan = this.plan(object);
    for (const input of inputs) this.assertWritable(actor, plan, input);
    const ids = await this.kernel.transaction(async (tx) => {
      const ownerships = new Map<string, { ownerId: string; teamId: string | null }>();
      const ids: string[] = [];
      const chunk = 500;
      for (let start = 0; start < inputs.length; start += chunk) {
        const rows: Record<string, unknown>[] = [];
        const subjects: Record<string, unknown>[] = [];
        const tokens: { table_name: string; row_id: string; digest: string }[] = [];
        const now = nowIso();
        for (const input of inputs.slice(start, start + chunk)) {
          const key = `${input.ownerId ?? ''}|${input.teamId ?? ''}|${input.accountId ?? ''}`;
          let ownership = ownerships.get(key);
          if (!ownership) {
            ownership = await this.resolveOwnership(tx, actor, object, input);
            ownerships.set(key, ownership);
          }
          const id = newId();
          const row: Record<string, unknown> = {
            id,
            created_at: now,
            updated_at: now,
            owner_id: ownership.ownerId,
            team_id: ownership.teamId,
            ...plainColumns(plan, input),
          };
          if (plan.personal) {
            const subjectId = newId();
            const subject = this.kernel.keyring.newSubjectKey(subjectId, undefined, false);
            subjects.push({ id: subjectId, key_version: subject.version, wrapped_key: subject.wrapped, created_at: now, erased_at: null });
            row.subject_id = subjectId;
            const encoded = encodePersonalValues(this.kernel.keyring, plan, id, subject.key, subject.version, input);
            Object.assign(row, encoded.columns);
            for (const digest of new Set(encoded.nameDigests ?? [])) tokens.push({ table_name: plan.object, row_id: id, digest });
          }
          rows.push(row);
          ids.push(id);
        }
        const db = tx.trx as unknown as AnyDb;
        if (subjects.length) await db.insertInto('data_subjects').values(subjects).execute();
        await insertUniform(db, object, rows);
        for (let t = 0; t < tokens.length; t += 2000)
          await db
            .insertInto('name_tokens')
            .values(tokens.slice(t, t + 2000))
            .execute();
        await tx.audit(actor, context, {
          action: 'record.created',
          outcome: 'success',
          resource: object,
          subjectIds: subjects.map((s) => String(s.id)),
          detail: { count: rows.length, ids: rows.map((r) => r.id) },
        });
      }
      return ids;
    });
    if (inputs.length >= 1000) await refreshPlannerStatistics(this.kernel, object);
    return ids;
  }

  async get(actor: Actor, context: RequestContext, object: ScopedResource, id: string): Promise<PresentedRecord> {
    this.require(actor, `${object}.read`);
    const plan = this.plan(object);
    return this.kernel.transaction(async (tx) => {
      const row = await this.loadInScope(tx, actor, object, id);
      const values = await this.decryptFor(actor, plan, row);
      if (plan.personal) await tx.audit(actor, context, this.readEvent(actor, plan, [row]));
      return this.present(actor, plan, row, values);
    });
  }

  /**
   * A page of records in scope. A search (exact, through a blind index) is audited whether it finds
   * anything or not; a search by a field the actor sees masked also counts against their quota
   * (search-quota.ts) and, past it, is refused (429) and audited as refused.
   */
  async list(actor: Actor, context: RequestContext, object: ScopedResource, query: ListQuery): Promise<ListPage> {
    this.require(actor, `${object}.read`);
    const plan = this.plan(object);
    const scope = recordScope(actor, object);
    const searched = query.search ? this.searchField(actor, plan, query.search.field) : undefined;
    if (!scope && !searched) return { items: [], nextCursor: null };
    const masked = searched !== undefined && actor.userId !== null && fieldAccess(actor, plan.object, searched.name) === 'masked';
    try {
      return await this.kernel.transaction(async (tx) => {
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
    const object = plan.object as ScopedResource;
    let q = this.selectWithSubject(tx, plan);
    if (!scope) q = q.where(sql<boolean>`1 = 0`);
    if (scope === 'own') q = q.where(`${object}.owner_id`, '=', actor.userId);
    if (scope === 'team') q = q.where(`${object}.team_id`, '=', actor.teamId);
    for (const [name, value] of Object.entries(query.filters ?? {})) {
      const field = plan.plain.find((f) => f.name === name);
      if (!field) throw unprocessable(`cannot filter ${object} by ${name}`);
      q = q.where(`${object}.${field.column}`, '=', value);
    }
    if (searched && query.search) {
      q = await this.whereBlindIndex(tx, q, plan, searched, query.search.value);
    }
    if (query.cursor) q = q.where(`${object}.id`, '>', decodeCursor(query.cursor));
    const rows = (await q
      .orderBy(`${object}.id`)
      .limit(query.limit + 1)
      .execute()) as Row[];
    let page = rows.slice(0, query.limit);
    const decrypted = await Promise.all(page.map((row) => this.decryptFor(actor, plan, row, searched)));
    let items = page.map((row, i) => ({ row, values: decrypted[i] ?? {} }));
    if (searched && query.search) items = items.filter(({ values }) => this.sameValue(plan, searched, values.__searched, query.search?.value));
    page = items.map((i) => i.row);
    // Every search is audited, a miss too (with count 0): misses are how a masked value is guessed.
    if (plan.personal && (page.length > 0 || searched)) {
      const event = this.readEvent(actor, plan, page, searched?.name, masked);
      await tx.audit(actor, context, query.purpose === 'export' ? { ...event, action: 'personal_data.export' } : event);
    }
    // Records without personal fields (accounts) are audited when they leave in bulk.
    if (!plan.personal && query.purpose === 'export' && page.length > 0) {
      await tx.audit(actor, context, { action: 'record.exported', outcome: 'success', resource: plan.object, detail: { count: page.length } });
    }
    const last = rows.length > query.limit ? rows[query.limit - 1] : undefined;
    return { items: items.map(({ row, values }) => this.present(actor, plan, row, values)), nextCursor: last ? encodeCursor(last.id) : null };
  }

  async update(actor: Actor, context: RequestContext, object: ScopedResource, id: string, patch: RecordValues): Promise<PresentedRecord> {
    this.require(actor, `${object}.update`);
    const plan = this.plan(object);
    this.assertWritable(actor, plan, patch);
    return this.kernel.transaction(async (tx) => {
      let row = await this.loadInScope(tx, actor, object, id);
      const sealsValues = plan.encrypted.some((f) => f.name in patch);
      if (sealsValues && row.subject_id) {
        // Lock the subject key first (as rotation does), then read the row as it is under that key.
        if (!(await lockSubjectKey(this.kernel, tx.trx, row.subject_id))) throw notFound('contact');
        if (this.kernel.db.dialect === 'postgres') row = await this.loadInScope(tx, actor, object, id);
      }
      const changes: Record<string, unknown> = { updated_at: nowIso() };
      if ('ownerId' in patch || 'teamId' in patch) {
        const ownership = await this.resolveOwnership(tx, actor, object, {
          ownerId: patch.ownerId ?? row.owner_id,
          teamId: 'teamId' in patch ? patch.teamId : row.team_id,
          accountId: patch.accountId,
        });
        changes.owner_id = ownership.ownerId;
        changes.team_id = ownership.teamId;
      } else if (patch.accountId) await this.assertAccountVisible(tx, actor, patch.accountId);
      Object.assign(changes, plainColumns(plan, patch));
      if (plan.personal) {
        const subjectKey = this.subjectKeyOf(row);
        const encoded = encodePersonalValues(this.kernel.keyring, plan, id, subjectKey, Number(row.key_version), patch);
        Object.assign(changes, encoded.columns);
        if (encoded.nameDigests) await this.replaceNameTokens(tx, plan, id, encoded.nameDigests);
      }
      await (tx.trx as unknown as AnyDb).updateTable(object).set(changes).where('id', '=', id).execute();
      const changed = Object.keys(patch).filter((k) => patch[k] !== undefined);
      await tx.audit(actor, context, {
        action: 'record.updated',
        outcome: 'success',
        resource: object,
        resourceId: id,
        subjectIds: row.subject_id ? [row.subject_id] : undefined,
        fields: changed,
        detail: { diff: Object.fromEntries(changed.map((k) => [k, plan.encrypted.some((f) => f.name === k) ? '[encrypted]' : (patch[k] ?? null)])) },
      });
      const updated = { ...row, ...changes } as Row;
      return this.present(actor, plan, updated, await this.decryptFor(actor, plan, updated));
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
    object: ScopedResource,
    id: string,
    fields: string[],
    reason: RevealReason,
  ): Promise<Record<string, string | null>> {
    this.require(actor, `${object}.reveal` as Permission);
    const plan = this.plan(object);
    const wanted = fields.map((name) => plan.encrypted.find((f) => f.name === name));
    if (wanted.some((f) => !f)) throw unprocessable('only personal fields can be revealed');
    for (const field of wanted) if (field && fieldAccess(actor, plan.object, field.name) === 'hidden') throw forbidden(`you may not see ${field.name}`);
    const checked = checkRevealReason(this.kernel.config.revealReasons, reason);
    if (!hasFreshSecondFactor(actor)) {
      throw new AppError('step_up_required', 403, 'revealing needs a fresh second factor: POST /api/v1/auth/step-up with a code, then retry within 5 minutes');
    }
    return this.kernel.transaction(async (tx) => {
      const row = await this.loadInScope(tx, actor, object, id);
      const values = decodePersonalValues(this.kernel.suite, plan, row, this.subjectKeyOf(row), wanted as PlannedField[]);
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

  /** Deletes the record; for a person, the subject key is destroyed too (crypto-shredding). */
  async remove(actor: Actor, context: RequestContext, object: ScopedResource, id: string): Promise<void> {
    this.require(actor, `${object}.delete`);
    const plan = this.plan(object);
    await this.kernel.transaction(async (tx) => {
      const row = await this.loadInScope(tx, actor, object, id);
      // Subject before record, as every writer and the rotation lock them (no deadlock).
      if (row.subject_id) await lockSubjectKey(this.kernel, tx.trx, row.subject_id);
      const db = tx.trx as unknown as AnyDb;
      if (object === 'accounts') await releaseLinkedContacts(tx, actor, context, id);
      if (plan.personal) await db.deleteFrom('name_tokens').where('table_name', '=', object).where('row_id', '=', id).execute();
      await db.deleteFrom(object).where('id', '=', id).execute();
      if (row.subject_id) {
        await db.updateTable('data_subjects').set({ wrapped_key: null, erased_at: nowIso() }).where('id', '=', row.subject_id).execute();
        this.kernel.keyring.forgetSubject(row.subject_id);
      }
      await tx.audit(actor, context, {
        action: 'record.deleted',
        outcome: 'success',
        resource: object,
        resourceId: id,
        subjectIds: row.subject_id ? [row.subject_id] : undefined,
        detail: row.subject_id ? { subjectKeyDestroyed: true } : undefined,
      });
    });
  }

  /**
   * The door for views *about* a record (e.g. who has seen it): checks the read permission and the
   * record scope (outside it: 404) and returns the record's data subject, decrypting nothing.
   * Pass the caller's transaction to keep the check and the view in one transaction.
   */
  async assertVisible(actor: Actor, object: ScopedResource, id: string, tx?: AuditedTransaction): Promise<string | null> {
    this.require(actor, `${object}.read`);
    const check = async (t: AuditedTransaction) => (await this.loadInScope(t, actor, object, id)).subject_id ?? null;
    return tx ? check(tx) : this.kernel.transaction(check);
  }

  // ---- internals -------------------------------------------------------------------------

  private selectWithSubject(tx: AuditedTransaction, plan: TablePlan) {
    const db = tx.trx as unknown as AnyDb;
    const table = plan.object;
    if (!plan.personal) return db.selectFrom(table).selectAll(table);
    return db
      .selectFrom(table)
      .innerJoin('data_subjects', 'data_subjects.id', `${table}.subject_id`)
      .selectAll(table)
      .select(['data_subjects.key_version as key_version', 'data_subjects.wrapped_key as wrapped_key']);
  }

  private async loadInScope(tx: AuditedTransaction, actor: Actor, object: ScopedResource, id: string): Promise<Row> {
    const row = (await this.selectWithSubject(tx, this.plan(object)).where(`${object}.id`, '=', id).executeTakeFirst()) as Row | undefined;
    if (!row || !inScope(actor, object, { ownerId: row.owner_id, teamId: row.team_id })) throw notFound(object === 'contacts' ? 'contact' : 'account');
    return row;
  }

  private subjectKeyOf(row: Row): Buffer {
    const wrapped = row.wrapped_key as Buffer | null;
    if (!wrapped || !row.subject_id) throw notFound('contact');
    return this.kernel.keyring.subjectKey(row.subject_id, Number(row.key_version), Buffer.from(wrapped));
  }

  /** Decrypts only what the actor may see (readable or masked), plus a searched field for verification. */
  private async decryptFor(actor: Actor, plan: TablePlan, row: Row, searched?: PlannedField): Promise<Record<string, string | null>> {
    if (!plan.personal) return {};
    const visible = plan.encrypted.filter((f) => fieldAccess(actor, plan.object, f.name) !== 'hidden');
    const wanted = searched && !visible.includes(searched) ? [...visible, searched] : visible;
    if (wanted.length === 0) return {};
    const values = decodePersonalValues(this.kernel.suite, plan, row, this.subjectKeyOf(row), wanted);
    if (searched) values.__searched = values[searched.name] ?? null;
    return values;
  }

  private present(actor: Actor, plan: TablePlan, row: Row, values: Record<string, string | null>): PresentedRecord {
    const out: PresentedRecord = {};
    const masked: string[] = [];
    for (const field of plan.fields) {
      if (!field.encrypted) {
        out[field.name] = (row[field.column] as string | null) ?? null;
        continue;
      }
      const access: FieldAccess = fieldAccess(actor, plan.object, field.name);
      if (access === 'hidden') continue;
      const value = values[field.name] ?? null;
      if (access === 'masked' && field.spec.mask) {
        out[field.name] = value === null ? null : applyMask(field.spec.mask, value);
        masked.push(field.name);
      } else out[field.name] = value;
    }
    if (plan.personal) out.maskedFields = masked;
    return out;
  }

  private readEvent(actor: Actor, plan: TablePlan, rows: Row[], searchedField?: string, searchedMasked = false): AuditEventInput {
    const visible = plan.encrypted.filter((f) => fieldAccess(actor, plan.object, f.name) !== 'hidden').map((f) => f.name);
    // A miss shows no field of anyone; it names the field that was compared.
    const fields = searchedField && rows.length === 0 ? [searchedField] : visible;
    const searchDetail = { searchedBy: searchedField, count: rows.length, ...(searchedMasked ? { searchedMasked: true } : {}) };
    return {
      action: searchedField ? 'personal_data.search' : 'personal_data.read',
      outcome: 'success',
      resource: plan.object,
      resourceId: rows.length === 1 ? rows[0]?.id : undefined,
      subjectIds: rows.map((r) => String(r.subject_id)),
      fields,
      detail: searchedField ? searchDetail : rows.length > 1 ? { count: rows.length } : undefined,
    };
  }

  private assertWritable(actor: Actor, plan: TablePlan, input: RecordValues): void {
    for (const name of Object.keys(input)) {
      const field = plan.fields.find((f) => f.name === name);
      if (!field) throw unprocessable(`unknown field ${name}`);
      if (field.encrypted && fieldAccess(actor, plan.object, name) === 'hidden') throw forbidden(`you may not write ${name}`);
    }
  }

  private searchField(actor: Actor, plan: TablePlan, name: string): PlannedField {
    const field = plan.encrypted.find((f) => f.name === name && f.spec.blindIndex);
    if (!field) throw unprocessable(`cannot search ${plan.object} by ${name}`);
    if (fieldAccess(actor, plan.object, name) === 'hidden') throw forbidden(`you may not search by ${name}`);
    return field;
  }

  private async whereBlindIndex(tx: AuditedTransaction, q: any, plan: TablePlan, field: PlannedField, value: string) {
    let digest: string | string[];
    try {
      digest =
        field.spec.blindIndex === 'name' ? nameTokenDigests(this.kernel.keyring, plan, field, value) : fieldBlindIndex(this.kernel.keyring, plan, field, value);
    } catch {
      throw unprocessable(`${field.name} is not a valid search value`);
    }
    if (typeof digest === 'string') return q.where(`${plan.object}.${bidxColumn(field)}`, '=', digest);
    const first = digest[0];
    if (!first) throw unprocessable(`${field.name} is not a valid search value`);
    const db = tx.trx as unknown as AnyDb;
    const ids = db.selectFrom('name_tokens').select('row_id').where('table_name', '=', plan.object).where('digest', '=', first);
    return q.where(`${plan.object}.id`, 'in', ids);
  }

  /** Drops blind-index false positives (truncated indexes collide by design). */
  private sameValue(plan: TablePlan, field: PlannedField, stored: string | null | undefined, wanted: string | undefined): boolean {
    if (!stored || wanted === undefined) return false;
    if (field.spec.blindIndex === 'name') {
      const want = nameTokenDigests(this.kernel.keyring, plan, field, wanted)[0];
      return nameTokenDigests(this.kernel.keyring, plan, field, stored).includes(want ?? '');
    }
    return fieldBlindIndex(this.kernel.keyring, plan, field, stored, 256) === fieldBlindIndex(this.kernel.keyring, plan, field, wanted, 256);
  }

  /** Creates the data subject with its own key, encrypts the values into `row`; returns the wrapped key. */
  private async encryptInto(
    tx: AuditedTransaction,
    plan: TablePlan,
    row: Record<string, unknown>,
    id: string,
    input: RecordValues,
  ): Promise<{ key_version: number; wrapped_key: Buffer }> {
    const subjectId = newId();
    const keyring = this.kernel.keyring;
    const subject = keyring.newSubjectKey(subjectId);
    await tx.trx
      .insertInto('data_subjects')
      .values({ id: subjectId, key_version: subject.version, wrapped_key: subject.wrapped, created_at: nowIso(), erased_at: null })
      .execute();
    row.subject_id = subjectId;
    const encoded = encodePersonalValues(keyring, plan, id, subject.key, subject.version, input);
    Object.assign(row, encoded.columns);
    if (encoded.nameDigests) await this.replaceNameTokens(tx, plan, id, encoded.nameDigests, true);
    return { key_version: subject.version, wrapped_key: subject.wrapped };
  }

  private async replaceNameTokens(tx: AuditedTransaction, plan: TablePlan, rowId: string, digests: string[], fresh = false): Promise<void> {
    if (!fresh) await tx.trx.deleteFrom('name_tokens').where('table_name', '=', plan.object).where('row_id', '=', rowId).execute();
    const unique = [...new Set(digests)];
    if (unique.length > 0)
      await tx.trx
        .insertInto('name_tokens')
        .values(unique.map((digest) => ({ table_name: plan.object, row_id: rowId, digest })))
        .execute();
  }

  private async resolveOwnership(
    tx: AuditedTransaction,
    actor: Actor,
    object: ScopedResource,
    input: RecordValues,
  ): Promise<{ ownerId: string; teamId: string | null }> {
    const scope = recordScope(actor, object);
    const ownerId = input.ownerId ?? actor.userId;
    if (!ownerId) throw unprocessable('ownerId is required for system writes');
    const owner = await tx.trx.selectFrom('users').select(['id', 'team_id']).where('id', '=', ownerId).executeTakeFirst();
    if (!owner) throw unprocessable('ownerId does not name a user');
    const teamId = input.teamId !== undefined ? input.teamId : owner.team_id;
    if (teamId) {
      const team = await tx.trx.selectFrom('teams').select('id').where('id', '=', teamId).executeTakeFirst();
      if (!team) throw unprocessable('teamId does not name a team');
    }
    const refusal = ownershipRefusal(scope, actor, { ownerId, ownerTeamId: owner.team_id, teamId: teamId ?? null });
    if (refusal) throw forbidden(`the record would fall outside your scope (${refusal})`);
    if (input.accountId) await this.assertAccountVisible(tx, actor, input.accountId);
    return { ownerId, teamId: teamId ?? null };
  }

  private async assertAccountVisible(tx: AuditedTransaction, actor: Actor, accountId: string): Promise<void> {
    const account = await tx.trx.selectFrom('accounts').select(['owner_id', 'team_id']).where('id', '=', accountId).executeTakeFirst();
    if (!account || !inScope(actor, 'accounts', { ownerId: account.owner_id, teamId: account.team_id }))
      throw unprocessable('accountId does not name an account you can see');
  }
}

/** Fields set by the system (ids, ownership, timestamps) are never copied from input. */
const systemFields = new Set(['id', 'ownerId', 'teamId', 'createdAt', 'updatedAt']);

/** The non-personal columns an input sets, by catalogue column name. */
function plainColumns(plan: TablePlan, input: RecordValues): Record<string, unknown> {
  const columns: Record<string, unknown> = {};
  for (const field of plan.plain) if (field.name in input && !systemFields.has(field.name)) columns[field.column] = input[field.name] ?? null;
  return columns;
}

/** Multi-row insert; rows get the same column set (missing ones become null) so one statement fits all. */
async function insertUniform(db: AnyDb, table: string, rows: Record<string, unknown>[]): Promise<void> {
  const columns = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const uniform = rows.map((r) => Object.fromEntries(columns.map((c) => [c, r[c] ?? null])));
  for (let i = 0; i < uniform.length; i += 500)
    await db
      .insertInto(table)
      .values(uniform.slice(i, i + 500))
      .execute();
}

const encodeCursor = (id: string): string => Buffer.from(id, 'utf8').toString('base64url');
function decodeCursor(cursor: string): string {
  const id = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!/^[0-9a-f-]{36}$/.test(id)) throw new AppError('bad_request', 400, 'invalid cursor');
  return id;
}
