import { type CatalogueObject, fieldCatalogue, isProtected, type ObjectCatalogue } from './field-catalogue.js';
import { type Permission, permissions } from './permissions.js';

/**
 * Which permissions read or change personal data, derived once from the field catalogue: every
 * permission on an object that holds personal or sensitive fields. A new object declared in the
 * catalogue with personal fields joins by itself. The staff directory (`users`) is left out: it is the
 * administrators' own work, and what they see of it is governed by the `users` field rules instead.
 */
const staffDirectory: CatalogueObject = 'users';

/** Catalogue objects whose fields a role's field rules may name (every object with personal fields). */
export const fieldRuleObjects: readonly CatalogueObject[] = (Object.keys(fieldCatalogue) as CatalogueObject[]).filter((object) =>
  Object.values(fieldCatalogue[object] as ObjectCatalogue).some(isProtected),
);

/** Objects of data subjects other than staff: customers, subscribers, viewers. */
export const personalDataObjects: readonly CatalogueObject[] = fieldRuleObjects.filter((object) => object !== staffDirectory);

const resourceOf = (permission: string): string => permission.slice(0, permission.indexOf('.'));

/** The data-subject rights (a person's whole record exported, erased or restricted) read and change personal data too. */
const subjectRights = 'subjects';
/** Permissions outside the catalogue that open personal data: the breach register's sealed text and affected subjects. */
const otherPersonalDataPermissions: readonly Permission[] = ['breaches.personal'];

/** Every permission on a personal-data object, the data-subject rights, and the few others above. */
export const personalDataPermissions: readonly Permission[] = [
  ...permissions.filter((p) => (personalDataObjects as readonly string[]).includes(resourceOf(p)) || resourceOf(p) === subjectRights),
  ...otherPersonalDataPermissions,
];

export const isPersonalDataPermission = (permission: string): boolean => (personalDataPermissions as readonly string[]).includes(permission);
