import { createHash, randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { RequestContext } from '../audit/audit-event.js';
import type { Actor } from '../authz/actor.js';
import { AppError, notFound } from '../errors.js';
import type { AuditedTransaction } from '../kernel.js';
import { newId, nowIso } from './ids.js';

type AnyDb = Kysely<any>;

/** Access packages at rest: the encrypted bytes, and a single-use download token kept only as its SHA-256. */
export const PACKAGE_LIFETIME_MS = 24 * 60 * 60 * 1000;

const hashOf = (token: string) => createHash('sha256').update(token, 'utf8').digest('hex');

export async function storePackage(
  tx: AuditedTransaction,
  input: { subjectId: string; requestId: string | null; format: string; sealed: Buffer; createdBy: string | null; now?: Date },
): Promise<{ id: string; token: string; expiresAt: string }> {
  const token = randomBytes(32).toString('base64url');
  const now = input.now ?? new Date();
  const expiresAt = new Date(now.getTime() + PACKAGE_LIFETIME_MS).toISOString();
  const id = newId();
  await (tx.trx as unknown as AnyDb)
    .insertInto('access_packages')
    .values({
      id,
      subject_id: input.subjectId,
      request_id: input.requestId,
      token_hash: hashOf(token),
      format: input.format,
      package_enc: input.sealed,
      size: input.sealed.length,
      created_by: input.createdBy,
      created_at: now.toISOString(),
      expires_at: expiresAt,
      downloaded_at: null,
    })
    .execute();
  return { id, token, expiresAt };
}

/**
 * Takes a package for download, once: one conditional update claims it (a second use, even in
 * parallel, finds nothing to claim). A used or lapsed link is refused and the refusal audited; an
 * unknown token is 404. Every outcome is audited in the transaction.
 */
export type TakenPackage = { sealed: Buffer } | { refused: 'used' | 'expired' };

export async function takePackage(tx: AuditedTransaction, actor: Actor, context: RequestContext, token: string, now = new Date()): Promise<TakenPackage> {
  const db = tx.trx as unknown as AnyDb;
  const hash = hashOf(token);
  const row = await db
    .selectFrom('access_packages')
    .select(['id', 'subject_id', 'expires_at', 'downloaded_at'])
    .where('token_hash', '=', hash)
    .executeTakeFirst();
  if (!row) throw notFound('access package');
  const refuse = async (why: 'used' | 'expired') => {
    await tx.audit(actor, context, {
      action: 'subject.access_package_refused',
      outcome: 'refused',
      resource: 'access_packages',
      resourceId: row.id,
      subjectIds: [row.subject_id],
      detail: { why },
    });
    return { refused: why } as const;
  };
  if (row.downloaded_at) return refuse('used');
  if (String(row.expires_at) <= now.toISOString()) return refuse('expired');
  const claimed = await db
    .updateTable('access_packages')
    .set({ downloaded_at: nowIso() })
    .where('id', '=', row.id)
    .where('downloaded_at', 'is', null)
    .returning(['package_enc'])
    .executeTakeFirst();
  if (!claimed) return refuse('used');
  await tx.audit(actor, context, {
    action: 'subject.access_package_downloaded',
    outcome: 'success',
    resource: 'access_packages',
    resourceId: row.id,
    subjectIds: [row.subject_id],
    detail: { bytes: Buffer.from(claimed.package_enc).length },
  });
  return { sealed: Buffer.from(claimed.package_enc) };
}

/** The refusal a used or lapsed link answers (after its audit event has committed). */
export const refusedLink = (why: 'used' | 'expired') =>
  why === 'used'
    ? new AppError('link_used', 410, 'this download link has been used: ask the privacy officer for a new package')
    : new AppError('link_expired', 410, 'this download link has lapsed (24 hours): ask the privacy officer for a new package');
