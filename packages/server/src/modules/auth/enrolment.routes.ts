import { errorResponse } from '@castellan/shared';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requestContext } from '../../http/authenticate.js';
import { redeemEnrolment } from '../../platform/identity/enrolment-links.js';
import type { Kernel } from '../../platform/kernel.js';

const tags = ['auth'];
const errors = { 400: errorResponse, 401: errorResponse, 422: errorResponse, 429: errorResponse };

/** Redeeming a one-time enrolment link (`/enrol#token=…`): the person sets their first password. */
export function enrolmentRoutes(app: FastifyInstance, kernel: Kernel): void {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.post('/api/v1/auth/enrol', {
    config: { access: { public: true }, rateLimit: { max: 10, timeWindow: '1 minute' } },
    schema: {
      tags,
      summary: 'Set my first password with the token of an enrolment link (single use); ends every session; sign in (and enrol a second factor) afterwards',
      security: [],
      body: z.object({ token: z.string().min(20).max(100), newPassword: z.string().min(1).max(1024) }).strict(),
      response: { 204: z.null(), ...errors },
    },
    handler: async (request, reply) => {
      await redeemEnrolment(kernel, request.body.token, request.body.newPassword, requestContext(request));
      return reply.status(204).send(null);
    },
  });
}
