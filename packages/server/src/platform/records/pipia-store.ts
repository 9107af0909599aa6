import { fieldCatalogue, type PipiaContent, type PipiaSummary, type PipiaVersionView, type PipiaView } from '@castellan/shared';
import type { RequestContext } from '../audit/audit-event.js';
import type { Actor } from '../authz/actor.js';
import { newId, nowIso } from '../data/ids.js';
import type { PipiasTable, PipiaVersionsTable } from '../db/schema.js';
import { AppError, conflict, notFound, unprocessable } from '../errors.js';
import type { AuditedTransaction, Kernel } from '../kernel.js';
import { type Catalogue, contentHash } from './catalogue-fingerprint.js';
import { canManageRecords } from './controller-store.js';
import { triggersOf } from './pipia-requirements.js';
import { pipiaState } from './pipia-state.js';
import { processingActivities } from './processing-activities.js';
import { readRecordInputs } from './records-inputs.js';
import { mayDelete, retainedUntil, retentionYears } from './records-retention.js';
import { openRecordText, pipiaVersionRow, sealRecordText } from './records-sealing.js';
import { activityFingerprint, pipiaDraft, type RecordInputs } from './ropa-content.js';
import type { CatalogueOption } from './ropa-store.js';

/**
 * Personal-information protection impact assessments (PIPL Arts. 55–56), one per processing activity,
 * each a series of versions: a draft generated from the catalogue and the transfer register, the
 * assessor's findings (sealed), then approval — after which the version never changes (the database
 * refuses it) and a change needs a new revision. Kept at least three years from the latest version.
 */
const findingsCell = (pipiaId: string, version: number) => ({
  table: 'pipia_versions' as const,
  column: 'findings' as const,
  rowId: pipiaVersionRow(pipiaId, version),
});

interface Ctx {
  kernel: Kernel;
  tx: AuditedTransaction;
  catalogue: Catalogue;
  inputs: RecordInputs;
}

async function contextOf(kernel: Kernel, tx: AuditedTransaction, options: CatalogueOption): Promise<Ctx> {
  const catalogue = options.catalogue ?? fieldCatalogue;
  return { kernel, tx, catalogue, inputs: await readRecordInputs(kernel, tx.trx, catalogue) };
}

const requiredTriggers = (ctx: Ctx, activity: string) => {
  const found = processingActivities(ctx.catalogue).find((a) => a.key === activity);
  return found ? triggersOf(found, ctx.inputs.transfers, ctx.inputs.controller.country) : [];
};

const versionsOf = (tx: AuditedTransaction, id: string) =>
  tx.trx.selectFrom('pipia_versions').selectAll().where('pipia_id', '=', id).orderBy('version', 'desc').execute();

function summaryOf(ctx: Ctx, pipia: PipiasTable, versions: readonly PipiaVersionsTable[]): PipiaSummary & { state: ReturnType<typeof pipiaState>['state'] } {
  const live = activityFingerprint(ctx.catalogue, pipia.activity);
  const state = pipiaState(
    versions.map((v) => ({
      version: Number(v.version),
      status: v.status as 'draft' | 'approved',
      fingerprint: v.catalogue_fingerprint,
      triggers: (JSON.parse(v.content) as PipiaContent).triggers,
    })),
    live,
    requiredTriggers(ctx, pipia.activity),
  );
  const latestAt = versions[0]?.created_at ?? pipia.created_at;
  return {
    id: pipia.id,
    activity: pipia.activity,
    createdAt: pipia.created_at,
    status: state.status,
    latestVersion: state.latestVersion,
    approvedVersion: state.approvedVersion,
    outdated: state.outdated,
    uncovered: state.uncovered,
    current: state.current,
    retainedUntil: retainedUntil(latestAt).toISOString(),
    state: state.state,
  };
}

function versionView(ctx: Ctx, activity: string, v: PipiaVersionsTable, personal: boolean): PipiaVersionView {
  const live = activityFingerprint(ctx.catalogue, activity);
  return {
    version: Number(v.version),
    status: v.status as PipiaVersionView['status'],
    contentHash: v.content_hash,
    catalogueFingerprint: v.catalogue_fingerprint,
    outdated: v.catalogue_fingerprint !== live,
    createdAt: v.created_at,
    createdBy: v.created_by,
    approvedAt: v.approved_at,
    approvedBy: v.approved_by,
    content: JSON.parse(v.content) as PipiaContent,
    hasFindings: v.findings_enc !== null,
    findings: personal ? openRecordText(ctx.kernel.keyring, findingsCell(v.pipia_id, Number(v.version)), v.findings_enc) : null,
  };
}

async function pipiaRow(tx: AuditedTransaction, id: string): Promise<PipiasTable> {
  const row = await tx.trx.selectFrom('pipias').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('impact assessment');
  return row;
}

async function viewIn(ctx: Ctx, actor: Actor, context: RequestContext, id: string): Promise<PipiaView> {
  const pipia = await pipiaRow(ctx.tx, id);
  const versions = await versionsOf(ctx.tx, id);
  const personal = canManageRecords(actor);
  if (personal && versions.some((v) => v.findings_enc))
    await ctx.tx.audit(actor, context, { action: 'records.pipia.findings.read', outcome: 'success', resource: 'pipias', resourceId: id, fields: ['findings'] });
  const { state: _state, ...summary } = summaryOf(ctx, pipia, versions);
  return { ...summary, versions: versions.map((v) => versionView(ctx, pipia.activity, v, personal)) };
}

function draftOf(ctx: Ctx, activity: string): PipiaContent {
  const draft = pipiaDraft(ctx.inputs, activity);
  if (!draft) {
    const known = processingActivities(ctx.catalogue).map((a) => a.key);
    throw unprocessable(`${activity} is not a processing activity of the record (one of: ${known.join(', ')})`);
  }
  return draft;
}

async function insertVersion(ctx: Ctx, actor: Actor, pipiaId: string, version: number, content: PipiaContent, findings: string | null): Promise<void> {
  await ctx.tx.trx
    .insertInto('pipia_versions')
    .values({
      pipia_id: pipiaId,
      version,
      status: 'draft',
      content: JSON.stringify(content),
      content_hash: contentHash(content),
      catalogue_fingerprint: content.catalogueFingerprint,
      findings_enc: sealRecordText(ctx.kernel.keyring, findingsCell(pipiaId, version), findings),
      created_at: nowIso(),
      created_by: actor.userId,
      approved_at: null,
      approved_by: null,
    })
    .execute();
}

export async function createPipia(kernel: Kernel, actor: Actor, context: RequestContext, activity: string, options: CatalogueOption = {}): Promise<PipiaView> {
  return kernel.transaction(async (tx) => {
    const ctx = await contextOf(kernel, tx, options);
    const content = draftOf(ctx, activity);
    const existing = await tx.trx.selectFrom('pipias').select('id').where('activity', '=', activity).executeTakeFirst();
    if (existing) throw conflict(`${activity} already has an impact assessment: revise it instead`);
    const id = newId();
    await tx.trx.insertInto('pipias').values({ id, activity, created_at: nowIso(), created_by: actor.userId }).execute();
    await insertVersion(ctx, actor, id, 1, content, null);
    await tx.audit(actor, context, {
      action: 'records.pipia.created',
      outcome: 'success',
      resource: 'pipias',
      resourceId: id,
      detail: { activity, triggers: content.triggers },
    });
    return viewIn(ctx, actor, context, id);
  });
}

export async function listPipias(kernel: Kernel, options: CatalogueOption = {}): Promise<(PipiaSummary & { state: string })[]> {
  return kernel.transaction(async (tx) => {
    const ctx = await contextOf(kernel, tx, options);
    const pipias = await tx.trx.selectFrom('pipias').selectAll().orderBy('activity').execute();
    const versions = await tx.trx.selectFrom('pipia_versions').selectAll().orderBy('version', 'desc').execute();
    return pipias.map((p) =>
      summaryOf(
        ctx,
        p,
        versions.filter((v) => v.pipia_id === p.id),
      ),
    );
  });
}

export async function getPipia(kernel: Kernel, actor: Actor, context: RequestContext, id: string, options: CatalogueOption = {}): Promise<PipiaView> {
  return kernel.transaction(async (tx) => viewIn(await contextOf(kernel, tx, options), actor, context, id));
}

export async function updateFindings(kernel: Kernel, actor: Actor, context: RequestContext, id: string, findings: string): Promise<PipiaView> {
  return kernel.transaction(async (tx) => {
    const ctx = await contextOf(kernel, tx, {});
    await pipiaRow(tx, id);
    const [latest] = await versionsOf(tx, id);
    if (latest?.status !== 'draft') throw conflict('the latest version is approved and cannot change: start a revision');
    await tx.trx
      .updateTable('pipia_versions')
      .set({ findings_enc: sealRecordText(kernel.keyring, findingsCell(id, Number(latest.version)), findings) })
      .where('pipia_id', '=', id)
      .where('version', '=', latest.version)
      .where('status', '=', 'draft')
      .execute();
    await tx.audit(actor, context, {
      action: 'records.pipia.findings.updated',
      outcome: 'success',
      resource: 'pipias',
      resourceId: id,
      fields: ['findings'],
      detail: { version: Number(latest.version) },
    });
    return viewIn(ctx, actor, context, id);
  });
}

/** A new draft version regenerated from the catalogue and the register as they are now; the findings carry over. */
export async function revisePipia(kernel: Kernel, actor: Actor, context: RequestContext, id: string, options: CatalogueOption = {}): Promise<PipiaView> {
  return kernel.transaction(async (tx) => {
    const ctx = await contextOf(kernel, tx, options);
    const pipia = await pipiaRow(tx, id);
    const [latest] = await versionsOf(tx, id);
    if (!latest) throw notFound('impact assessment version');
    const findings = openRecordText(kernel.keyring, findingsCell(id, Number(latest.version)), latest.findings_enc);
    const version = Number(latest.version) + 1;
    const content = draftOf(ctx, pipia.activity);
    await insertVersion(ctx, actor, id, version, content, findings);
    await tx.audit(actor, context, {
      action: 'records.pipia.revised',
      outcome: 'success',
      resource: 'pipias',
      resourceId: id,
      detail: { version, triggers: content.triggers },
    });
    return viewIn(ctx, actor, context, id);
  });
}

export async function approvePipia(kernel: Kernel, actor: Actor, context: RequestContext, id: string, options: CatalogueOption = {}): Promise<PipiaView> {
  return kernel.transaction(async (tx) => {
    const ctx = await contextOf(kernel, tx, options);
    const pipia = await pipiaRow(tx, id);
    const [latest] = await versionsOf(tx, id);
    if (latest?.status !== 'draft') throw conflict('there is no draft to approve: start a revision');
    if (!latest.findings_enc) throw unprocessable("record the assessor's findings (PIPL Art. 56) before approving");
    if (latest.catalogue_fingerprint !== activityFingerprint(ctx.catalogue, pipia.activity))
      throw unprocessable('the draft was generated from classifications that have changed since: start a revision');
    await tx.trx
      .updateTable('pipia_versions')
      .set({ status: 'approved', approved_at: nowIso(), approved_by: actor.userId })
      .where('pipia_id', '=', id)
      .where('version', '=', latest.version)
      .where('status', '=', 'draft')
      .execute();
    await tx.audit(actor, context, {
      action: 'records.pipia.approved',
      outcome: 'success',
      resource: 'pipias',
      resourceId: id,
      detail: { version: Number(latest.version) },
    });
    return viewIn(ctx, actor, context, id);
  });
}

/**
 * Deletes an assessment and its versions, refused (and the refusal audited) until three years after
 * its latest version, and while a transfer of the register names it.
 */
export async function deletePipia(kernel: Kernel, actor: Actor, context: RequestContext, id: string, now = new Date()): Promise<void> {
  const refusal = await kernel.transaction(async (tx) => {
    const pipia = await pipiaRow(tx, id);
    const [latest] = await versionsOf(tx, id);
    const latestAt = latest?.created_at ?? pipia.created_at;
    if (!mayDelete(latestAt, now)) {
      const until = retainedUntil(latestAt).toISOString();
      await tx.audit(actor, context, {
        action: 'records.pipia.delete_refused',
        outcome: 'refused',
        resource: 'pipias',
        resourceId: id,
        detail: { retainedUntil: until },
      });
      return new AppError(
        'retention_period',
        409,
        `an impact assessment is kept at least ${retentionYears} years after its latest version (PIPL Art. 56): this one may be deleted from ${until}`,
        {
          retainedUntil: until,
        },
      );
    }
    const linked = await tx.trx.selectFrom('transfers').select('id').where('pipia_id', '=', id).execute();
    if (linked.length) return conflict(`${linked.length} transfer(s) of the register name this impact assessment`);
    await tx.trx.deleteFrom('pipia_versions').where('pipia_id', '=', id).execute();
    await tx.trx.deleteFrom('pipias').where('id', '=', id).execute();
    await tx.audit(actor, context, {
      action: 'records.pipia.deleted',
      outcome: 'success',
      resource: 'pipias',
      resourceId: id,
      detail: { activity: pipia.activity, versions: Number(latest?.version ?? 0) },
    });
    return null;
  });
  if (refusal) throw refusal;
}
