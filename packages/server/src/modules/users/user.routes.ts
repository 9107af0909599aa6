import { errorResponse, idParams, idSchema, pageQuery, type RoleDefinition, roleKeys } from '@castellan/shared';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf, requestContext } from '../../http/authenticate.js';
import { idempotentCreate } from '../../http/idempotent-create.js';
import { currentRoleMatrix } from '../../platform/authz/role-matrix.js';
import { notFound } from '../../platform/errors.js';
import { changeRole } from '../../platform/identity/role-admin.js';
import { createTeam, listTeams } from '../../platform/identity/teams.js';
import { createUserByAdmin, getUser, listUsers, resendEnrolment, resetSecondFactors, updateUser } from '../../platform/identity/user-admin.js';
import type { Kernel } from '../../platform/kernel.js';
import type { Mailer } from '../../platform/notify/mailer.js';

const tags = ['users'];
const errors = { 400: errorResponse, 401: errorResponse, 403: errorResponse, 404: errorResponse, 409: errorResponse, 422: errorResponse };
const roleKey = z.enum(roleKeys);
/** E-mail and name follow the caller's `users` field rules: absent when hidden, masked when maskedFields names them. */
const userView = z.object({
  id: z.string(),
  email: z.string().nullable().optional(),
  name: z.string().nullable().optional(),
  maskedFields: z.array(z.string()),
  teamId: z.string().nullable(),
  managerId: z.string().nullable(),
  status: z.string(),
  roles: z.array(z.string()),
  mfaEnrolled: z.boolean(),
  lastLoginAt: z.string().nullable(),
  createdAt: z.string(),
});
const enrolment = z.object({ mailed: z.boolean(), expiresAt: z.string().nullable() });

/** Staff accounts, teams and the role matrix (administrators; no access to customers' personal data). */
export function userRoutes(app: FastifyInstance, kernel: Kernel, mailer: Mailer): void {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get('/api/v1/users', {
    config: { access: { permission: 'users.read' } },
    schema: {
      tags,
      summary: 'List staff accounts',
      querystring: z.object({ ...pageQuery, status: z.enum(['active', 'disabled']).optional(), teamId: idSchema.optional() }).strict(),
      response: { 200: z.object({ items: z.array(userView), nextCursor: z.string().nullable() }), ...errors },
    },
    handler: async (request) => listUsers(kernel, actorOf(request), requestContext(request), request.query),
  });

  r.post('/api/v1/users', {
    config: { access: { permission: 'users.manage' } },
    schema: {
      tags,
      summary:
        'Create a staff account (roles need roles.assign and a step-up; no user may combine administrator duties, or one with personal data). An account that administers or can read personal data takes no password: a one-time enrolment link is e-mailed to the person. Any other account gets the password given or a one-time password returned once; either must be changed at first sign-in',
      body: z
        .object({
          email: z.email().max(254),
          name: z.string().trim().min(1).max(200),
          roles: z.array(roleKey).max(9).default([]),
          team: z.string().trim().min(1).max(100).optional(),
          managerId: idSchema.optional(),
          password: z.string().min(1).max(1024).optional(),
        })
        .strict(),
      response: { 201: z.object({ user: userView, oneTimePassword: z.string().optional(), enrolment: enrolment.optional() }), ...errors },
    },
    handler: async (request, reply) =>
      idempotentCreate(request, reply, {
        status: 201,
        create: (claim) => createUserByAdmin(kernel, mailer, actorOf(request), requestContext(request), request.body, claim),
        // A repeat shows the account as it is now; a one-time password is never shown twice.
        replay: async (id) => ({ user: await getUser(kernel, actorOf(request), requestContext(request), id) }),
      }),
  });

  r.post('/api/v1/users/:id/enrolment', {
    config: { access: { permission: 'users.manage' }, rateLimit: { max: 10, timeWindow: '1 minute' } },
    schema: {
      tags,
      summary: 'E-mail the person a new one-time enrolment link (older links stop working); the link is never shown to the caller',
      params: idParams,
      response: { 202: enrolment, ...errors },
    },
    handler: async (request, reply) =>
      reply.status(202).send(await resendEnrolment(kernel, mailer, actorOf(request), requestContext(request), request.params.id)),
  });

  r.get('/api/v1/users/:id', {
    config: { access: { permission: 'users.read' } },
    schema: { tags, summary: 'One staff account', params: idParams, response: { 200: userView, ...errors } },
    handler: async (request) => getUser(kernel, actorOf(request), requestContext(request), request.params.id),
  });

  r.patch('/api/v1/users/:id', {
    config: { access: { authenticated: true } },
    schema: {
      tags,
      summary:
        "Change name, team, manager or status (users.manage; disabling ends all sessions and revokes the user's tokens for good) or roles (roles.assign + step-up; never your own; tokens are narrowed to what the user still holds; an administrator-known password is withdrawn and an enrolment link e-mailed when the grant makes the account administer or read personal data)",
      params: idParams,
      body: z
        .object({
          name: z.string().trim().min(1).max(200).optional(),
          team: z.string().trim().min(1).max(100).nullable().optional(),
          managerId: idSchema.nullable().optional(),
          status: z.enum(['active', 'disabled']).optional(),
          roles: z.array(roleKey).max(9).optional(),
        })
        .strict()
        .refine((v) => Object.keys(v).length > 0, 'the patch must change at least one field'),
      response: { 200: userView.extend({ enrolment: enrolment.optional() }), ...errors },
    },
    handler: async (request) => updateUser(kernel, mailer, actorOf(request), requestContext(request), request.params.id, request.body),
  });

  r.post('/api/v1/users/:id/mfa/reset', {
    config: { access: { permission: 'sessions.manage' } },
    schema: {
      tags,
      summary: "Recovery from a lost second factor: remove the user's factors and end their sessions (security admin, after a step-up; never oneself)",
      params: idParams,
      response: { 204: z.null(), ...errors },
    },
    handler: async (request, reply) => {
      await resetSecondFactors(kernel, actorOf(request), requestContext(request), request.params.id);
      return reply.status(204).send(null);
    },
  });

  r.get('/api/v1/teams', {
    config: { access: { permission: 'users.read' } },
    schema: {
      tags,
      summary: 'Teams',
      response: { 200: z.object({ items: z.array(z.object({ id: z.string(), name: z.string(), createdAt: z.string() })) }), ...errors },
    },
    handler: async () => ({ items: await listTeams(kernel) }),
  });

  r.post('/api/v1/teams', {
    config: { access: { permission: 'users.manage' } },
    schema: {
      tags,
      summary: 'Create a team',
      body: z.object({ name: z.string().trim().min(1).max(100) }).strict(),
      response: { 201: z.object({ id: z.string(), name: z.string() }), ...errors },
    },
    handler: async (request, reply) =>
      idempotentCreate(request, reply, {
        status: 201,
        create: (claim) => createTeam(kernel, actorOf(request), requestContext(request), request.body.name, claim),
        replay: async (id) => {
          const team = (await listTeams(kernel)).find((t) => t.id === id);
          if (!team) throw notFound('team');
          return { id: team.id, name: team.name };
        },
      }),
  });

  const roleView = z.object({
    key: z.string(),
    administrator: z.boolean(),
    permissions: z.array(z.string()),
    scope: z.record(z.string(), z.string()),
    fields: z.record(z.string(), z.record(z.string(), z.string())),
  });
  const present = (role: RoleDefinition) => ({
    key: role.key,
    administrator: role.administrator,
    permissions: [...role.permissions],
    scope: { ...role.scope },
    fields: { ...role.fields } as Record<string, Record<string, string>>,
  });

  r.get('/api/v1/roles', {
    config: { access: { permission: 'users.read' } },
    schema: {
      tags,
      summary: 'The role matrix: permissions, record scope and field rules of each role',
      response: { 200: z.object({ items: z.array(roleView) }), ...errors },
    },
    handler: async () => ({ items: roleKeys.map((key) => present(currentRoleMatrix()[key])) }),
  });

  r.patch('/api/v1/roles/:key', {
    config: { access: { permission: 'roles.assign' } },
    schema: {
      tags,
      summary:
        "Edit a role's permissions, record scope or field rules per object (contacts, users) (security admin, after a step-up; keeps 三员分立 for the role and for each holder across all their roles; ends the sessions of its holders and narrows their tokens)",
      params: z.object({ key: z.enum(roleKeys) }).strict(),
      body: z
        .object({
          permissions: z.array(z.string().max(60)).max(500).optional(),
          scope: z.record(z.string().max(30), z.string().max(10)).optional(),
          fields: z.record(z.string().max(30), z.record(z.string().max(30), z.string().max(10))).optional(),
        })
        .strict()
        .refine((v) => Object.keys(v).length > 0, 'the change must set permissions, scope or fields'),
      response: { 200: roleView, ...errors },
    },
    handler: async (request) => present(await changeRole(kernel, mailer, actorOf(request), requestContext(request), request.params.key, request.body)),
  });
}
