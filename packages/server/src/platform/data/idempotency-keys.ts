import type { Actor } from '../authz/actor.js';
import { AppError, conflict } from '../errors.js';
import type { AuditedTransaction, Kernel } from '../kernel.js';

/** How long a create's idempotency key is remembered. */
export const idempotencyKeyLifetimeMs = 24 * 3600_000;
/** What a client may send as `Idempotency-Key`. */
export const idempotencyKeyPattern = /^[A-Za-z0-9_-]{1,100}$/;

/** Called by a create in its transaction with the new record's id (records an idempotency key). */
export type WithinCreate = (tx: AuditedTransaction, recordId: string) => Promise<void>;

/** One request's claim: who, which route, and MACs of the key and of what was asked. */
export interface IdempotencyClaim {
  actor: string;
  route: string;
  keyHash: string;
  bodyHash: string;
}

/** What the first request with a key did. */
export interface RememberedCreate {
  recordId: string;
  status: number;
}

/** Thrown inside a create's transaction when another request holds the key: the create rolls back. */
export class IdempotencyKeyTaken extends Error {
  constructor() {
    super('idempotency key taken by a parallel request');
    this.name = 'IdempotencyKeyTaken';
  }
}

/** JSON with object keys sorted, so that the same request hashes the same whatever its key order. */
export function canonicalJson(value: unknown): string {
  if (value === undefined) return 'null';
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

const macKeys = new WeakMap<Kernel, Buffer>();

/**
 * Idempotency keys of creates. The first request with a key for (actor, route) records the key, the
 * created record's id and its status in the create's own transaction (`claim`), atomically by the
 * table's primary key: a parallel repeat's insert finds the key taken and its create rolls back. The
 * key and the request are stored as keyed MACs only (a key derived from the blind-index key), so the
 * table holds no personal value. Keys expire after 24 hours; expired rows are swept lazily.
 */
export class IdempotencyKeys {
  private lastSweep = 0;

  constructor(private readonly kernel: Kernel) {}

  private mac(text: string): string {
    let key = macKeys.get(this.kernel);
    if (!key) {
      key = this.kernel.suite.mac(this.kernel.keyring.blindIndexKey, 'castellan:idempotency-key:v1');
      macKeys.set(this.kernel, key);
    }
    return this.kernel.suite.mac(key, text).toString('hex');
  }

  /** The claim of a request; `request` is everything that makes it (route parameters, query, body). */
  claimOf(actor: Actor, route: string, key: string, request: unknown): IdempotencyClaim {
    if (!idempotencyKeyPattern.test(key)) throw new AppError('bad_request', 400, 'Idempotency-Key: 1 to 100 letters, digits, _ or -');
    const who = actor.kind === 'token' && actor.tokenId ? `token:${actor.tokenId}` : `${actor.kind}:${actor.userId ?? ''}`;
    return { actor: who, route, keyHash: this.mac(`key\0${who}\0${route}\0${key}`), bodyHash: this.mac(`body\0${canonicalJson(request)}`) };
  }

  /** What the first request with this claim's key did (unexpired); 409 when it asked something else. */
  async find(claim: IdempotencyClaim): Promise<RememberedCreate | undefined> {
    const row = await this.kernel.db.kysely
      .selectFrom('idempotency_keys')
      .select(['body_hash', 'record_id', 'status'])
      .where('actor', '=', claim.actor)
      .where('route', '=', claim.route)
      .where('key_hash', '=', claim.keyHash)
      .where('expires_at', '>', new Date().toISOString())
      .executeTakeFirst();
    if (!row) return undefined;
    if (row.body_hash !== claim.bodyHash)
      throw conflict('this Idempotency-Key was used for a different request in the last 24 hours: use a new key for a new request');
    return { recordId: row.record_id, status: Number(row.status) };
  }

  /**
   * Records the claim in the create's transaction; throws IdempotencyKeyTaken when a parallel request
   * holds the key (on PostgreSQL the insert waits for that request's transaction to end first).
   */
  async claim(tx: AuditedTransaction, claim: IdempotencyClaim, recordId: string, status: number): Promise<void> {
    const now = new Date();
    const trx = tx.trx;
    await trx
      .deleteFrom('idempotency_keys')
      .where('actor', '=', claim.actor)
      .where('route', '=', claim.route)
      .where('key_hash', '=', claim.keyHash)
      .where('expires_at', '<=', now.toISOString())
      .execute();
    const inserted = await trx
      .insertInto('idempotency_keys')
      .values({
        actor: claim.actor,
        route: claim.route,
        key_hash: claim.keyHash,
        body_hash: claim.bodyHash,
        record_id: recordId,
        status,
        created_at: now.toISOString(),
        expires_at: new Date(now.getTime() + idempotencyKeyLifetimeMs).toISOString(),
      })
      .onConflict((oc) => oc.columns(['actor', 'route', 'key_hash']).doNothing())
      .executeTakeFirst();
    if (Number(inserted.numInsertedOrUpdatedRows ?? 0) === 0) throw new IdempotencyKeyTaken();
  }

  /** Removes expired keys (at most once a minute per process; called after a create, outside its transaction). */
  async sweep(): Promise<void> {
    const now = Date.now();
    if (now - this.lastSweep < 60_000) return;
    this.lastSweep = now;
    await this.kernel.db.kysely.deleteFrom('idempotency_keys').where('expires_at', '<=', new Date(now).toISOString()).execute();
  }
}
