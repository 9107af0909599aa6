import { createHash, type KeyObject } from 'node:crypto';
import type { Kysely } from 'kysely';
import { publicKeyId } from '../audit/checkpoints.js';
import { nowIso } from '../data/ids.js';
import type { Kernel } from '../kernel.js';
import type { BackupTarget } from './backup-target.js';
import { readSignedJson, signJson } from './signed-json.js';

type AnyDb = Kysely<any>;

/**
 * The erasure ledger: which data subjects were erased and when, kept on every target beside the
 * backups (outside any backup), in append-only segments, each signed with the audit key and naming
 * the hash of the segment before it. Subject ids are random pseudonyms: the ledger holds no
 * personal value. A restore replays it at its end, so a person erased after the backup was taken
 * is erased again before the server opens.
 */
const DOMAIN = 'castellan-erasure-ledger:v1';
const FOLDER = 'erasure-ledger/';

export interface LedgerSegment {
  kind: 'castellan-erasure-ledger';
  sequence: number;
  previousHash: string | null;
  writtenAt: string;
  /** The newest backup this installation had finished when the segment was written (rollback detection on a fresh restore). */
  backupHead: number;
  erasures: { subjectId: string; erasedAt: string }[];
}

export interface ErasureLedger {
  erased: Map<string, string>;
  segments: number;
  backupHead: number;
  lastHash: string | null;
}

const segmentName = (sequence: number) => `${FOLDER}${String(sequence).padStart(8, '0')}.json`;

export class LedgerRefused extends Error {}

/** Reads and checks the whole ledger on a target: every segment signed, consecutive, chained. */
export async function readErasureLedger(target: BackupTarget, auditPublicKey: KeyObject): Promise<ErasureLedger> {
  const keyId = publicKeyId(auditPublicKey);
  const ledger: ErasureLedger = { erased: new Map(), segments: 0, backupHead: 0, lastHash: null };
  const names = (await target.list(FOLDER)).filter((n) => /^\d{8}\.json$/.test(n));
  for (const [index, name] of names.entries()) {
    const file = await target.get(`${FOLDER}${name}`);
    let segment: LedgerSegment;
    try {
      segment = readSignedJson<LedgerSegment>(DOMAIN, file, auditPublicKey, keyId, `erasure-ledger segment ${name}`);
    } catch (error) {
      throw new LedgerRefused((error as Error).message);
    }
    if (segment.sequence !== index + 1 || segmentName(segment.sequence) !== `${FOLDER}${name}`)
      throw new LedgerRefused(`the erasure ledger has a gap or a moved segment at ${name}`);
    if (segment.previousHash !== ledger.lastHash) throw new LedgerRefused(`erasure-ledger segment ${name} does not follow the one before it`);
    for (const e of segment.erasures) ledger.erased.set(e.subjectId, e.erasedAt);
    ledger.segments += 1;
    ledger.backupHead = Math.max(ledger.backupHead, segment.backupHead);
    ledger.lastHash = createHash('sha256').update(file).digest('hex');
  }
  return ledger;
}

/** Appends a segment with every erasure the target's ledger lacks; answers how many it added. */
export async function syncErasureLedger(kernel: Kernel, target: BackupTarget): Promise<number> {
  const ledger = await readErasureLedger(target, kernel.keyring.auditPublicKey);
  const db = kernel.db.kysely as unknown as AnyDb;
  const erased = await db.selectFrom('data_subjects').select(['id', 'erased_at']).where('erased_at', 'is not', null).orderBy('erased_at').execute();
  const missing = erased.filter((r) => !ledger.erased.has(String(r.id))).map((r) => ({ subjectId: String(r.id), erasedAt: String(r.erased_at) }));
  const head = await db
    .selectFrom('backup_runs')
    .select((eb) => eb.fn.max('sequence').as('max'))
    .where('status', '=', 'good')
    .executeTakeFirst();
  if (missing.length === 0 && ledger.segments > 0 && ledger.backupHead >= Number(head?.max ?? 0)) return 0;
  const segment: LedgerSegment = {
    kind: 'castellan-erasure-ledger',
    sequence: ledger.segments + 1,
    previousHash: ledger.lastHash,
    writtenAt: nowIso(),
    backupHead: Number(head?.max ?? 0),
    erasures: missing,
  };
  await target.put(segmentName(segment.sequence), signJson(DOMAIN, segment, kernel.keyring.auditSigningKey, publicKeyId(kernel.keyring.auditPublicKey)));
  return missing.length;
}
