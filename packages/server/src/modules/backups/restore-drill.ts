import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Config } from '../../config/load-config.js';
import type { RequestContext } from '../../platform/audit/audit-event.js';
import { publicKeyId } from '../../platform/audit/checkpoints.js';
import { signingKeyTrust } from '../../platform/audit/signing-keys.js';
import type { Actor } from '../../platform/authz/actor.js';
import { latestGoodSequence, recordDrill } from '../../platform/backup/backup-records.js';
import type { BackupTarget } from '../../platform/backup/backup-target.js';
import { decodeCopyRow } from '../../platform/backup/copy-text-codec.js';
import type { VerifiedBackup } from '../../platform/backup/read-backup.js';
import { RowChecksum } from '../../platform/backup/row-codec.js';
import { chunkLines, rowFormat } from '../../platform/backup/row-format.js';
import { signJson } from '../../platform/backup/signed-json.js';
import { openSnapshot } from '../../platform/backup/snapshot-reader.js';
import { newId, nowIso } from '../../platform/data/ids.js';
import type { Kernel } from '../../platform/kernel.js';
import { restoreInstallation } from './restore-installation.js';

export interface DrillCheck {
  name: 'verified' | 'sentinel' | 'row_counts' | 'checksums' | 'audit_chain';
  ok: boolean;
  /** In English (the CLI, the signed report); `facts` let a screen say the same in its reader's language. */
  detail: string;
  facts?: Record<string, string | number>;
}

export interface DrillResult {
  kind: 'castellan-restore-drill';
  drillId: string;
  drillKind: 'manual' | 'scheduled';
  backupId: string | null;
  sequence: number | null;
  target: string;
  startedAt: string;
  finishedAt: string;
  status: 'passed' | 'failed';
  rtoMs: number | null;
  rpoSeconds: number | null;
  checks: DrillCheck[];
}

const DOMAIN = 'castellan-restore-drill:v1';

/**
 * `castellan backup drill`: restores the newest backup into a scratch SQLite database (in a
 * temporary folder, removed after), checks the sentinel row, each table's row count and checksum
 * against the manifest, and the restored audit chain; records RTO (the restore's duration) and RPO
 * (how old the backup was), signs the result with the audit key and records it (backup_drills and an
 * audit event) as the compliance evidence the dashboard reads. A failed check records a failed drill.
 */
export async function runRestoreDrill(
  kernel: Kernel,
  actor: Actor,
  context: RequestContext,
  target: BackupTarget,
  options: { kind: 'manual' | 'scheduled'; privateKey?: import('../../platform/backup/backup-key.js').BackupPrivateKey },
): Promise<DrillResult> {
  const drillId = newId();
  const startedAt = nowIso();
  const scratch = mkdtempSync(path.join(tmpdir(), 'castellan-drill-'));
  const config: Config = {
    ...kernel.config,
    dataDir: scratch,
    database: { kind: 'sqlite', file: path.join(scratch, 'castellan.db') },
    auditCheckpoints: { ...kernel.config.auditCheckpoints, dir: path.join(scratch, 'audit-checkpoints') },
  };
  const known = await latestGoodSequence(kernel);
  const checks: DrillCheck[] = [];
  let backup: VerifiedBackup | undefined;
  let rtoMs: number | null = null;
  const t0 = performance.now();
  try {
    const restored = await restoreInstallation(
      target,
      'latest',
      {
        signing: await signingKeyTrust(kernel),
        provider: kernel.keyring.provider,
        ...(options.privateKey ? { privateKey: options.privateKey } : {}),
        knownSequence: known,
      },
      config,
      async (verified) => {
        backup = verified;
        const chunks = verified.manifest.totals.chunks;
        checks.push({ name: 'verified', ok: true, detail: `signature, chain, ${chunks} chunks, counts and checksums`, facts: { chunks } });
        checks.push(...(await compareRestored(config, verified)));
      },
    );
    rtoMs = Math.max(1, Math.round(performance.now() - t0));
    checks.push({
      name: 'audit_chain',
      ok: restored.audit.intact,
      detail: restored.audit.intact ? `${restored.audit.events} events intact` : (restored.audit.problem?.kind ?? 'broken'),
      ...(restored.audit.intact ? { facts: { events: restored.audit.events } } : {}),
    });
  } catch (error) {
    checks.push({ name: backup ? 'audit_chain' : 'verified', ok: false, detail: (error as Error).message.slice(0, 300) });
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  const manifest = (backup as VerifiedBackup | undefined)?.manifest;
  const result: DrillResult = {
    kind: 'castellan-restore-drill',
    drillId,
    drillKind: options.kind,
    backupId: manifest?.backupId ?? null,
    sequence: manifest?.sequence ?? null,
    target: target.name,
    startedAt,
    finishedAt: nowIso(),
    status: checks.length > 0 && checks.every((c) => c.ok) ? 'passed' : 'failed',
    rtoMs,
    rpoSeconds: manifest ? Math.round((Date.parse(startedAt) - Date.parse(manifest.createdAt)) / 1000) : null,
    checks,
  };
  const signed = signJson(DOMAIN, result, kernel.keyring.auditSigningKey, publicKeyId(kernel.keyring.auditPublicKey));
  const signature = (JSON.parse(signed.toString('utf8')) as { signature: string }).signature;
  await recordDrill(kernel, actor, context, {
    id: drillId,
    backupId: result.backupId,
    sequence: result.sequence,
    kind: options.kind,
    status: result.status,
    startedAt,
    finishedAt: result.finishedAt,
    rtoMs,
    rpoSeconds: result.rpoSeconds,
    checks,
    failure: result.status === 'failed' ? (checks.find((c) => !c.ok)?.detail ?? null) : null,
    signature,
  });
  return result;
}

/** The restored copy, read back: the sentinel, and each table's rows counted and summed as the manifest did. */
async function compareRestored(config: Config, backup: VerifiedBackup): Promise<DrillCheck[]> {
  const snapshot = await openSnapshot(config.database);
  try {
    const sentinel = (await snapshot.query("SELECT value FROM settings WHERE key = 'backup_sentinel'"))[0]?.[0];
    const counts: string[] = [];
    const sums: string[] = [];
    for await (const table of snapshot.tables()) {
      const expected = backup.manifest.tables.find((t) => t.name === table.name);
      if (!expected) continue;
      const checksum = new RowChecksum();
      const format = rowFormat(backup.manifest, expected);
      for await (const text of table.lines) {
        if (format.copyText) checksum.addLines(text);
        else for (const line of chunkLines(text)) checksum.add(format.encode(decodeCopyRow(line, table.kinds)));
      }
      if (checksum.rows !== expected.rows) counts.push(`${table.name}: ${checksum.rows} of ${expected.rows}`);
      else if (checksum.hex !== expected.checksum) sums.push(table.name);
    }
    return [
      {
        name: 'sentinel',
        ok: sentinel === backup.manifest.sentinel,
        detail: sentinel === backup.manifest.sentinel ? 'present' : 'missing or different',
        facts: {},
      },
      {
        name: 'row_counts',
        ok: counts.length === 0,
        detail: counts.length === 0 ? `${backup.manifest.totals.rows} rows in ${backup.manifest.tables.length} tables` : counts.join('; '),
        facts: counts.length === 0 ? { rows: backup.manifest.totals.rows, tables: backup.manifest.tables.length } : { tables: counts.join('; ') },
      },
      {
        name: 'checksums',
        ok: sums.length === 0,
        detail: sums.length === 0 ? 'every table matches' : `differ: ${sums.join(', ')}`,
        facts: sums.length === 0 ? {} : { tables: sums.join(', ') },
      },
    ];
  } finally {
    await snapshot.close();
  }
}
