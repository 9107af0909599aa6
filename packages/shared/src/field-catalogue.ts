/**
 * The field catalogue: one source of truth for how every field of every object is classified.
 * It drives encryption (personal and sensitive values are encrypted at rest), blind indexes,
 * masking, field rules, the generated schemas, export, DSAR, retention and the record of processing.
 * No per-route lists. The declarations live in `catalogue/` (one file per domain).
 */

export * from './catalogue/ad-sales.js';
export * from './catalogue/index.js';
export * from './catalogue/licensing.js';
export * from './catalogue/licensing-territories.js';
export * from './catalogue/types.js';
