import type { Readable } from 'node:stream';
import { errorResponse } from '@castellan/shared';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf, requestContext } from '../../http/authenticate.js';
import { idempotentCreate } from '../../http/idempotent-create.js';
import type { ImportJob } from '../../platform/data/import-jobs.js';
import type { ImportFormat } from '../../platform/data/import-source.js';
import { UploadedImports } from '../../platform/data/import-uploads.js';
import type { ProtectedStore } from '../../platform/data/protected-store.js';
import { unprocessable } from '../../platform/errors.js';
import type { Kernel } from '../../platform/kernel.js';
import { importJobView, importParams, importReportView, mappingOf, reportQuery, startImportQuery } from './import.schemas.js';

const tags = ['imports'];
const errors = { 400: errorResponse, 401: errorResponse, 403: errorResponse, 404: errorResponse, 409: errorResponse, 413: errorResponse, 422: errorResponse };
const xlsxType = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const fileTypes = ['text/csv', xlsxType, 'application/octet-stream'];

const view = ({ spoolKey: _key, fileFingerprint: _fp, fileSize: _size, userId: _user, source: _source, ...job }: ImportJob) => job;

/**
 * Imports of CSV / XLSX files into store objects: the file is the raw request body (text/csv, the
 * XLSX media type, or application/octet-stream with `format`), spooled encrypted and imported in the
 * background; progress and the report of bad rows are read by the job's id. Any signed-in user may
 * call; the import itself needs `<object>.create` and a job is visible only to the user who started it.
 */
export function importRoutes(app: FastifyInstance, kernel: Kernel, store: ProtectedStore): void {
  const imports = new UploadedImports(kernel, store);
  app.register(async (scope) => {
    // The body is streamed to the spool as it arrives, never parsed or held whole.
    scope.addContentTypeParser(fileTypes, (_request, payload, done) => done(null, payload));
    const r = scope.withTypeProvider<ZodTypeProvider>();

    r.post('/api/v1/imports', {
      config: { access: { authenticated: true }, rateLimit: { max: 10, timeWindow: '1 minute' } },
      schema: {
        tags,
        summary: 'Start an import: the file is the body (CSV or XLSX); answers 202 with the job, then poll GET /api/v1/imports/{id}',
        querystring: startImportQuery,
        consumes: fileTypes,
        body: z.any().describe('the file itself, raw: CSV (UTF-8, a header row first) or an XLSX workbook (its first worksheet, a header row first)'),
        response: { 202: importJobView, ...errors },
      },
      handler: async (request, reply) => {
        const query = request.query;
        const type = String(request.headers['content-type'] ?? '')
          .split(';')[0]
          ?.trim();
        const format: ImportFormat | undefined = query.format ?? (type === 'text/csv' ? 'csv' : type === xlsxType ? 'xlsx' : undefined);
        if (!format) throw unprocessable('say the format: ?format=csv|xlsx, or send text/csv or the XLSX media type');
        if (!request.body || typeof (request.body as Readable).pipe !== 'function') throw unprocessable('the file is the request body');
        const options = { object: query.object, format, mapping: mappingOf(query.map), skipInvalid: query.skipInvalid ?? false, chunkSize: query.chunkSize };
        const actor = actorOf(request);
        const upload = await imports.spool(request.body as Readable);
        let started = false;
        try {
          return await idempotentCreate(request, reply, {
            status: 202,
            request: { query, file: upload.spooled.fingerprint, size: upload.spooled.size },
            create: async (claim) => {
              const job = await imports.startSpooled(actor, requestContext(request), options, upload, claim);
              started = true;
              return view(job) as never;
            },
            replay: async (id) => view(await imports.job(actor, id)) as never,
          });
        } finally {
          if (!started) await imports.discard(upload);
        }
      },
    });

    r.get('/api/v1/imports/:id', {
      config: { access: { authenticated: true } },
      schema: {
        tags,
        summary: 'Progress of an import (rows read, valid, invalid, duplicate, imported, state) and a page of its report of bad rows',
        params: importParams,
        querystring: reportQuery,
        response: { 200: importReportView, ...errors },
      },
      handler: async (request) => {
        const report = await imports.report(actorOf(request), request.params.id, request.query.problemsAfter, request.query.problemsLimit);
        return { ...view(report.job), problems: report.problems, nextProblemsAfter: report.nextProblemsAfter } as never;
      },
    });

    r.post('/api/v1/imports/:id/resume', {
      config: { access: { authenticated: true } },
      schema: {
        tags,
        summary: 'Resume an uploaded import that stopped (server restart, failure)',
        params: importParams,
        response: { 202: importJobView, ...errors },
      },
      handler: async (request, reply) =>
        reply.status(202).send(view(await imports.resume(actorOf(request), requestContext(request), request.params.id)) as never),
    });
  });
}
