import {
  contractEndColumn,
  errorResponse,
  idParams,
  purposeColumn,
  retentionObjectList,
  retentionObjects,
  retentionPurposes,
  retentionRuleCreate,
  retentionRuleHistory,
  retentionRuleList,
  retentionRulePatch,
  retentionRuleView,
  retentionRunBody,
  retentionRunList,
  retentionRunView,
  retentionVerifyResult,
} from '@castellan/shared';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf, requestContext } from '../../http/authenticate.js';
import { signingKeyTrust } from '../../platform/audit/signing-keys.js';
import { requireFreshSecondFactor } from '../../platform/identity/second-factor.js';
import type { Kernel } from '../../platform/kernel.js';
import { verifyCertificate } from '../../platform/retention/retention-certificate.js';
import {
  createRetentionRule,
  deleteRetentionRule,
  getRetentionRule,
  listRetentionRules,
  retentionRuleHistory as ruleHistory,
  updateRetentionRule,
} from '../../platform/retention/retention-rules.js';
import { getRetentionRun, listRetentionRuns, resumeRetentionRuns, retentionCertificate, startRetentionRun } from '../../platform/retention/retention-runs.js';

const tags = ['retention'];
const errors = { 400: errorResponse, 401: errorResponse, 403: errorResponse, 404: errorResponse, 409: errorResponse, 422: errorResponse };

/**
 * Retention: rules per object × purpose, runs (a dry run previews the counts; a real run needs a fresh
 * second factor), and each real run's signed certificate, downloadable and verifiable.
 */
export function retentionRoutes(app: FastifyInstance, kernel: Kernel): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  // A run a crash interrupted finishes when the server starts again.
  app.addHook('onReady', async () => {
    await resumeRetentionRuns(kernel);
  });

  r.get('/api/v1/retention/objects', {
    config: { access: { permission: 'retention.read' } },
    schema: {
      tags,
      summary: 'The objects holding personal data a rule may name (from the field catalogue), with their contract-end column, and the purposes',
      response: { 200: retentionObjectList, ...errors },
    },
    handler: async () => ({
      items: retentionObjects().map((object) => ({ object, contractEnd: contractEndColumn(object) ?? null, purposeFiltered: !!purposeColumn(object) })),
      purposes: [...retentionPurposes],
    }),
  });

  r.get('/api/v1/retention/rules', {
    config: { access: { permission: 'retention.read' } },
    schema: { tags, summary: 'The retention rules', response: { 200: retentionRuleList, ...errors } },
    handler: async () => ({ items: await listRetentionRules(kernel) }),
  });

  r.post('/api/v1/retention/rules', {
    config: { access: { permission: 'retention.manage' } },
    schema: {
      tags,
      summary: 'Define a rule (one per object and purpose); creating it enabled needs a fresh second factor',
      body: retentionRuleCreate,
      response: { 201: retentionRuleView, ...errors },
    },
    handler: async (request, reply) => reply.status(201).send(await createRetentionRule(kernel, actorOf(request), requestContext(request), request.body)),
  });

  r.get('/api/v1/retention/rules/:id', {
    config: { access: { permission: 'retention.read' } },
    schema: { tags, summary: 'One retention rule', params: idParams, response: { 200: retentionRuleView, ...errors } },
    handler: async (request) => getRetentionRule(kernel, request.params.id),
  });

  r.get('/api/v1/retention/rules/:id/history', {
    config: { access: { permission: 'retention.read' } },
    schema: {
      tags,
      summary: 'Every version of a rule, newest first (deleted rules keep theirs)',
      params: idParams,
      response: { 200: retentionRuleHistory, ...errors },
    },
    handler: async (request) => ({ items: await ruleHistory(kernel, request.params.id) }),
  });

  r.patch('/api/v1/retention/rules/:id', {
    config: { access: { permission: 'retention.manage' } },
    schema: {
      tags,
      summary: 'Change a rule against the version read (409 when it changed since); enabling or widening it needs a fresh second factor',
      params: idParams,
      body: retentionRulePatch,
      response: { 200: retentionRuleView, ...errors },
    },
    handler: async (request) => updateRetentionRule(kernel, actorOf(request), requestContext(request), request.params.id, request.body),
  });

  r.delete('/api/v1/retention/rules/:id', {
    config: { access: { permission: 'retention.manage' } },
    schema: { tags, summary: 'Remove a rule (its versions stay)', params: idParams, response: { 204: z.null(), ...errors } },
    handler: async (request, reply) => {
      await deleteRetentionRule(kernel, actorOf(request), requestContext(request), request.params.id);
      return reply.status(204).send(null);
    },
  });

  r.get('/api/v1/retention/runs', {
    config: { access: { permission: 'retention.read' } },
    schema: { tags, summary: 'The latest runs, newest first, with their counts per rule', response: { 200: retentionRunList, ...errors } },
    handler: async () => ({ items: await listRetentionRuns(kernel) }),
  });

  r.post('/api/v1/retention/runs', {
    config: { access: { permission: 'retention.manage' }, rateLimit: { max: 6, timeWindow: '1 minute' } },
    schema: {
      tags,
      summary: 'Run every enabled rule now: a dry run (the default) counts what would happen; a real run needs a fresh second factor',
      body: retentionRunBody,
      response: { 201: retentionRunView, ...errors },
    },
    handler: async (request, reply) => {
      const actor = actorOf(request);
      if (!request.body.dryRun) requireFreshSecondFactor(actor, 'a retention purge');
      const run = await startRetentionRun(kernel, actor, requestContext(request), { kind: 'manual', dryRun: request.body.dryRun });
      return reply.status(201).send(run);
    },
  });

  r.get('/api/v1/retention/runs/:id', {
    config: { access: { permission: 'retention.read' } },
    schema: { tags, summary: 'One run with its counts per rule', params: idParams, response: { 200: retentionRunView, ...errors } },
    handler: async (request) => getRetentionRun(kernel, request.params.id),
  });

  r.get('/api/v1/retention/runs/:id/certificate', {
    config: { access: { permission: 'retention.read' } },
    schema: {
      tags,
      summary: "A finished run's certificate: canonical JSON signed with the audit log key (counts and rule ids only); audited",
      params: idParams,
      response: { 200: z.string().describe('the signed certificate (JSON)'), ...errors },
    },
    handler: async (request, reply) => {
      const bytes = await retentionCertificate(kernel, actorOf(request), requestContext(request), request.params.id);
      return reply
        .type('application/json')
        .header('content-disposition', `attachment; filename="retention-certificate-${request.params.id}.json"`)
        .send(bytes as never);
    },
  });

  r.post('/api/v1/retention/certificates/verify', {
    config: { access: { permission: 'retention.read' } },
    schema: {
      tags,
      summary: "Check a certificate's signature against this installation's audit key",
      body: z.object({ certificate: z.string().min(1).max(5_000_000) }).strict(),
      response: { 200: retentionVerifyResult, ...errors },
    },
    handler: async (request) => {
      return verifyCertificate(Buffer.from(request.body.certificate, 'utf8'), (await signingKeyTrust(kernel)).resolve);
    },
  });
}
