import {
  accessPackageBody,
  accessPackageCreated,
  accessPackageParams,
  erasureBody,
  erasureView,
  errorResponse,
  idParams,
  legalHoldBody,
  restrictionBody,
  restrictionView,
  subjectHoldParams,
  subjectParams,
  subjectStatusView,
} from '@castellan/shared';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf, requestContext } from '../../http/authenticate.js';
import { asSystem } from '../../platform/data/as-system.js';
import type { ProtectedStore } from '../../platform/data/protected-store.js';
import { SubjectRights } from '../../platform/data/subject-rights.js';
import { AppError } from '../../platform/errors.js';
import { requireFreshSecondFactor } from '../../platform/identity/second-factor.js';
import type { Kernel } from '../../platform/kernel.js';
import { buildAccessPackage, downloadAccessPackage, packagePaths } from './access-package.js';
import { eraseSubject, resumeErasures } from './erase-subject.js';
import { setRestriction } from './restrict-subject.js';

const errors = {
  400: errorResponse,
  401: errorResponse,
  403: errorResponse,
  404: errorResponse,
  409: errorResponse,
  410: errorResponse,
  422: errorResponse,
  429: errorResponse,
};
const tags = ['data-subjects'];
/** The portal's download is the system's, under one named reason (in every audit event). */
const portalDownload = asSystem('privacy portal: a data subject downloads their access package');

/**
 * Data-subject rights for privacy officers (subjects.access / .erase / .restrict): the status of a
 * person, their access package behind a single-use link, erasure as resumable steps, restriction and
 * legal holds. The request cases (privacy-requests) call the same functions with their request id.
 */
export function subjectDataRoutes(app: FastifyInstance, kernel: Kernel, store: ProtectedStore): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  // An erasure a crash interrupted finishes when the server starts again.
  app.addHook('onReady', async () => {
    await resumeErasures(kernel);
  });
  const rights = new SubjectRights(kernel);
  const status = (subjectId: string) => rights.status(subjectId);

  r.get('/api/v1/contacts/:id/data-subject', {
    config: { access: { permission: 'subjects.access' } },
    schema: {
      tags,
      summary: "A contact's data subject: restriction, erasure progress and legal holds (no personal value)",
      params: idParams,
      response: { 200: subjectStatusView, ...errors },
    },
    handler: async (request) => {
      const subjectId = await store.assertVisible(actorOf(request), 'contacts', request.params.id);
      if (!subjectId) throw new AppError('not_found', 404, 'contact not found');
      return status(subjectId);
    },
  });

  r.get('/api/v1/users/:id/data-subject', {
    config: { access: { permission: 'subjects.access' } },
    schema: { tags, summary: "A staff member's data subject (staff are data subjects too)", params: idParams, response: { 200: subjectStatusView, ...errors } },
    handler: async (request) => status(await rights.subjectOf('users', request.params.id)),
  });

  r.get('/api/v1/subjects/:subjectId', {
    config: { access: { permission: 'subjects.access' } },
    schema: {
      tags,
      summary: 'A data subject: restriction, erasure progress and legal holds',
      params: subjectParams,
      response: { 200: subjectStatusView, ...errors },
    },
    handler: async (request) => status(request.params.subjectId),
  });

  r.post('/api/v1/subjects/:subjectId/access-package', {
    config: { access: { permission: 'subjects.access' }, rateLimit: { max: 10, timeWindow: '1 minute' } },
    schema: {
      tags,
      summary:
        'Build the access / portability package of a data subject (every table holding their data, their search keys counted, who has seen their data), encrypted under a passphrase shown once; needs a step-up',
      description:
        'The passphrase is answered once and never stored: send it to the person over a second channel. The link is single-use and lapses within 24 hours.',
      params: subjectParams,
      body: accessPackageBody,
      response: { 201: accessPackageCreated, ...errors },
    },
    handler: async (request, reply) => {
      const actor = actorOf(request);
      requireFreshSecondFactor(actor, 'an access package');
      const built = await buildAccessPackage(kernel, actor, requestContext(request), request.params.subjectId, request.body);
      reply.header('cache-control', 'no-store');
      return reply.code(201).send({ ...built, ...packagePaths(built.token) });
    },
  });

  r.get('/api/v1/access-packages/:token', {
    config: { access: { permission: 'subjects.access' }, rateLimit: { max: 10, timeWindow: '1 minute' } },
    schema: {
      tags,
      summary: 'Download an access package once (encrypted; open it with its passphrase); a second use or a lapsed link answers 410; every download audited',
      params: accessPackageParams,
      response: { 200: z.string().describe('the encrypted package (application/octet-stream)'), ...errors },
    },
    handler: async (request, reply) => {
      const sealed = await downloadAccessPackage(kernel, actorOf(request), requestContext(request), request.params.token);
      return reply
        .type('application/octet-stream')
        .header('cache-control', 'no-store')
        .header('content-disposition', 'attachment; filename="access-package.castellan"')
        .send(sealed as never);
    },
  });

  r.post('/api/v1/portal/access-packages', {
    config: { access: { public: true }, rateLimit: { max: 10, timeWindow: '1 minute' } },
    schema: {
      tags: ['portal'],
      summary:
        'The data subject downloads their encrypted package once, with the token from their link (in the body, never in a URL); a second use answers 410 link_used, a lapsed link 410 link_expired; every download and refusal audited',
      security: [],
      body: z
        .object({
          token: z
            .string()
            .min(20)
            .max(100)
            .regex(/^[A-Za-z0-9_-]+$/, 'must be a download token'),
        })
        .strict(),
      response: { 200: z.string().describe('the encrypted package (application/octet-stream)'), ...errors },
    },
    handler: async (request, reply) => {
      const sealed = await downloadAccessPackage(kernel, portalDownload, requestContext(request), request.body.token);
      return reply
        .type('application/octet-stream')
        .header('cache-control', 'no-store')
        .header('content-disposition', 'attachment; filename="access-package.castellan"')
        .send(sealed as never);
    },
  });

  r.post('/api/v1/subjects/:subjectId/erasure', {
    config: { access: { permission: 'subjects.erase' }, rateLimit: { max: 10, timeWindow: '1 minute' } },
    schema: {
      tags,
      summary:
        'Erase a data subject: search keys, custom values, sealed values, pending packages and the subject key (crypto-shredding), except records under a legal hold; resumable; needs a step-up and confirm: "ERASE"',
      params: subjectParams,
      body: erasureBody,
      response: { 200: erasureView, ...errors },
    },
    handler: async (request) => {
      const actor = actorOf(request);
      requireFreshSecondFactor(actor, 'an erasure');
      const done = await eraseSubject(kernel, actor, requestContext(request), request.params.subjectId, { requestId: request.body.requestId });
      return { id: done.id, status: done.status, stepsDone: done.stepsDone, heldRecords: done.held };
    },
  });

  r.put('/api/v1/subjects/:subjectId/restriction', {
    config: { access: { permission: 'subjects.restrict' } },
    schema: {
      tags,
      summary: 'Restrict the processing of a data subject (kept, but no edit, export or campaign) or lift it; each change audited',
      params: subjectParams,
      body: restrictionBody,
      response: { 200: restrictionView, ...errors },
    },
    handler: async (request) =>
      setRestriction(kernel, actorOf(request), requestContext(request), request.params.subjectId, request.body.restricted, {
        reason: request.body.reason,
        requestId: request.body.requestId,
      }),
  });

  r.post('/api/v1/subjects/:subjectId/legal-holds', {
    config: { access: { permission: 'subjects.erase' } },
    schema: {
      tags,
      summary: "Keep one of a data subject's records through an erasure, for a named legal reason (the note is sealed)",
      params: subjectParams,
      body: legalHoldBody,
      response: { 201: z.object({ id: z.string() }), ...errors },
    },
    handler: async (request, reply) => {
      const held = await rights.placeHold(actorOf(request), requestContext(request), { subjectId: request.params.subjectId, ...request.body });
      return reply.code(201).send(held);
    },
  });

  r.delete('/api/v1/subjects/:subjectId/legal-holds/:holdId', {
    config: { access: { permission: 'subjects.erase' } },
    schema: {
      tags,
      summary: 'Release a legal hold (a later erasure then removes the record)',
      params: subjectHoldParams,
      response: { 204: z.null(), ...errors },
    },
    handler: async (request, reply) => {
      await rights.releaseHold(actorOf(request), requestContext(request), request.params.subjectId, request.params.holdId);
      return reply.code(204).send(null);
    },
  });
}
