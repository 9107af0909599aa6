import { createHash, sign } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { type Kysely, sql, type Transaction } from 'kysely';
import { asSystem } from '../data/as-system.js';
import { ownedByAnotherRole } from '../db/postgres-roles.js';
import type { Database } from '../db/schema.js';
import { writeDurably } from '../files/write-durably.js';
import type { Kernel } from '../kernel.js';
import { appendAuditEvent } from './append-audit-event.js';
import { type AuditEventInput, noRequest } from './audit-event.js';
import { publicKeyId } from './checkpoints.js';
import { readSiemCursor, SYSLOG_CURSOR } from './siem/shipper.js';
import { refreshSigningKeys } from './signing-keys.js';
import { verifyAuditChain } from './verify-audit-chain.js';

/**
 * Retention (Cybersecurity Law Art. 21: at least six months; default one year). Events older than
 * the retention period are first verified, then written to a compressed archive with a manifest
 * signed by the log's Ed25519 key, and only then removed. The newest archived event becomes the
 * signed anchor from which `audit verify` continues, so the chain stays verifiable across the cut.
 */
export interface AuditAnchor {
  seq: number;
  hash: string;
  at: string;
  keyId: string;
  signature: string;
}

export const anchorMessage = (a: Pick<AuditAnchor, 'seq' | 'hash' | 'at'>): Buffer =>
  Buffer.from(`castellan-audit-anchor:v1:${a.seq}:${a.hash}:${a.at}`, 'utf8');

export interface ArchiveResult {
  fromSeq: number;
  toSeq: number;
  count: number;
  file: string;
  manifest: string;
}

export async function archiveExpiredEvents(kernel: Kernel, now = new Date()): Promise<ArchiveResult | null> {
  await refreshSigningKeys(kernel);
  // PostgreSQL: the delete runs as the role that owns the audit table. Checked before anything is written.
  if (kernel.db.dialect === 'postgres') await kernel.db.withOwner((owner) => assertOwnsAuditLog(owner));
  const db = kernel.db.kysely;
  const cutoff = new Date(now.getTime() - kernel.config.auditRetention.days * 86_400_000).toISOString();
  // The archived part is always a prefix of the chain: everything before the first event still kept.
  const firstKept = await db.selectFrom('audit_events').select('seq').where('at', '>=', cutoff).orderBy('seq').limit(1).executeTakeFirst();
  const candidates = db.selectFrom('audit_events').select(['seq', 'hash']).orderBy('seq', 'desc').limit(1);
  let q = firstKept ? candidates.where('seq', '<', Number(firstKept.seq)) : candidates;
  // With a SIEM configured, nothing is removed before it has been shipped.
  if (kernel.config.raw.CASTELLAN_SIEM_SYSLOG_URL) q = q.where('seq', '<=', await readSiemCursor(db, SYSLOG_CURSOR));
  const last = await q.executeTakeFirst();
  if (!last) return null;
  const check = await verifyAuditChain(kernel);
  if (!check.intact) throw new Error(`refusing to archive an audit trail that is not intact: ${check.problem?.message}`);

  const toSeq = Number(last.seq);
  const rows = await db.selectFrom('audit_events').selectAll().where('seq', '<=', toSeq).orderBy('seq').execute();
  const fromSeq = Number(rows[0]?.seq);
  const line = (r: (typeof rows)[number]) =>
    JSON.stringify({ ...r, seq: Number(r.seq), sealed_enc: r.sealed_enc ? Buffer.from(r.sealed_enc).toString('base64') : null });
  const body = gzipSync(Buffer.from(`${rows.map(line).join('\n')}\n`, 'utf8'), { level: 6 });
  const dir = kernel.config.auditRetention.archiveDir;
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const base = `audit-${String(fromSeq).padStart(12, '0')}-${String(toSeq).padStart(12, '0')}`;
  const file = path.join(dir, `${base}.jsonl.gz`);
  writeDurably(file, body);
  const at = now.toISOString();
  const manifestBody = {
    format: 'castellan-audit-archive/v1',
    fromSeq,
    toSeq,
    count: rows.length,
    firstPrevHash: rows[0]?.prev_hash,
    lastHash: last.hash,
    sha256: createHash('sha256').update(body).digest('hex'),
    createdAt: at,
  };
  const key = kernel.keyring.auditSigningKey;
  const manifest = {
    ...manifestBody,
    keyId: publicKeyId(kernel.keyring.auditPublicKey),
    signature: sign(null, Buffer.from(JSON.stringify(manifestBody)), key).toString('base64'),
  };
  const manifestFile = path.join(dir, `${base}.manifest.json`);
  writeDurably(manifestFile, Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`));

  const anchor = { seq: toSeq, hash: last.hash, at };
  const signedAnchor: AuditAnchor = { ...anchor, keyId: manifest.keyId, signature: sign(null, anchorMessage(anchor), key).toString('base64') };
  const actor = asSystem('audit retention');
  const removal: AuditEventInput = {
    action: 'audit.archived',
    outcome: 'success',
    detail: { fromSeq, toSeq, count: rows.length, archive: path.basename(file), retentionDays: kernel.config.auditRetention.days },
  };
  if (kernel.db.dialect === 'sqlite') {
    await kernel.transaction(async (tx) => {
      await removeIndexesAndAnchor(tx.trx, toSeq, signedAnchor);
      // DDL is transactional in SQLite: the guard is down only inside this transaction.
      await sql`DROP TRIGGER audit_events_no_delete`.execute(tx.trx);
      await tx.trx.deleteFrom('audit_events').where('seq', '<=', toSeq).execute();
      await sql
        .raw("CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END")
        .execute(tx.trx);
      await tx.audit(actor, noRequest, removal);
    });
  } else {
    // As the owner, on its own connection (CASTELLAN_DATABASE_OWNER_URL; the application role holds
    // no DELETE on the audit tables and cannot grant itself one). Migration 008 revoked the owner's
    // own DELETE too: it takes it back for this transaction only, and the trigger lets through only
    // the events up to the archived seq (a transaction-local setting).
    await kernel.db.withOwner((owner) =>
      owner.transaction().execute(async (trx) => {
        await removeIndexesAndAnchor(trx, toSeq, signedAnchor);
        await sql`GRANT DELETE ON audit_events TO CURRENT_USER`.execute(trx);
        await sql`SELECT set_config('castellan.audit_retention_upto', ${String(toSeq)}, true)`.execute(trx);
        await trx.deleteFrom('audit_events').where('seq', '<=', toSeq).execute();
        await sql`REVOKE DELETE ON audit_events FROM CURRENT_USER`.execute(trx);
        await appendAuditEvent(trx, 'postgres', kernel.keyring, actor, noRequest, removal);
      }),
    );
  }
  return { fromSeq, toSeq, count: rows.length, file, manifest: manifestFile };
}

async function removeIndexesAndAnchor(trx: Transaction<Database>, toSeq: number, anchor: AuditAnchor): Promise<void> {
  await trx.deleteFrom('audit_subjects').where('seq', '<=', toSeq).execute();
  await trx.deleteFrom('audit_checkpoints').where('seq', '<=', toSeq).execute();
  const value = JSON.stringify(anchor);
  const updated = await trx.updateTable('settings').set({ value }).where('key', '=', 'audit_anchor').executeTakeFirst();
  if (Number(updated.numUpdatedRows) === 0) await trx.insertInto('settings').values({ key: 'audit_anchor', value }).execute();
}

/** PostgreSQL: only the role that owns audit_events may remove expired events (see postgres-roles.ts). */
async function assertOwnsAuditLog(owner: Kysely<Database>): Promise<void> {
  if (await ownedByAnotherRole(owner, 'audit_events')) {
    throw new Error(
      'audit retention removes events as the role that owns the audit table, and this role does not own it: ' +
        'set CASTELLAN_DATABASE_OWNER_URL for `castellan audit archive` (or for `castellan serve`)',
    );
  }
}
