export * from './field-catalogue.js';
export * from './error-codes.js';
export * from './permissions.js';
export * from './roles.js';
export * from './masks.js';
