import { fieldCatalogue, type RopaContent, type RopaVersionSummary, type RopaVersionView } from '@castellan/shared';
import type { RequestContext } from '../audit/audit-event.js';
import type { Actor } from '../authz/actor.js';
import { newId, nowIso } from '../data/ids.js';
import type { RopaVersionsTable } from '../db/schema.js';
import { notFound } from '../errors.js';
import type { AuditedTransaction, Kernel } from '../kernel.js';
import { type Catalogue, catalogueFingerprint, contentHash } from './catalogue-fingerprint.js';
import { canManageRecords, controllerPersonalNow } from './controller-store.js';
import { readRecordInputs } from './records-inputs.js';
import { openRecordText, sealRecordText } from './records-sealing.js';
import { ropaContent } from './ropa-content.js';
import { type RopaFormat, renderRopa } from './ropa-export.js';

/**
 * The record of processing activities as numbered, immutable versions (the database refuses an
 * UPDATE). Generation stores a new version only when the content differs from the latest one; each
 * version keeps the catalogue fingerprint it was generated from, and reads compare it with the live
 * catalogue's (`outdated`). `catalogue` is a parameter so a test can present a changed catalogue.
 */
export interface CatalogueOption {
  catalogue?: Catalogue;
}

const controllerCell = (id: string) => ({ table: 'ropa_versions' as const, column: 'controller' as const, rowId: id });

function summaryOf(row: RopaVersionsTable, live: string, latestNumber: number): RopaVersionSummary {
  return {
    id: row.id,
    number: Number(row.number),
    createdAt: row.created_at,
    createdBy: row.created_by,
    contentHash: row.content_hash,
    catalogueFingerprint: row.catalogue_fingerprint,
    outdated: row.catalogue_fingerprint !== live,
    latest: Number(row.number) === latestNumber,
  };
}

async function latestRow(tx: AuditedTransaction): Promise<RopaVersionsTable | undefined> {
  return tx.trx.selectFrom('ropa_versions').selectAll().orderBy('number', 'desc').limit(1).executeTakeFirst();
}

function viewOf(kernel: Kernel, row: RopaVersionsTable, live: string, latestNumber: number, personal: boolean): RopaVersionView {
  const opened = personal ? openRecordText(kernel.keyring, controllerCell(row.id), row.controller_enc) : null;
  return {
    ...summaryOf(row, live, latestNumber),
    content: JSON.parse(row.content) as RopaContent,
    controllerPersonal: personal ? (opened ? (JSON.parse(opened) as { contact: string | null; dpo: string | null }) : { contact: null, dpo: null }) : null,
  };
}

export async function generateRopa(
  kernel: Kernel,
  actor: Actor,
  context: RequestContext,
  options: CatalogueOption = {},
): Promise<{ created: boolean; version: RopaVersionView }> {
  const catalogue = options.catalogue ?? fieldCatalogue;
  const live = catalogueFingerprint(catalogue);
  return kernel.transaction(async (tx) => {
    const content = ropaContent(await readRecordInputs(kernel, tx.trx, catalogue));
    const hash = contentHash(content);
    const latest = await latestRow(tx);
    const personal = canManageRecords(actor);
    if (latest && latest.content_hash === hash) {
      await tx.audit(actor, context, {
        action: 'records.ropa.generated',
        outcome: 'success',
        resource: 'ropa_versions',
        resourceId: latest.id,
        detail: { number: Number(latest.number), created: false },
      });
      return { created: false, version: viewOf(kernel, latest, live, Number(latest.number), personal) };
    }
    const id = newId();
    const number = latest ? Number(latest.number) + 1 : 1;
    const controller = await controllerPersonalNow(kernel, tx.trx);
    const row: RopaVersionsTable = {
      id,
      number,
      content: JSON.stringify(content),
      content_hash: hash,
      catalogue_fingerprint: content.catalogueFingerprint,
      controller_enc: controller.contact || controller.dpo ? sealRecordText(kernel.keyring, controllerCell(id), JSON.stringify(controller)) : null,
      created_at: nowIso(),
      created_by: actor.userId,
    };
    await tx.trx.insertInto('ropa_versions').values(row).execute();
    await tx.audit(actor, context, {
      action: 'records.ropa.generated',
      outcome: 'success',
      resource: 'ropa_versions',
      resourceId: id,
      detail: { number, created: true, activities: content.activities.length },
    });
    return { created: true, version: viewOf(kernel, row, live, number, personal) };
  });
}

export async function listRopaVersions(kernel: Kernel, options: CatalogueOption = {}): Promise<{ items: RopaVersionSummary[]; currentFingerprint: string }> {
  const live = catalogueFingerprint(options.catalogue ?? fieldCatalogue);
  const rows = await kernel.db.kysely.selectFrom('ropa_versions').selectAll().orderBy('number', 'desc').limit(500).execute();
  const latestNumber = rows.length ? Number(rows[0]?.number) : 0;
  return { items: rows.map((r) => summaryOf(r, live, latestNumber)), currentFingerprint: live };
}

async function versionIn(
  kernel: Kernel,
  tx: AuditedTransaction,
  actor: Actor,
  context: RequestContext,
  number: number,
  live: string,
): Promise<RopaVersionView> {
  const row = await tx.trx.selectFrom('ropa_versions').selectAll().where('number', '=', number).executeTakeFirst();
  if (!row) throw notFound('RoPA version');
  const latest = await latestRow(tx);
  const personal = canManageRecords(actor);
  if (personal && row.controller_enc)
    await tx.audit(actor, context, {
      action: 'records.controller.read',
      outcome: 'success',
      resource: 'ropa_versions',
      resourceId: row.id,
      fields: ['contact', 'dpo'],
    });
  return viewOf(kernel, row, live, Number(latest?.number ?? row.number), personal);
}

export async function getRopaVersion(
  kernel: Kernel,
  actor: Actor,
  context: RequestContext,
  number: number,
  options: CatalogueOption = {},
): Promise<RopaVersionView> {
  const live = catalogueFingerprint(options.catalogue ?? fieldCatalogue);
  return kernel.transaction((tx) => versionIn(kernel, tx, actor, context, number, live));
}

/** A version as a file; the export is audited in the same transaction as the read. */
export async function exportRopaVersion(kernel: Kernel, actor: Actor, context: RequestContext, number: number, format: RopaFormat) {
  const live = catalogueFingerprint(fieldCatalogue);
  return kernel.transaction(async (tx) => {
    const view = await versionIn(kernel, tx, actor, context, number, live);
    await tx.audit(actor, context, {
      action: 'records.ropa.exported',
      outcome: 'success',
      resource: 'ropa_versions',
      resourceId: view.id,
      detail: { number, format },
    });
    return renderRopa(view, format);
  });
}
