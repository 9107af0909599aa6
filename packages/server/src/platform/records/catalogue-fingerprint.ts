import { createHash } from 'node:crypto';
import type { ObjectCatalogue } from '@castellan/shared';

export type Catalogue = Readonly<Record<string, ObjectCatalogue>>;

/**
 * A fingerprint of the classifications a record was generated from: every `object.field`, its
 * classification and PI category, sorted, hashed. Limited to `objects` when given (an assessment of
 * one activity is outdated only by a change to the fields it covers). A stored version whose
 * fingerprint differs from the live catalogue's is outdated; computed on read, never stored as a flag.
 */
export function catalogueFingerprint(catalogue: Catalogue, objects?: readonly string[]): string {
  const lines: string[] = [];
  for (const [object, fields] of Object.entries(catalogue)) {
    if (objects && !objects.includes(object)) continue;
    for (const [name, spec] of Object.entries(fields)) lines.push(`${object}.${name}\t${spec.classification}\t${spec.piCategory}`);
  }
  return createHash('sha256').update(lines.sort().join('\n')).digest('hex');
}

/** The canonical JSON of a value (keys sorted at every level), so that equal content hashes equal. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object')
    return `{${Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`)
      .join(',')}}`;
  return JSON.stringify(value);
}

export const contentHash = (content: unknown): string => createHash('sha256').update(canonicalJson(content)).digest('hex');
