import { type KeyObject, timingSafeEqual, verify } from 'node:crypto';
import type { Actor } from '../authz/actor.js';
import type { Kernel } from '../kernel.js';
import { chainHash, eventSeal, GENESIS_HASH } from './append-audit-event.js';
import type { RequestContext } from './audit-event.js';
import { type Checkpoint, checkpointSignatureValid, missingCheckpointFiles, publicKeyId, readCheckpoints } from './checkpoints.js';
import { type AuditAnchor, anchorMessage } from './retention.js';

/**
 * `castellan audit verify`: recomputes every event's hash and keyed seal in order, follows the chain
 * of previous hashes, and checks every signed checkpoint (database and file). The first problem is
 * named: the event that was altered, inserted, or the place where events were removed.
 */
export type ProblemKind = 'altered' | 'inserted' | 'removed' | 'truncated' | 'bad_checkpoint';

export interface VerifyProblem {
  kind: ProblemKind;
  seq: number | null;
  eventId: string | null;
  message: string;
}

export interface VerifyResult {
  intact: boolean;
  events: number;
  checkpoints: number;
  lastSeq: number | null;
  problem?: VerifyProblem;
}

const same = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));
const BATCH = 5000;

function anchorSignatureValid(anchor: AuditAnchor, key: KeyObject): boolean {
  try {
    return verify(null, anchorMessage(anchor), key, Buffer.from(anchor.signature, 'base64'));
  } catch {
    return false;
  }
}

function mergeCheckpoints(
  kernel: Kernel,
  db: Checkpoint[],
  file: Checkpoint[],
  fileKey: KeyObject | undefined,
): { bySeq: Map<number, Checkpoint>; problem?: VerifyProblem } {
  const key = kernel.keyring.auditPublicKey;
  const keyId = publicKeyId(key);
  const bySeq = new Map<number, Checkpoint>();
  if (fileKey && publicKeyId(fileKey) !== keyId) {
    return {
      bySeq,
      problem: { kind: 'bad_checkpoint', seq: null, eventId: null, message: "the log's signing key differs from the one recorded outside the database" },
    };
  }
  for (const c of [...file, ...db]) {
    if (c.keyId !== keyId || !checkpointSignatureValid(c, key)) {
      return {
        bySeq,
        problem: {
          kind: 'bad_checkpoint',
          seq: c.seq,
          eventId: null,
          message: `the checkpoint at event ${c.seq} does not carry a valid signature of this audit log's key`,
        },
      };
    }
    const seen = bySeq.get(c.seq);
    if (seen && seen.hash !== c.hash) {
      return { bySeq, problem: { kind: 'bad_checkpoint', seq: c.seq, eventId: null, message: `two signed checkpoints disagree about event ${c.seq}` } };
    }
    bySeq.set(c.seq, c);
  }
  return { bySeq };
}

export async function verifyAuditChain(kernel: Kernel): Promise<VerifyResult> {
  const { db: dbCheckpoints, file, fileKey } = await readCheckpoints(kernel);
  const missing = await missingCheckpointFiles(kernel);
  const merged: ReturnType<typeof mergeCheckpoints> = missing
    ? { bySeq: new Map(), problem: { kind: 'bad_checkpoint', seq: null, eventId: null, message: missing } }
    : mergeCheckpoints(kernel, dbCheckpoints, file, fileKey);
  const checkpoints = merged.bySeq;
  const result = (events: number, lastSeq: number | null, problem?: VerifyProblem): VerifyResult => ({
    intact: !problem,
    events,
    checkpoints: checkpoints.size,
    lastSeq,
    ...(problem ? { problem } : {}),
  });
  if (merged.problem) return result(0, null, merged.problem);

  // After a retention cut the chain continues from the signed anchor (the newest archived event).
  const anchorRow = await kernel.db.kysely.selectFrom('settings').select('value').where('key', '=', 'audit_anchor').executeTakeFirst();
  const anchor = anchorRow ? (JSON.parse(anchorRow.value) as AuditAnchor) : undefined;
  if (anchor && !anchorSignatureValid(anchor, kernel.keyring.auditPublicKey)) {
    return result(0, null, { kind: 'bad_checkpoint', seq: anchor.seq, eventId: null, message: "the retention anchor is not signed by this audit log's key" });
  }
  let previous = anchor?.hash ?? GENESIS_HASH;
  const suite = kernel.suite;
  const sealKey = kernel.keyring.auditSealKey;
  const pendingCheckpoints = [...checkpoints.keys()].filter((seq) => seq > (anchor?.seq ?? 0)).sort((a, b) => a - b);
  let count = 0;
  let lastSeq: number | null = null;
  let cursor = -1;
  for (;;) {
    const rows = await kernel.db.kysely
      .selectFrom('audit_events')
      .selectAll()
      .where('seq', '>', cursor)
      .orderBy('seq')
      .limit(BATCH + 1)
      .execute();
    const page = rows.slice(0, BATCH);
    for (const [i, row] of page.entries()) {
      const seq = Number(row.seq);
      const name = `event ${seq} (${row.action}, id ${row.id})`;
      while (pendingCheckpoints.length && (pendingCheckpoints[0] ?? Infinity) < seq) {
        const missing = pendingCheckpoints.shift() as number;
        return result(count, lastSeq, {
          kind: 'removed',
          seq: missing,
          eventId: null,
          message: `event ${missing} was removed: a signed checkpoint names it, but the log skips from ${lastSeq ?? 'the start'} to ${seq}`,
        });
      }
      const recomputed = chainHash(suite, row);
      if (!same(recomputed, row.hash))
        return result(count, lastSeq, { kind: 'altered', seq, eventId: row.id, message: `${name} was altered: its content no longer matches its hash` });
      if (!row.seal || !same(eventSeal(suite, sealKey, row.hash), row.seal)) {
        return result(count, lastSeq, {
          kind: 'inserted',
          seq,
          eventId: row.id,
          message: `${name} has no valid seal: it was forged (inserted) or altered and re-hashed`,
        });
      }
      if (!same(row.prev_hash, previous)) {
        const next = page[i + 1] ?? rows[i + 1];
        const kind: ProblemKind = next && same(next.prev_hash, previous) ? 'inserted' : 'removed';
        const message =
          kind === 'inserted'
            ? `${name} was inserted: the event after it links to the one before it`
            : `events were removed before ${name}: its link to the previous event is broken`;
        return result(count, lastSeq, { kind, seq, eventId: row.id, message });
      }
      const checkpoint = checkpoints.get(seq);
      if (checkpoint && !same(checkpoint.hash, row.hash))
        return result(count, lastSeq, { kind: 'altered', seq, eventId: row.id, message: `${name} differs from its signed checkpoint` });
      if (pendingCheckpoints[0] === seq) pendingCheckpoints.shift();
      previous = row.hash;
      lastSeq = seq;
      count += 1;
    }
    if (rows.length <= BATCH) break;
    cursor = Number(page.at(-1)?.seq);
  }
  const newestSigned = pendingCheckpoints.at(-1);
  if (newestSigned !== undefined) {
    return result(count, lastSeq, {
      kind: 'truncated',
      seq: newestSigned,
      eventId: null,
      message: `the newest events were removed: a signed checkpoint covers event ${newestSigned}, but the log ends at ${lastSeq ?? 'nothing'}`,
    });
  }
  return result(count, lastSeq);
}

/** Verifies the trail for someone who asked (API, CLI), and records that they did, with the outcome. */
export async function verifyAuditChainFor(kernel: Kernel, actor: Actor, context: RequestContext): Promise<VerifyResult> {
  const result = await verifyAuditChain(kernel);
  await kernel.transaction((tx) =>
    tx.audit(actor, context, {
      action: 'audit.verified',
      outcome: result.intact ? 'success' : 'failure',
      detail: { events: result.events, problem: result.problem?.kind },
    }),
  );
  return result;
}
