import type { ApiErrorBody, ErrorCode } from '@castellan/shared';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { isAppNavigation } from '../modules/web-app/web-app.routes.js';
import { anonymousActor } from '../platform/authz/actor.js';
import { IntegrityError } from '../platform/crypto/integrity-error.js';
import { isId } from '../platform/data/ids.js';
import { AppError } from '../platform/errors.js';
import type { Kernel } from '../platform/kernel.js';
import { requestContext } from './authenticate.js';

function send(reply: FastifyReply, request: FastifyRequest, status: number, code: ErrorCode, message: string, details?: unknown) {
  const body: ApiErrorBody = { error: { code, message, requestId: request.id, ...(details === undefined ? {} : { details }) } };
  return reply.status(status).type('application/json').send(body);
}

/**
 * Every refusal (401, 403, and 404 for a record outside the caller's scope) is an audit event naming
 * the actor, the route pattern and the record id — never a query string or a body. Sign-in steps
 * audit their own outcomes.
 */
async function auditRefusal(kernel: Kernel, request: FastifyRequest, error: AppError): Promise<void> {
  const route = request.routeOptions.url ?? 'unknown';
  if (route.startsWith('/api/v1/auth/login') || route.startsWith('/api/v1/auth/mfa')) return;
  const params = request.params as Record<string, unknown> | undefined;
  // Refusals happen before validation: keep the path id only when it has the shape of a record or
  // token id, so that a personal value typed into a URL never reaches the append-only log.
  const rawId = typeof params?.id === 'string' ? params.id : undefined;
  const recordId = rawId && (isId(rawId) || /^[0-9a-f]{32}$/.test(rawId)) ? rawId : undefined;
  try {
    await kernel.transaction((tx) =>
      tx.audit(request.actor ?? anonymousActor, requestContext(request), {
        action: 'access.refused',
        outcome: 'refused',
        resource: route,
        resourceId: recordId,
        detail: { method: request.method, status: error.status, code: error.code, ...(rawId !== undefined && !recordId ? { idMalformed: true } : {}) },
      }),
    );
  } catch (auditError) {
    request.log.error({ err: { type: (auditError as Error).name } }, 'could not audit a refused request');
  }
}

/**
 * A write the database refused for a uniqueness or reference constraint (two channels with one code;
 * a row still named by another): 409, saying which kind, never the value (it may be personal).
 */
function constraintViolation(error: { code?: unknown }): string | undefined {
  const code = String(error.code ?? '');
  if (code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === '23505') return 'a record with the same unique value exists';
  if (code === 'SQLITE_CONSTRAINT_FOREIGNKEY' || code === '23503') return 'the record is named by, or names, a record that does not allow this change';
  return undefined;
}

/** Maps every failure to the public error shape; internals and stack traces never leave the server. */
export function installErrorHandling(app: FastifyInstance, kernel: Kernel): void {
  // A browser navigation to one of the web app's own addresses (/contacts/…) gets the app, whose router answers it.
  app.setNotFoundHandler((request, reply) =>
    isAppNavigation(request) ? app.sendWebAppShell(request, reply) : send(reply, request, 404, 'not_found', 'no such route'),
  );
  app.setErrorHandler(async (error: FastifyError, request, reply) => {
    if (error instanceof AppError) {
      if (error.status === 401 || error.status === 403 || error.status === 404) await auditRefusal(kernel, request, error);
      const retryAfter = (error.details as { retryAfterSeconds?: unknown } | undefined)?.retryAfterSeconds;
      if (error.status === 429 && typeof retryAfter === 'number') reply.header('retry-after', String(retryAfter));
      return send(reply, request, error.status, error.code, error.message, error.details);
    }
    if (hasZodFastifySchemaValidationErrors(error)) {
      const details = error.validation.map((issue) => ({ path: issue.instancePath || '/', message: issue.message }));
      return send(reply, request, 400, 'validation_failed', `invalid ${error.validationContext ?? 'request'}`, details);
    }
    if (error instanceof IntegrityError) {
      request.log.error({ err: { type: 'IntegrityError', message: error.message } }, 'stored data failed an integrity check');
      return send(reply, request, 500, 'integrity_error', 'stored data failed an integrity check');
    }
    const constraint = constraintViolation(error);
    if (constraint) return send(reply, request, 409, 'conflict', constraint);
    if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return send(reply, request, 413, 'payload_too_large', 'the request body is too large');
    if (error.statusCode === 429) return send(reply, request, 429, 'rate_limited', 'too many requests; slow down');
    if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE')
      return send(reply, request, 415 as number, 'bad_request', 'unsupported content type; send application/json');
    if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
      const message =
        error.code === 'FST_ERR_CTP_EMPTY_JSON_BODY'
          ? 'the JSON body is empty'
          : error.code?.startsWith('FST_ERR_CTP')
            ? 'the request body is not valid JSON'
            : 'bad request';
      return send(reply, request, error.statusCode, 'bad_request', message);
    }
    request.log.error({ err: { type: error.name, code: error.code } }, 'unhandled error');
    return send(reply, request, 500, 'internal_error', 'internal error');
  });
}
