import type { StoreObject } from '@castellan/shared';

/**
 * The store objects a file can be imported into. The import is generic over the catalogue (mapping,
 * conversion, validation with the API's create schema, de-duplication on the object's exact blind
 * indexes, the store's createMany): adding an object is adding its name here.
 */
export const importableObjects = ['contacts', 'accounts', 'deals', 'subscriptions'] as const satisfies readonly StoreObject[];
export type ImportableObject = (typeof importableObjects)[number];

export const isImportable = (value: string): value is ImportableObject => (importableObjects as readonly string[]).includes(value);
