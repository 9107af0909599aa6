import { errorResponse, pageQuery } from '@castellan/shared';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf, requestContext } from '../../http/authenticate.js';
import { idempotentCreate } from '../../http/idempotent-create.js';
import { recordRoutes } from '../../http/record-routes.js';
import type { ProtectedStore } from '../../platform/data/protected-store.js';
import type { Kernel } from '../../platform/kernel.js';
import { createActivity, objectNamed } from './about-record.js';
import { timeline } from './timeline.js';

const errors = { 400: errorResponse, 401: errorResponse, 403: errorResponse, 404: errorResponse, 409: errorResponse, 422: errorResponse };
const tags = ['activities'];

const historyEntry = z.object({
  seq: z.number(),
  at: z.string(),
  action: z.string().describe('record.created, record.updated or record.deleted'),
  actorKind: z.string(),
  actorId: z.string().nullable(),
  fields: z.array(z.string()),
  changes: z.record(z.string(), z.unknown()).nullable().describe("Changed plain values; an encrypted field reads '[encrypted]'"),
});

/**
 * Activities (calls, meetings, notes, tasks) attached to any record the caller can see, and the
 * timeline of a record. Their subject and body are sealed under the key of the person they concern.
 */
export function activityRoutes(app: FastifyInstance, kernel: Kernel, store: ProtectedStore): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const schemas = recordRoutes(app, store, 'activities', { only: ['list', 'get', 'patch', 'delete'] });

  r.post('/api/v1/activities', {
    config: { access: { permission: 'activities.create' } },
    schema: {
      tags,
      summary: 'Log a call, meeting, note or task about a record you can see (aboutObject + aboutId; 404 when you cannot see it)',
      description:
        'About a contact, or a record about one (a case, a consent), contactId is set to that person and the subject and body are sealed under their key. About a record of no one (an account), give contactId — the person it concerns — to keep a subject or body; without one, free text is refused (422), it is never stored unsealed.',
      body: schemas.create,
      response: { 201: schemas.view, ...errors },
    },
    handler: async (request, reply) =>
      idempotentCreate(request, reply, {
        status: 201,
        create: (claim) =>
          store.inTransaction(async (unit, tx) => {
            const created = await createActivity(unit, actorOf(request), requestContext(request), request.body as Record<string, unknown>);
            await claim(tx, String(created.id));
            return created as never;
          }),
        replay: (id) => store.get(actorOf(request), requestContext(request), 'activities', id) as never,
      }),
  });

  r.get('/api/v1/timeline/:object/:id', {
    config: { access: { permission: 'activities.read' } },
    schema: {
      tags,
      summary: "A record's timeline, newest first: the activities about it you can see and its history (created, changed, deleted); paged",
      description:
        'object: the kind of record (contacts, accounts, cases…). 404 when you cannot see the record. Reads of activity texts are audited; so is the history read.',
      params: z.object({ object: z.string().max(40), id: z.uuid({ version: 'v7', message: 'must be a record id' }) }).strict(),
      querystring: z.object(pageQuery).strict(),
      response: {
        200: z.object({
          items: z.array(
            z.discriminatedUnion('type', [
              z.object({ type: z.literal('activity'), at: z.string(), activity: schemas.view }),
              z.object({ type: z.literal('change'), at: z.string(), change: historyEntry }),
            ]),
          ),
          nextCursor: z.string().nullable(),
        }),
        ...errors,
      },
    },
    handler: async (request) =>
      timeline(
        kernel,
        store,
        actorOf(request),
        requestContext(request),
        { object: objectNamed(request.params.object), id: request.params.id },
        request.query,
      ) as never,
  });
}
