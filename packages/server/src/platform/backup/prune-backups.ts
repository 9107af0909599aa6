import type { Kysely } from 'kysely';
import type { RequestContext } from '../audit/audit-event.js';
import { signingKeyTrust } from '../audit/signing-keys.js';
import type { Actor } from '../authz/actor.js';
import { nowIso } from '../data/ids.js';
import type { Kernel } from '../kernel.js';
import type { BackupTarget } from './backup-target.js';
import { backupFolder } from './backup-target.js';
import { decidePrune, type KeepPolicy } from './prune.policy.js';
import { listBackups } from './read-backup.js';

type AnyDb = Kysely<any>;

export interface PruneReport {
  target: string;
  kept: number[];
  pruned: number[];
  removedIncomplete: number[];
  failure?: string;
}

/**
 * Applies the keep policy to one target: a pruned backup loses its chunks and gets a `pruned.json`
 * marker, its signed manifest stays (the chain is never cut, so a removed backup stays detectable);
 * an unfinished folder older than a day goes whole. Audited as `backup.pruned` with the sequences.
 */
export async function pruneBackups(
  kernel: Kernel,
  actor: Actor,
  context: RequestContext,
  target: BackupTarget,
  policy: KeepPolicy,
  now = new Date(),
): Promise<PruneReport> {
  const listed = await listBackups(target, await signingKeyTrust(kernel));
  const runs = await (kernel.db.kysely as unknown as AnyDb).selectFrom('backup_runs').select(['id', 'started_at']).execute();
  const startedOf = new Map(runs.map((r) => [String(r.id), String(r.started_at)]));
  const decision = decidePrune(
    listed.map((b) => ({ sequence: b.sequence, state: b.state, createdAt: b.createdAt ?? startedOf.get(b.backupId) ?? null })),
    policy,
    now,
    target.appendOnly,
  );
  const idOf = new Map(listed.map((b) => [b.sequence, b.backupId]));
  const report: PruneReport = { target: target.name, kept: decision.keep, pruned: [], removedIncomplete: [] };
  try {
    for (const sequence of decision.prune) {
      const folder = backupFolder(sequence, idOf.get(sequence) as string);
      await target.remove(`${folder}chunks/`);
      await target.put(`${folder}pruned.json`, Buffer.from(`${JSON.stringify({ prunedAt: nowIso() })}\n`));
      report.pruned.push(sequence);
    }
    for (const sequence of decision.removeIncomplete) {
      await target.remove(backupFolder(sequence, idOf.get(sequence) as string));
      report.removedIncomplete.push(sequence);
    }
  } catch (error) {
    report.failure = (error as Error).message.slice(0, 300);
  }
  if (report.pruned.length + report.removedIncomplete.length > 0 || report.failure)
    await kernel.transaction((tx) =>
      tx.audit(actor, context, {
        action: 'backup.pruned',
        outcome: report.failure ? 'failure' : 'success',
        resource: 'backup_runs',
        detail: { target: target.name, pruned: report.pruned, removedIncomplete: report.removedIncomplete, kept: report.kept.length },
      }),
    );
  return report;
}
