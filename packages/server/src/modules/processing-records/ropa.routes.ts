import {
  activityList,
  controllerUpdate,
  controllerView,
  errorResponse,
  fieldCatalogue,
  ropaExportQuery,
  ropaGenerated,
  ropaNumberParams,
  ropaVersionList,
  ropaVersionView,
} from '@castellan/shared';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf, requestContext } from '../../http/authenticate.js';
import type { Kernel } from '../../platform/kernel.js';
import { getController, updateController } from '../../platform/records/controller-store.js';
import { processingActivities } from '../../platform/records/processing-activities.js';
import { exportRopaVersion, generateRopa, getRopaVersion, listRopaVersions } from '../../platform/records/ropa-store.js';

const tags = ['processing-records'];
const errors = { 400: errorResponse, 401: errorResponse, 403: errorResponse, 404: errorResponse, 409: errorResponse, 422: errorResponse };

/** The controller's details and the record of processing activities (GDPR Art. 30) as immutable versions. */
export function ropaRoutes(app: FastifyInstance, kernel: Kernel): void {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get('/api/v1/processing-records/controller', {
    config: { access: { permission: 'records.read' } },
    schema: { tags, summary: "The controller's details (contact and DPO for holders of records.manage)", response: { 200: controllerView, ...errors } },
    handler: async (request) => getController(kernel, actorOf(request), requestContext(request)),
  });

  r.put('/api/v1/processing-records/controller', {
    config: { access: { permission: 'records.manage' } },
    schema: {
      tags,
      summary: "Set the controller's name, country, contact and DPO (contact and DPO sealed)",
      body: controllerUpdate,
      response: { 200: controllerView, ...errors },
    },
    handler: async (request) => updateController(kernel, actorOf(request), requestContext(request), request.body),
  });

  r.get('/api/v1/processing-records/activities', {
    config: { access: { permission: 'records.read' } },
    schema: {
      tags,
      summary: 'The processing activities as the field catalogue gives them now, with their PI categories',
      response: { 200: activityList, ...errors },
    },
    handler: async () => ({
      items: processingActivities(fieldCatalogue).map((a) => ({ key: a.key, purpose: a.purpose, categories: a.categories, sensitive: a.sensitive })),
    }),
  });

  r.get('/api/v1/processing-records/versions', {
    config: { access: { permission: 'records.read' } },
    schema: {
      tags,
      summary: 'The RoPA versions, newest first, each marked outdated when the catalogue classifications changed since',
      response: { 200: ropaVersionList, ...errors },
    },
    handler: async () => listRopaVersions(kernel),
  });

  r.post('/api/v1/processing-records/versions', {
    config: { access: { permission: 'records.manage' } },
    schema: {
      tags,
      summary: 'Generate the RoPA from the catalogue, consent purposes, transfer register and retention rules; a new version only when the content changed',
      response: { 200: ropaGenerated, 201: ropaGenerated, ...errors },
    },
    handler: async (request, reply) => {
      const result = await generateRopa(kernel, actorOf(request), requestContext(request));
      return reply.status(result.created ? 201 : 200).send(result);
    },
  });

  r.get('/api/v1/processing-records/versions/:number', {
    config: { access: { permission: 'records.read' } },
    schema: { tags, summary: 'One RoPA version with its content', params: ropaNumberParams, response: { 200: ropaVersionView, ...errors } },
    handler: async (request) => getRopaVersion(kernel, actorOf(request), requestContext(request), request.params.number),
  });

  r.get('/api/v1/processing-records/versions/:number/export', {
    config: { access: { permission: 'records.read' } },
    schema: {
      tags,
      summary: 'One RoPA version as a file: JSON, CSV or HTML (audited)',
      params: ropaNumberParams,
      querystring: ropaExportQuery,
      response: { 200: z.string().describe('the RoPA version as JSON, CSV or HTML'), ...errors },
    },
    handler: async (request, reply) => {
      const file = await exportRopaVersion(kernel, actorOf(request), requestContext(request), request.params.number, request.query.format);
      return reply.type(file.contentType).header('content-disposition', `attachment; filename="${file.filename}"`).send(file.body);
    },
  });
}
