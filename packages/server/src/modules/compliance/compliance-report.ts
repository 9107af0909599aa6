import type { Checkpoint } from '../../platform/audit/checkpoints.js';
import type { CheckResult, Framework } from './compliance-check.js';
import { checkTitles, frameworkNames } from './report-labels.js';

/** The auditor's report: every check with its evidence and controls, and the newest signed audit checkpoint. */
export interface ComplianceReport {
  format: 'castellan-compliance-report/v1';
  generatedAt: string;
  computedAt: string;
  generatedBy: string;
  summary: { total: number; passing: number; failing: number };
  frameworks: { id: Framework; en: string; zh: string; passing: number; failing: number }[];
  checks: (CheckResult & { title: { en: string; zh: string } })[];
  auditCheckpoint: Checkpoint | null;
  auditPublicKeyId: string;
}

export function buildReport(input: {
  checks: readonly CheckResult[];
  computedAt: string;
  generatedBy: string;
  checkpoint: Checkpoint | null;
  keyId: string;
  now: Date;
}): ComplianceReport {
  const passingCount = input.checks.filter((c) => c.status === 'passing').length;
  const frameworks = (Object.keys(frameworkNames) as Framework[]).map((id) => {
    const mine = input.checks.filter((c) => c.controls.some((k) => k.framework === id));
    return {
      id,
      ...frameworkNames[id],
      passing: mine.filter((c) => c.status === 'passing').length,
      failing: mine.filter((c) => c.status === 'failing').length,
    };
  });
  return {
    format: 'castellan-compliance-report/v1',
    generatedAt: input.now.toISOString(),
    computedAt: input.computedAt,
    generatedBy: input.generatedBy,
    summary: { total: input.checks.length, passing: passingCount, failing: input.checks.length - passingCount },
    frameworks,
    checks: input.checks.map((c) => ({ ...c, title: checkTitles[c.id] })),
    auditCheckpoint: input.checkpoint,
    auditPublicKeyId: input.keyId,
  };
}
