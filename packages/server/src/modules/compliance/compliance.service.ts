import type { RequestContext } from '../../platform/audit/audit-event.js';
import { publicKeyId, readCheckpoints, writeCheckpoint } from '../../platform/audit/checkpoints.js';
import type { Actor } from '../../platform/authz/actor.js';
import { readComplianceState } from '../../platform/compliance/read-compliance-state.js';
import { recordComplianceReport } from '../../platform/compliance/record-compliance-report.js';
import type { Kernel } from '../../platform/kernel.js';
import type { CheckResult } from './compliance-check.js';
import { buildReport } from './compliance-report.js';
import { evaluateChecks } from './evaluate-checks.js';
import { renderReportHtml } from './render-report-html.js';
import { renderReportPdf } from './render-report-pdf.js';
import { type ReportFormat, signReport } from './report-signature.js';

/** Checks are recomputed when asked, or when the cached result is older than this (freshness ≤ 15 min). */
export const maxCheckAgeMs = 15 * 60_000;

export interface ComputedChecks {
  computedAt: string;
  checks: CheckResult[];
}

const cache = new WeakMap<Kernel, ComputedChecks>();

/** The checks from live state; served from a per-kernel cache younger than 15 minutes unless `refresh`. */
export async function complianceChecks(kernel: Kernel, options: { refresh?: boolean; now?: Date } = {}): Promise<ComputedChecks> {
  const now = options.now ?? new Date();
  const cached = cache.get(kernel);
  if (!options.refresh && cached && now.getTime() - Date.parse(cached.computedAt) < maxCheckAgeMs) return cached;
  const computed = { computedAt: now.toISOString(), checks: evaluateChecks(await readComplianceState(kernel, now)) };
  cache.set(kernel, computed);
  return computed;
}

export const reportContentTypes: Record<ReportFormat, string> = {
  json: 'application/json; charset=utf-8',
  html: 'text/html; charset=utf-8',
  pdf: 'application/pdf',
};

/**
 * The signed auditor's report: checks computed afresh, the generation audited, then a checkpoint
 * signed over the newest event (this one included) and embedded, then the whole file signed.
 */
export async function createComplianceReport(kernel: Kernel, actor: Actor, context: RequestContext, format: ReportFormat) {
  const { computedAt, checks } = await complianceChecks(kernel, { refresh: true });
  const failingCount = checks.filter((c) => c.status === 'failing').length;
  await recordComplianceReport(kernel, actor, context, { format, checks: checks.length, failing: failingCount });
  await writeCheckpoint(kernel);
  const { db } = await readCheckpoints(kernel);
  const keyId = publicKeyId(kernel.keyring.auditPublicKey);
  const report = buildReport({
    checks,
    computedAt,
    generatedBy: actor.userId ? `user ${actor.userId}` : (actor.reason ?? actor.kind),
    checkpoint: db.at(-1) ?? null,
    keyId,
    now: new Date(),
  });
  const content = format === 'json' ? report : format === 'html' ? renderReportHtml(report) : await renderReportPdf(report);
  const bytes = signReport(format, content, kernel.keyring.auditSigningKey, keyId);
  const stamp = report.generatedAt.replace(/[:.]/g, '-');
  return { bytes, contentType: reportContentTypes[format], filename: `castellan-compliance-${stamp}.${format}` };
}
