import type { FastifyServerOptions } from 'fastify';

/**
 * Structured logs with no personal value in them: request lines carry the path without its query
 * string (a search query holds an e-mail or phone number), the client address only as a keyed
 * pseudonym (the same one the audit trail shows, so the two can be correlated), credentials are
 * redacted, bodies are never logged. A download token in a path (an access package's single-use link)
 * is redacted too.
 */
const tokenInPath = /^(\/api\/v1\/access-packages\/)[^/]+/;

export function loggerOptions(level: string, pseudonymiseAddress: (ip: string) => string): FastifyServerOptions['logger'] {
  return {
    level,
    redact: { paths: ['req.headers.authorization', 'req.headers.cookie', 'req.headers["x-csrf-token"]', '*.password', '*.token'], censor: '[redacted]' },
    serializers: {
      req(request: { method: string; url: string; id: string; ip?: string }) {
        return {
          id: request.id,
          method: request.method,
          path: (request.url.split('?')[0] ?? '').replace(tokenInPath, '$1[redacted]'),
          ip: request.ip ? pseudonymiseAddress(request.ip) : undefined,
        };
      },
      res(reply: { statusCode: number }) {
        return { statusCode: reply.statusCode };
      },
    },
  };
}
