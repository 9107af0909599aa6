import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { type IdempotencyClaim, IdempotencyKeys, IdempotencyKeyTaken, type RememberedCreate, type WithinCreate } from '../platform/data/idempotency-keys.js';
import { AppError, conflict } from '../platform/errors.js';
import type { Kernel } from '../platform/kernel.js';
import { actorOf } from './authenticate.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** Idempotency keys of creates (idempotent-create.ts). */
    idempotency: IdempotencyKeys;
  }
}

export const IDEMPOTENCY_HEADER = 'idempotency-key';

/** Called by a create inside its transaction once it knows the new record's id. */
export type ClaimKey = WithinCreate;

export interface IdempotentCreate<T> {
  /** The status the create answers (201, or 202 for an import). */
  status: number;
  /** Does the work; calls `claim(tx, id)` in its transaction, before it commits. */
  create: (claim: ClaimKey) => Promise<T>;
  /** What makes the request, when it is not its route parameters, query and JSON body (an upload: its query and file fingerprint). */
  request?: unknown;
  /** The answer to a repeat: the record as it is now, read again through the store (masking, read events). */
  replay: (recordId: string) => Promise<T>;
}

export function installIdempotency(app: FastifyInstance, kernel: Kernel): void {
  app.decorate('idempotency', new IdempotencyKeys(kernel));
}

/**
 * A create that honours an optional `Idempotency-Key` header (1–100 of A–Z a–z 0–9 _ -): the first
 * request with a key for (actor, method + route) creates and records the key with the record's id
 * and status in the same transaction; a repeat answers that status and the current record without
 * creating again; parallel repeats create exactly one (the key's row is inserted atomically, and a
 * request that loses the race rolls back and answers as a repeat); the same key with a different
 * request (route parameters, query or body) is refused with 409. Keys expire after 24 hours.
 */
export async function idempotentCreate<T>(request: FastifyRequest, reply: FastifyReply, spec: IdempotentCreate<T>): Promise<FastifyReply> {
  const header = request.headers[IDEMPOTENCY_HEADER];
  if (header === undefined) return reply.status(spec.status).send(await spec.create(async () => undefined));
  if (typeof header !== 'string') throw new AppError('bad_request', 400, 'send one Idempotency-Key header');
  const keys = request.server.idempotency;
  const claim: IdempotencyClaim = keys.claimOf(
    actorOf(request),
    `${request.method} ${request.routeOptions.url}`,
    header,
    spec.request !== undefined ? spec.request : { params: request.params ?? null, query: request.query ?? null, body: request.body ?? null },
  );
  const answer = async (done: RememberedCreate) => reply.status(done.status).send(await spec.replay(done.recordId));
  const done = await keys.find(claim);
  if (done) return answer(done);
  let claimed = false;
  try {
    const body = await spec.create(async (tx, recordId) => {
      await keys.claim(tx, claim, recordId, spec.status);
      claimed = true;
    });
    if (!claimed) throw new Error(`${claim.route} did not record its idempotency key`);
    await keys.sweep().catch(() => undefined);
    return reply.status(spec.status).send(body);
  } catch (error) {
    if (!(error instanceof IdempotencyKeyTaken)) throw error;
    const taken = await keys.find(claim);
    if (!taken) throw conflict('a parallel request with this Idempotency-Key did not finish: send it again');
    return answer(taken);
  }
}
