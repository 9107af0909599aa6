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
] as const;

export type ObjectPermission = { [K in StoreObject]: `${K}.${CrudAction | ActionsOf<K>}` }[StoreObject];
export type Permission = ObjectPermission | (typeof administrationPermissions)[number];

const objectPermissions = storeObjects.flatMap((object) => [
  ...crudActions.map((action) => `${object}.${action}`),
  ...((objectSpecs[object] as { actions?: readonly string[] }).actions ?? []).map((action) => `${object}.${action}`),
]) as ObjectPermission[];

export const permissions: readonly Permission[] = [...objectPermissions, ...administrationPermissions];

export const isPermission = (value: string): value is Permission => (permissions as readonly string[]).includes(value);

/** The permission of an action on an object (typed for objects that declare it). */
export const permissionOf = (object: StoreObject, action: string): Permission => {
  const name = `${object}.${action}`;
  if (!isPermission(name)) throw new Error(`${name} is not a permission`);
  return name;
};

/** read / create / update / delete on one object (for role grants). */
export const crudPermissions = (object: StoreObject): Permission[] => crudActions.map((action) => `${object}.${action}` as Permission);
