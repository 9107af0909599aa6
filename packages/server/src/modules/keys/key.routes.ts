import { errorResponse } from '@castellan/shared';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf, requestContext } from '../../http/authenticate.js';
import { keyStatus, requestKeyRotation, requestSigningKeyRotation, signingKeyStatus } from '../../platform/crypto/key-administration.js';
import type { Kernel } from '../../platform/kernel.js';

const tags = ['keys'];
const errors = { 401: errorResponse, 403: errorResponse, 409: errorResponse };
const status = z.object({
  currentVersion: z.number(),
  versions: z.array(z.object({ version: z.number(), status: z.string(), createdAt: z.string(), subjects: z.number() })),
  rotation: z
    .object({
      id: z.string(),
      toVersion: z.number(),
      status: z.string(),
      total: z.number(),
      done: z.number(),
      remaining: z.number(),
      startedAt: z.string(),
      finishedAt: z.string().nullable(),
    })
    .nullable(),
});

const signingKey = z.object({
  version: z.number(),
  keyId: z.string(),
  status: z.enum(['current', 'superseded', 'revoked']),
  revokedAt: z.string().nullable(),
});
const signingRotation = z.object({
  fromVersion: z.number(),
  fromKeyId: z.string(),
  toVersion: z.number(),
  toKeyId: z.string(),
  revoked: z.boolean(),
  checkpointSeq: z.number().nullable(),
});

/** The security administrator's view of the data keys, and the start of a rotation (as `castellan keys status|rotate`). */
export function keyRoutes(app: FastifyInstance, kernel: Kernel): void {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get('/api/v1/keys', {
    config: { access: { permission: 'keys.manage' } },
    schema: { tags, summary: 'Field data key versions, how many data subjects each protects, rotation progress', response: { 200: status, ...errors } },
    handler: async () => keyStatus(kernel),
  });

  r.post('/api/v1/keys/rotate', {
    config: { access: { permission: 'keys.manage' }, rateLimit: { max: 3, timeWindow: '1 minute' } },
    schema: {
      tags,
      summary: 'Start a key rotation (needs a step-up): new writes use the new version at once; the server re-encrypts old data in the background',
      response: { 202: z.object({ id: z.string(), toVersion: z.number(), resumed: z.boolean() }), ...errors },
    },
    handler: async (request, reply) => reply.status(202).send(await requestKeyRotation(kernel, actorOf(request), requestContext(request))),
  });

  r.get('/api/v1/keys/signing', {
    config: { access: { permission: 'keys.manage' } },
    schema: {
      tags,
      summary: 'The audit signing keys (checkpoints, backups, erasure ledger, reports), oldest first, with what each is trusted for',
      response: { 200: z.object({ items: z.array(signingKey) }), ...errors },
    },
    handler: async () => ({ items: await signingKeyStatus(kernel) }),
  });

  r.post('/api/v1/keys/signing/rotate', {
    config: { access: { permission: 'keys.manage' }, rateLimit: { max: 3, timeWindow: '1 minute' } },
    schema: {
      tags,
      summary:
        'Rotate the audit signing key (needs a step-up); revokePrevious: the replaced key leaked, so what it signed is trusted only where the new key vouches for it',
      body: z.object({ revokePrevious: z.boolean() }).strict(),
      response: { 200: signingRotation, ...errors },
    },
    handler: async (request) => requestSigningKeyRotation(kernel, actorOf(request), requestContext(request), request.body.revokePrevious),
  });
}
