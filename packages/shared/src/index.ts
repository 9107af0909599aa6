export * from './error-codes.js';
export * from './field-catalogue.js';
export * from './masks.js';
export * from './permissions.js';
export * from './roles.js';
export * from './schemas/account.schema.js';
export * from './schemas/common.schema.js';
export * from './schemas/contact.schema.js';
