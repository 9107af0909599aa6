import type { FastifyInstance, FastifyReply } from 'fastify';
import { enrolPage, landingPage, resetPasswordPage } from './interim-pages.js';

const html = (text: string) => async (_request: unknown, reply: FastifyReply) => reply.type('text/html; charset=utf-8').send(text);

/** The pages Castellan's own links lead to until the web app replaces them (public, static). */
export function pagesRoutes(app: FastifyInstance): void {
  app.get('/', { config: { access: { public: true } }, schema: { hide: true } as object }, html(landingPage));
  app.get('/reset-password', { config: { access: { public: true } }, schema: { hide: true } as object }, html(resetPasswordPage));
  app.get('/enrol', { config: { access: { public: true } }, schema: { hide: true } as object }, html(enrolPage));
}
