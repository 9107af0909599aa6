import type { ApiErrorBody, ErrorCode } from '@castellan/shared';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { IntegrityError } from '../platform/crypto/integrity-error.js';
import { AppError } from '../platform/errors.js';

function send(reply: FastifyReply, request: FastifyRequest, status: number, code: ErrorCode, message: string, details?: unknown) {
  const body: ApiErrorBody = { error: { code, message, requestId: request.id, ...(details === undefined ? {} : { details }) } };
  return reply.status(status).type('application/json').send(body);
}

/** Maps every failure to the public error shape; internals and stack traces never leave the server. */
export function installErrorHandling(app: FastifyInstance): void {
  app.setNotFoundHandler((request, reply) => send(reply, request, 404, 'not_found', 'no such route'));
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof AppError) return send(reply, request, error.status, error.code, error.message, error.details);
    if (hasZodFastifySchemaValidationErrors(error)) {
      const details = error.validation.map((issue) => ({ path: issue.instancePath || '/', message: issue.message }));
      return send(reply, request, 400, 'validation_failed', `invalid ${error.validationContext ?? 'request'}`, details);
    }
    if (error instanceof IntegrityError) {
      request.log.error({ err: { type: 'IntegrityError', message: error.message } }, 'stored data failed an integrity check');
      return send(reply, request, 500, 'integrity_error', 'stored data failed an integrity check');
    }
    if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return send(reply, request, 413, 'payload_too_large', 'the request body is too large');
    if (error.statusCode === 429) return send(reply, request, 429, 'rate_limited', 'too many requests; slow down');
    if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return send(reply, request, 415 as number, 'bad_request', 'unsupported content type; send application/json');
    if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
      const message = error.code === 'FST_ERR_CTP_EMPTY_JSON_BODY' ? 'the JSON body is empty' : error.code?.startsWith('FST_ERR_CTP') ? 'the request body is not valid JSON' : 'bad request';
      return send(reply, request, error.statusCode, 'bad_request', message);
    }
    request.log.error({ err: { type: error.name, code: error.code } }, 'unhandled error');
    return send(reply, request, 500, 'internal_error', 'internal error');
  });
}
