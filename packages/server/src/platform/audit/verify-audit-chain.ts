import { timingSafeEqual, verify } from 'node:crypto';
import type { Actor } from '../authz/actor.js';
import type { Kernel } from '../kernel.js';
import { chainHash, eventSeal, GENESIS_HASH } from './append-audit-event.js';
import type { RequestContext } from './audit-event.js';
import { type Checkpoint, checkpointSignatureValid, missingCheckpointFiles, readCheckpoints } from './checkpoints.js';
import { type AuditAnchor, anchorMessage } from './retention.js';
import { type SigningKeyTrust, signingKeyTrust } from './signing-keys.js';

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

/** The retention anchor is signed by one of the log's keys (one revoked since is vouched for by the chain that follows it and its checkpoints). */
function anchorSignatureValid(anchor: AuditAnchor, trust: SigningKeyTrust): boolean {
  const entry = trust.entry(anchor.keyId);
  if (!entry) return false;
  try {
    return verify(null, anchorMessage(anchor), entry.publicKey, Buffer.from(anchor.signature, 'base64'));
  } catch {
    return false;
  }
}

const badCheckpoint = (seq: number | null, message: string): VerifyProblem => ({ kind: 'bad_checkpoint', seq, eventId: null, message });

/**
 * Every checkpoint (database and file) signed by one of the log's keys that the file outside the
 * database also lists; one signed by a key revoked as compromised only if it was signed before the
 * revocation and a checkpoint of a trusted key at the same or a later event vouches for it (the
 * events between are hash-chained).
 */
function mergeCheckpoints(
  trust: SigningKeyTrust,
  db: Checkpoint[],
  file: Checkpoint[],
  fileKeys: SigningKeyTrust | undefined,
): { bySeq: Map<number, Checkpoint>; problem?: VerifyProblem } {
  const bySeq = new Map<number, Checkpoint>();
  if (fileKeys && trust.entries.some((e) => !fileKeys.entry(e.keyId)))
    return { bySeq, problem: badCheckpoint(null, "the log's signing key differs from the one recorded outside the database") };
  const all = [...file, ...db];
  const newestTrusted = Math.max(-1, ...all.filter((c) => trust.trusts(c.keyId)).map((c) => c.seq));
  for (const c of all) {
    const entry = trust.entry(c.keyId);
    if (!entry || !checkpointSignatureValid(c, entry.publicKey))
      return { bySeq, problem: badCheckpoint(c.seq, `the checkpoint at event ${c.seq} does not carry a valid signature of this audit log's key`) };
    if (entry.revokedAt && (c.at >= entry.revokedAt || c.seq > newestTrusted)) {
      const why = trust.unvouched(c.keyId, `the checkpoint at event ${c.seq}`) as string;
      return { bySeq, problem: badCheckpoint(c.seq, why) };
    }
    const seen = bySeq.get(c.seq);
    if (seen && seen.hash !== c.hash) return { bySeq, problem: badCheckpoint(c.seq, `two signed checkpoints disagree about event ${c.seq}`) };
    bySeq.set(c.seq, c);
  }
  return { bySeq };
}

export async function verifyAuditChain(kernel: Kernel): Promise<VerifyResult> {
  const { db: dbCheckpoints, file, fileKeys } = await readCheckpoints(kernel);
  const missing = await missingCheckpointFiles(kernel);
  const trust = await signingKeyTrust(kernel);
  const merged: ReturnType<typeof mergeCheckpoints> = missing
    ? { bySeq: new Map(), problem: badCheckpoint(null, missing) }
    : mergeCheckpoints(trust, dbCheckpoints, file, fileKeys);
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
  if (anchor && !anchorSignatureValid(anchor, trust)) {
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
