import { errorResponse, idParams, idSchema, pageQuery } from '@castellan/shared';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf, requestContext } from '../../http/authenticate.js';
import { contactAccesses, queryAuditEvents } from '../../platform/audit/audit-query.js';
import type { ProtectedStore } from '../../platform/data/protected-store.js';
import type { Kernel } from '../../platform/kernel.js';

const errors = { 400: errorResponse, 401: errorResponse, 403: errorResponse, 404: errorResponse };
const isoTime = z.iso.datetime({ offset: true, message: 'must be an ISO 8601 time, e.g. 2025-01-31T08:00:00Z' });

const auditEventView = z.object({
  seq: z.number(),
  id: z.string(),
  at: z.string(),
  actorKind: z.string().describe('user, token, operator (the CLI acting on behalf of a user), system or anonymous'),
  actorId: z.string().nullable().describe('user id, <userId>/<tokenId> for a token, os:<account> for an operator'),
  onBehalfOf: z.string().nullable().describe('for an operator: the user whose scope applied (not the actor)'),
  action: z.string(),
  outcome: z.string(),
  resource: z.string().nullable(),
  resourceId: z.string().nullable(),
  subjectIds: z.array(z.string()),
  fields: z.array(z.string()),
  requestId: z.string().nullable(),
  ip: z.string().nullable().describe('Keyed pseudonym of the IP address (ip:<hex>)'),
  userAgent: z.string().nullable().describe('Keyed pseudonym of the user agent (ua:<hex>)'),
  detail: z.record(z.string(), z.unknown()).nullable(),
  personal: z
    .object({ ip: z.string().nullable(), userAgent: z.string().nullable(), note: z.string().nullable(), intact: z.boolean() })
    .nullable()
    .describe('The sealed personal details in the clear: only for holders of audit.personal, null otherwise'),
  prevHash: z.string(),
  hash: z.string(),
});

const accessView = z.object({
  seq: z.number(),
  at: z.string(),
  actor: z.object({ kind: z.string(), id: z.string().nullable(), userId: z.string().nullable(), onBehalfOf: z.string().nullable() }),
  action: z.string(),
  fields: z.array(z.string()),
  reason: z.string().nullable(),
  note: z.string().nullable(),
  requestId: z.string().nullable(),
  ip: z.string().nullable(),
  userAgent: z.string().nullable(),
});

const auditEventQuery = z
  .object({
    ...pageQuery,
    actor: idSchema.optional().describe('User id: events by the user, through a session or any of their API tokens'),
    subject: idSchema.optional().describe('Data subject id'),
    contact: idSchema.optional().describe("Contact id: events naming the contact's data subject"),
    action: z
      .string()
      .max(100)
      .regex(/^[a-z_]+(\.[a-z_]+)*(\.\*)?$/, 'must be an action name, or a prefix ending in .* (e.g. personal_data.*)')
      .optional(),
    outcome: z.enum(['success', 'failure', 'refused']).optional(),
    from: isoTime.optional().describe('Events at or after this time'),
    to: isoTime.optional().describe('Events before this time'),
    resource: z
      .string()
      .max(200)
      .regex(/^[A-Za-z0-9_/:.{}-]+$/, 'must be a resource name or route pattern')
      .optional(),
    resourceId: z
      .string()
      .max(64)
      .regex(/^[A-Za-z0-9_-]+$/, 'must be a record id')
      .optional(),
  })
  .strict()
  .refine((q) => !q.from || !q.to || Date.parse(q.from) <= Date.parse(q.to), 'from must not be after to');

/** Reading the audit trail (audit administrator) and "who has seen this customer" (audit and privacy roles). */
export function auditRoutes(app: FastifyInstance, kernel: Kernel, store: ProtectedStore): void {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get('/api/v1/audit-events', {
    config: { access: { permission: 'audit.read' } },
    schema: {
      tags: ['audit'],
      summary: 'Audit events, newest first, filtered by actor, data subject, contact, action (exact or prefix.*), outcome, time, resource (audited)',
      querystring: auditEventQuery,
      response: { 200: z.object({ items: z.array(auditEventView), nextCursor: z.string().nullable() }), ...errors },
    },
    handler: async (request) => queryAuditEvents(kernel, actorOf(request), requestContext(request), request.query),
  });

  r.get('/api/v1/contacts/:id/accesses', {
    config: { access: { permission: 'audit.personal' } },
    schema: {
      tags: ['contacts', 'audit'],
      summary:
        'Who has seen this contact: reads, searches and reveals of its personal data, with staff member, time, fields, reason code, note and address (audit.personal and a contact in your scope; audited)',
      params: idParams,
      querystring: z.object(pageQuery).strict(),
      response: { 200: z.object({ items: z.array(accessView), nextCursor: z.string().nullable() }), ...errors },
    },
    handler: async (request) => contactAccesses(kernel, store, actorOf(request), requestContext(request), request.params.id, request.query),
  });
}
