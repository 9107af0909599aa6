import type { KeyObject } from 'node:crypto';
import { signReport, verifyReport } from '../../modules/compliance/report-signature.js';
import type { SigningKeyResolver } from '../audit/signing-keys.js';
import type { BatchCounts } from '../data/retention-batch.js';

/**
 * The certificate of a retention run: which rules ran (rule id and version, object, purpose, action,
 * trigger, days, cutoff), and per rule how many records were due, removed, anonymised, kept under a
 * legal hold (by reason code), kept because the person's processing is restricted, or kept because
 * another record still names them; the run id, its kind and its time window. Counts and rule ids
 * only: never a value, never a record or subject id. Signed like the compliance report (Ed25519, the
 * audit log's key; canonical JSON), so `castellan retention verify` or the API can check it offline.
 */
export const certificateKind = 'castellan-retention-certificate';

/** One rule of the run and what its batches did (their counts, summed). */
export interface CertificateRule extends BatchCounts {
  ruleId: string;
  ruleVersion: number;
  object: string;
  purpose: string;
  action: string;
  trigger: string;
  days: number;
  cutoff: string;
}

export interface RetentionCertificate {
  kind: typeof certificateKind;
  version: 1;
  runId: string;
  runKind: 'scheduled' | 'manual';
  asOf: string;
  startedAt: string;
  finishedAt: string;
  rules: CertificateRule[];
  totals: { due: number; removed: number; anonymised: number; held: number; restricted: number; referenced: number };
}

export function buildCertificate(
  run: { id: string; kind: 'scheduled' | 'manual'; asOf: string; startedAt: string; finishedAt: string },
  rules: CertificateRule[],
) {
  const sum = (k: keyof RetentionCertificate['totals']) => rules.reduce((n, r) => n + r[k], 0);
  const certificate: RetentionCertificate = {
    kind: certificateKind,
    version: 1,
    runId: run.id,
    runKind: run.kind,
    asOf: run.asOf,
    startedAt: run.startedAt,
    finishedAt: run.finishedAt,
    rules,
    totals: {
      due: sum('due'),
      removed: sum('removed'),
      anonymised: sum('anonymised'),
      held: sum('held'),
      restricted: sum('restricted'),
      referenced: sum('referenced'),
    },
  };
  return certificate;
}

export function signCertificate(certificate: RetentionCertificate, key: KeyObject, keyId: string): Buffer {
  return signReport('json', certificate, key, keyId);
}

export interface CertificateVerification {
  valid: boolean;
  reason: string;
  keyId: string | null;
  runId: string | null;
}

/** Checks a certificate file: signed by this key, unaltered, and a retention certificate (not another signed report). */
export function verifyCertificate(file: Buffer, resolve: SigningKeyResolver): CertificateVerification {
  const result = verifyReport(file, resolve);
  if (result.format !== 'json' && result.format !== 'unknown')
    return { valid: false, reason: 'not a retention certificate (a signed HTML or PDF report)', keyId: result.keyId, runId: null };
  const body = result.report;
  const runId = typeof body?.runId === 'string' ? body.runId : null;
  if (result.valid && body?.kind !== certificateKind)
    return { valid: false, reason: 'signed, but not a retention certificate (another signed report)', keyId: result.keyId, runId };
  return { valid: result.valid, reason: result.reason, keyId: result.keyId, runId };
}
