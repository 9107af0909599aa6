import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import { type SigningKeyTrust, signingKeyTrust } from '../audit/signing-keys.js';
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
  /** The key that signed the newest segment. */
  lastKeyId: string | null;
}

const segmentName = (sequence: number) => `${FOLDER}${String(sequence).padStart(8, '0')}.json`;

export class LedgerRefused extends Error {}

/**
 * Reads and checks the whole ledger on a target: every segment signed, consecutive, chained; a segment
 * signed by a key since revoked as compromised only where a later segment, signed by a trusted key,
 * vouches for it through the chain (the first sync after the revocation writes one). `toVouchFor`
 * (that sync): a segment the revoked key signed before it was revoked is taken as it stands.
 */
export async function readErasureLedger(target: BackupTarget, trust: SigningKeyTrust, options: { toVouchFor?: boolean } = {}): Promise<ErasureLedger> {
  const ledger: ErasureLedger = { erased: new Map(), segments: 0, backupHead: 0, lastHash: null, lastKeyId: null };
  let unvouched: string | undefined;
  const names = (await target.list(FOLDER)).filter((n) => /^\d{8}\.json$/.test(n));
  for (const [index, name] of names.entries()) {
    const file = await target.get(`${FOLDER}${name}`);
    let segment: LedgerSegment;
    let keyId: string;
    try {
      ({ body: segment, keyId } = readSignedJson<LedgerSegment>(DOMAIN, file, trust.resolveEvenRevoked, `erasure-ledger segment ${name}`));
    } catch (error) {
      throw new LedgerRefused((error as Error).message);
    }
    if (trust.trusts(keyId)) unvouched = undefined;
    else if (options.toVouchFor && segment.writtenAt < (trust.entry(keyId)?.revokedAt ?? '')) {
      // The installation is about to vouch for it: a segment the revoked key signed before its revocation.
    } else unvouched ??= trust.unvouched(keyId, `erasure-ledger segment ${name}`);
    ledger.lastKeyId = keyId;
    if (segment.sequence !== index + 1 || segmentName(segment.sequence) !== `${FOLDER}${name}`)
      throw new LedgerRefused(`the erasure ledger has a gap or a moved segment at ${name}`);
    if (segment.previousHash !== ledger.lastHash) throw new LedgerRefused(`erasure-ledger segment ${name} does not follow the one before it`);
    for (const e of segment.erasures) ledger.erased.set(e.subjectId, e.erasedAt);
    ledger.segments += 1;
    ledger.backupHead = Math.max(ledger.backupHead, segment.backupHead);
    ledger.lastHash = createHash('sha256').update(file).digest('hex');
  }
  if (unvouched) throw new LedgerRefused(unvouched);
  return ledger;
}

/**
 * Appends a segment with every erasure the target's ledger lacks (and one, empty if need be, when the
 * newest segment was signed by an older key, so that the current key vouches for the chain); answers
 * how many erasures it added.
 */
export async function syncErasureLedger(kernel: Kernel, target: BackupTarget): Promise<number> {
  const trust = await signingKeyTrust(kernel);
  const ledger = await readErasureLedger(target, trust, { toVouchFor: true });
  const db = kernel.db.kysely as unknown as AnyDb;
  const erased = await db.selectFrom('data_subjects').select(['id', 'erased_at']).where('erased_at', 'is not', null).orderBy('erased_at').execute();
  const missing = erased.filter((r) => !ledger.erased.has(String(r.id))).map((r) => ({ subjectId: String(r.id), erasedAt: String(r.erased_at) }));
  const head = await db
    .selectFrom('backup_runs')
    .select((eb) => eb.fn.max('sequence').as('max'))
    .where('status', '=', 'good')
    .executeTakeFirst();
  const signedByCurrent = ledger.lastKeyId === trust.current.keyId;
  if (missing.length === 0 && ledger.segments > 0 && ledger.backupHead >= Number(head?.max ?? 0) && signedByCurrent) return 0;
  const segment: LedgerSegment = {
    kind: 'castellan-erasure-ledger',
    sequence: ledger.segments + 1,
    previousHash: ledger.lastHash,
    writtenAt: nowIso(),
    backupHead: Number(head?.max ?? 0),
    erasures: missing,
  };
  await target.put(segmentName(segment.sequence), signJson(DOMAIN, segment, kernel.keyring.auditSigningKey, trust.current.keyId));
  return missing.length;
}
