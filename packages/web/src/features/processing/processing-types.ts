import type { paths } from '../../api/schema';

/** The records' shapes, taken from the generated API client (the OpenAPI document of the server). */
type Ok<P extends keyof paths, M extends 'get' | 'post'> = paths[P][M] extends { responses: { 200: { content: { 'application/json': infer T } } } }
  ? T
  : paths[P][M] extends { responses: { 201: { content: { 'application/json': infer T } } } }
    ? T
    : never;

export type Controller = Ok<'/api/v1/processing-records/controller', 'get'>;
export type RopaVersionList = Ok<'/api/v1/processing-records/versions', 'get'>;
export type RopaVersion = Ok<'/api/v1/processing-records/versions/{number}', 'get'>;
export type RopaActivity = RopaVersion['content']['activities'][number];
export type PipiaList = Ok<'/api/v1/pipias', 'get'>;
export type PipiaRequirements = Ok<'/api/v1/pipias/requirements', 'get'>;
export type Pipia = Ok<'/api/v1/pipias/{id}', 'get'>;
export type TransferList = Ok<'/api/v1/transfers', 'get'>;
export type Transfer = TransferList['items'][number];

export const mechanisms = ['standard_contract', 'certification', 'security_assessment'] as const;
export const transferStatuses = ['planned', 'active', 'suspended', 'ended'] as const;
export type ActivityList = Ok<'/api/v1/processing-records/activities', 'get'>;
