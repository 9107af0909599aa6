import { errorResponse } from '@castellan/shared';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requestContext } from '../../http/authenticate.js';
import { completePasswordReset, requestPasswordReset } from '../../platform/identity/password-reset.js';
import type { Kernel } from '../../platform/kernel.js';
import type { Mailer } from '../../platform/notify/mailer.js';

const tags = ['auth'];
const errors = { 400: errorResponse, 401: errorResponse, 422: errorResponse, 429: errorResponse };

/** Password reset by e-mail: same answer for every address; the reset never signs anyone in. */
export function passwordResetRoutes(app: FastifyInstance, kernel: Kernel, mailer: Mailer): void {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.post('/api/v1/auth/password-reset', {
    config: { access: { public: true }, rateLimit: { max: 5, timeWindow: '1 minute' } },
    schema: {
      tags,
      summary: 'Ask for a password-reset e-mail (the answer is the same whether the address is known or not)',
      security: [],
      body: z.object({ email: z.string().min(3).max(254) }).strict(),
      response: { 202: z.object({ status: z.literal('accepted') }), ...errors },
    },
    handler: async (request, reply) => {
      await requestPasswordReset(kernel, mailer, request.log, request.body.email, requestContext(request));
      return reply.status(202).send({ status: 'accepted' as const });
    },
  });

  r.post('/api/v1/auth/password-reset/complete', {
    config: { access: { public: true }, rateLimit: { max: 10, timeWindow: '1 minute' } },
    schema: {
      tags,
      summary: 'Set a new password with the token from the e-mail; ends every session; sign in (with your second factor) afterwards',
      security: [],
      body: z.object({ token: z.string().min(20).max(100), newPassword: z.string().min(1).max(1024) }).strict(),
      response: { 204: z.null(), ...errors },
    },
    handler: async (request, reply) => {
      await completePasswordReset(kernel, request.body.token, request.body.newPassword, requestContext(request));
      return reply.status(204).send(null);
    },
  });
}
