import { type ActionsOf, objectSpecs, type StoreObject, storeObjects } from './catalogue/index.js';

/**
 * Permission names: `resource.action`. The route guard and the roles speak only these. Every object
 * the protected store serves has read / create / update / delete, plus the actions it declares in
 * the catalogue (`contacts.reveal`, `contracts.approve` …); the administrators' permissions follow.
 */
export const crudActions = ['read', 'create', 'update', 'delete'] as const;
export type CrudAction = (typeof crudActions)[number];

export const administrationPermissions = [
  'users.read',
  'users.manage',
  'roles.assign',
  'sessions.manage',
  'reviews.decide',
  'tokens.manage',
  'keys.manage',
  'audit.read',
  'audit.personal',
  'custom_fields.manage',
  'subjects.access',
  'subjects.erase',
  'subjects.restrict',
  'compliance.read',
  'compliance.report',
] as const;

/**
 * The breach register (packages/server/src/modules/breaches): `read` the register (grades, clocks,
 * counts — no personal value), `manage` it (record, classify, record notifications), and `personal`:
 * open the sealed description and notes and find and list the affected data subjects (a permission
 * on personal data, so 三员分立 keeps it away from the administrators).
 */
export const incidentPermissions = ['breaches.read', 'breaches.manage', 'breaches.personal'] as const;

/**
 * The records of processing (packages/server/src/platform/records): `read` the record of processing
 * activities, the impact assessments (without the assessors' sealed findings) and the transfer
 * register; `manage` them (controller details, generate, assess, approve, register transfers).
 */
export const recordsPermissions = ['records.read', 'records.manage'] as const;

/**
 * Retention (packages/server/src/modules/retention): `read` the rules, runs and certificates (counts
 * only, no personal value), `manage` them — define rules, run a purge or a dry run.
 */
export const retentionPermissions = ['retention.read', 'retention.manage'] as const;

/**
 * Backups (packages/server/src/platform/backup): `read` the runs, per-target outcomes, drills and
 * schedule (counts, sizes, times — no value of a record); `manage`: take a backup or run a restore
 * drill now. Restoring is an operator act at the command line, never an API call.
 */
export const backupPermissions = ['backups.read', 'backups.manage'] as const;

export type ObjectPermission = { [K in StoreObject]: `${K}.${CrudAction | ActionsOf<K>}` }[StoreObject];
export type Permission =
  | ObjectPermission
  | (typeof administrationPermissions)[number]
  | (typeof incidentPermissions)[number]
  | (typeof recordsPermissions)[number]
  | (typeof retentionPermissions)[number]
  | (typeof backupPermissions)[number];

const objectPermissions = storeObjects.flatMap((object) => [
  ...crudActions.map((action) => `${object}.${action}`),
  ...((objectSpecs[object] as { actions?: readonly string[] }).actions ?? []).map((action) => `${object}.${action}`),
]) as ObjectPermission[];

export const permissions: readonly Permission[] = [
  ...objectPermissions,
  ...administrationPermissions,
  ...incidentPermissions,
  ...recordsPermissions,
  ...retentionPermissions,
  ...backupPermissions,
];

export const isPermission = (value: string): value is Permission => (permissions as readonly string[]).includes(value);

/** The permission of an action on an object (typed for objects that declare it). */
export const permissionOf = (object: StoreObject, action: string): Permission => {
  const name = `${object}.${action}`;
  if (!isPermission(name)) throw new Error(`${name} is not a permission`);
  return name;
};

/** read / create / update / delete on one object (for role grants). */
export const crudPermissions = (object: StoreObject): Permission[] => crudActions.map((action) => `${object}.${action}` as Permission);
