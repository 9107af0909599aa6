import { errorResponse } from '@castellan/shared';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf, requestContext } from '../../http/authenticate.js';
import type { Kernel } from '../../platform/kernel.js';
import { complianceChecks, createComplianceReport } from './compliance.service.js';
import { checkIds } from './compliance-check.js';

const tags = ['compliance'];
const errors = { 400: errorResponse, 401: errorResponse, 403: errorResponse };
const evidenceValue = z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(z.string())]);
const check = z.object({
  id: z.enum(checkIds),
  status: z.enum(['passing', 'failing']),
  reason: z.string(),
  evidence: z.record(z.string(), evidenceValue),
  controls: z.array(z.object({ framework: z.enum(['GDPR', 'CCPA', 'PIPL', 'CSL', 'MLPS3']), id: z.string() })),
});

/** The compliance dashboard's checks and the signed auditor's report (evidence only: no personal value). */
export function complianceRoutes(app: FastifyInstance, kernel: Kernel): void {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get('/api/v1/compliance/checks', {
    config: { access: { permission: 'compliance.read' }, rateLimit: { max: 30, timeWindow: '1 minute' } },
    schema: {
      tags,
      summary: 'The automated compliance checks from live state, with evidence and GDPR / CCPA / PIPL / 网络安全法 / 等保 controls (cached up to 15 minutes)',
      querystring: z.object({ refresh: z.enum(['true', 'false']).default('false') }).strict(),
      response: { 200: z.object({ computedAt: z.string(), checks: z.array(check) }), ...errors },
    },
    handler: async (request) => complianceChecks(kernel, { refresh: request.query.refresh === 'true' }),
  });

  r.get('/api/v1/compliance/report', {
    config: { access: { permission: 'compliance.report' }, rateLimit: { max: 6, timeWindow: '1 minute' } },
    schema: {
      tags,
      summary: "The auditor's report, signed with the audit log key and embedding the latest signed audit checkpoint; audited",
      querystring: z.object({ format: z.enum(['json', 'html', 'pdf']).default('json') }).strict(),
      response: { 200: z.string().describe('the signed report: JSON, HTML or PDF'), ...errors },
    },
    handler: async (request, reply) => {
      const report = await createComplianceReport(kernel, actorOf(request), requestContext(request), request.query.format);
      return reply
        .type(report.contentType)
        .header('content-disposition', `attachment; filename="${report.filename}"`)
        .send(report.bytes as never);
    },
  });
}
