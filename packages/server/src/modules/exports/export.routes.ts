import { PassThrough } from 'node:stream';
import { errorResponse, objectSpecs, type StoreObject, storeObjects } from '@castellan/shared';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf, requestContext } from '../../http/authenticate.js';
import { can } from '../../platform/authz/access-policy.js';
import { exportRecords } from '../../platform/data/export-records.js';
import { exportXlsx } from '../../platform/data/export-xlsx.js';
import type { ProtectedStore } from '../../platform/data/protected-store.js';
import { forbidden } from '../../platform/errors.js';
import { requireFreshSecondFactor } from '../../platform/identity/second-factor.js';

const errors = { 400: errorResponse, 401: errorResponse, 403: errorResponse, 404: errorResponse, 429: errorResponse };
const xlsxType = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** Store objects with an `export` permission of their own (a campaign's `export` is its audience's, elsewhere). */
export const exportableObjects = storeObjects.filter(
  (object) => object !== 'campaigns' && ((objectSpecs[object] as { actions?: readonly string[] }).actions ?? []).includes('export'),
) as [StoreObject, ...StoreObject[]];

/**
 * Exports of any object whose `<object>.export` the caller holds, as CSV, JSON Lines or XLSX, as the
 * caller sees it (scope, field rules, masking), after a step-up; every page audited as an export
 * (export-records.ts). What `castellan export` gives the operator, over HTTP for the web app.
 */
export function exportRoutes(app: FastifyInstance, store: ProtectedStore): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get('/api/v1/exports/:object', {
    config: { access: { authenticated: true }, rateLimit: { max: 5, timeWindow: '1 minute' } },
    schema: {
      tags: ['exports'],
      summary: `Export the records of an object you may export (<object>.export: ${exportableObjects.join(', ')}) as you see them (masking applies), as CSV, JSONL or XLSX; needs a step-up; audited per page`,
      params: z.object({ object: z.enum(exportableObjects) }).strict(),
      querystring: z.object({ format: z.enum(['csv', 'jsonl', 'xlsx']).default('csv') }).strict(),
      response: { 200: z.string().describe('the file: text/csv, application/x-ndjson or an XLSX workbook'), ...errors },
    },
    handler: async (request, reply) => {
      const actor = actorOf(request);
      const { object } = request.params;
      if (!can(actor, `${object}.export` as never)) throw forbidden(`missing permission ${object}.export`);
      requireFreshSecondFactor(actor, 'exporting');
      const format = request.query.format;
      const file = `attachment; filename="${object}.${format}"`;
      if (format === 'xlsx') {
        const out = new PassThrough();
        const chunks: Buffer[] = [];
        out.on('data', (chunk: Buffer) => chunks.push(chunk));
        await exportXlsx(store, actor, requestContext(request), object, out);
        return reply
          .type(xlsxType)
          .header('content-disposition', file)
          .send(Buffer.concat(chunks) as never);
      }
      let body = '';
      for await (const chunk of exportRecords(store, actor, requestContext(request), object, format)) body += chunk;
      const type = format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8';
      return reply.type(type).header('content-disposition', file).send(body);
    },
  });
}
