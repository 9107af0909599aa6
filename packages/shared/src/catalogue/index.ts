import { adSalesFields, adSalesObjects } from './ad-sales.js';
import { licensingFields, licensingObjects } from './licensing.js';
import { marketingFields, marketingObjects } from './marketing.js';
import { partiesFields, partiesObjects } from './parties.js';
import { privacyFields, privacyObjects } from './privacy.js';
import { serviceFields, serviceObjects } from './service.js';
import { staffFields, staffObjects } from './staff.js';
import { subscribersFields, subscribersObjects } from './subscribers.js';
import type { FieldSpec, ObjectCatalogue, ObjectSpec } from './types.js';

/**
 * The field catalogue, assembled from one file per domain (parties, staff, and each business domain
 * as it arrives). A new object is declared once, in its domain's file: its fields here, its kind in
 * `objectSpecs`, and its default role grants in `../grants/`.
 */
export const fieldCatalogue = {
  ...partiesFields,
  ...staffFields,
  ...adSalesFields,
  ...licensingFields,
  ...serviceFields,
  ...marketingFields,
  ...subscribersFields,
  ...privacyFields,
} as const satisfies Record<string, ObjectCatalogue>;

export const objectSpecs = {
  ...partiesObjects,
  ...staffObjects,
  ...adSalesObjects,
  ...licensingObjects,
  ...serviceObjects,
  ...marketingObjects,
  ...subscribersObjects,
  ...privacyObjects,
} as const satisfies Record<keyof typeof fieldCatalogue, ObjectSpec>;

export type CatalogueObject = keyof typeof fieldCatalogue;

type Specs = typeof objectSpecs;
/** Objects the protected store serves (owned and reference data; not the staff directory). */
export type StoreObject = { [K in keyof Specs]: Specs[K]['ownership'] extends 'owned' | 'reference' ? K : never }[keyof Specs];
/** Objects whose rows have an owner and a team (record scope applies). */
export type OwnedObject = { [K in keyof Specs]: Specs[K]['ownership'] extends 'owned' ? K : never }[keyof Specs];
/** The extra actions an object declares, as permission suffixes. */
export type ActionsOf<K extends keyof Specs> = Specs[K] extends { readonly actions: readonly (infer A)[] } ? A & string : never;

export const catalogueObjects = Object.keys(fieldCatalogue) as CatalogueObject[];
export const storeObjects = catalogueObjects.filter((o) => objectSpecs[o].ownership !== 'directory') as StoreObject[];
export const ownedObjects = catalogueObjects.filter((o) => objectSpecs[o].ownership === 'owned') as OwnedObject[];

export const isStoreObject = (value: string): value is StoreObject => (storeObjects as string[]).includes(value);
export const isOwnedObject = (value: string): value is OwnedObject => (ownedObjects as string[]).includes(value);

export const objectSpec = (object: CatalogueObject): ObjectSpec => objectSpecs[object];

/** Field names of an object that are encrypted at rest, in catalogue order. */
export function protectedFields(object: CatalogueObject): string[] {
  return Object.entries(fieldCatalogue[object] as ObjectCatalogue)
    .filter(([, spec]) => spec.classification === 'personal' || spec.classification === 'sensitive')
    .map(([name]) => name);
}

export function fieldSpec(object: CatalogueObject, field: string): FieldSpec | undefined {
  return (fieldCatalogue[object] as ObjectCatalogue)[field];
}

export * from './marketing.js';
export * from './privacy.js';
export * from './service.js';
