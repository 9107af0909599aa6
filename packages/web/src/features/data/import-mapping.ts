import { fieldCatalogue } from '@castellan/shared';

/** What a file can be imported into (the server's importable objects). */
export const importObjects = ['contacts', 'accounts', 'deals', 'subscriptions'] as const;
export type ImportObject = (typeof importObjects)[number];

/** Objects with an export of their own (GET /api/v1/exports/:object). */
export const exportObjects = ['contacts', 'accounts'] as const;
export type ExportObject = (typeof exportObjects)[number];

export interface ImportField {
  name: string;
  required: boolean;
}

/** The fields a file column may fill: every field of the object that is not set by the system. */
export function importFields(object: ImportObject): ImportField[] {
  const catalogue = fieldCatalogue[object] as Record<string, { system?: boolean; required?: boolean; column: string }>;
  return Object.entries(catalogue)
    .filter(([, spec]) => !spec.system)
    .map(([name, spec]) => ({ name, required: spec.required === true }));
}

const norm = (s: string) => s.trim().toLowerCase();
const snake = (name: string) => name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/** The field a column fills when nobody says otherwise (as the server matches: the field's name or column, any case). */
export function guessField(column: string, fields: readonly ImportField[]): string | undefined {
  const wanted = norm(column);
  if (!wanted) return undefined;
  return fields.find((f) => norm(f.name) === wanted || norm(snake(f.name)) === wanted)?.name;
}

/** A first mapping: each column to the field of its name, each field at most once. */
export function initialMapping(header: readonly string[], fields: readonly ImportField[]): (string | null)[] {
  const taken = new Set<string>();
  return header.map((column) => {
    const field = guessField(column, fields);
    if (!field || taken.has(field)) return null;
    taken.add(field);
    return field;
  });
}

/** Fields chosen for more than one column. */
export function duplicateFields(mapping: readonly (string | null)[]): string[] {
  const seen = new Set<string>();
  const twice = new Set<string>();
  for (const field of mapping) {
    if (!field) continue;
    if (seen.has(field)) twice.add(field);
    seen.add(field);
  }
  return [...twice];
}

/** Required fields no column fills. */
export function missingRequired(mapping: readonly (string | null)[], fields: readonly ImportField[]): string[] {
  const filled = new Set(mapping.filter(Boolean));
  return fields.filter((f) => f.required && !filled.has(f.name)).map((f) => f.name);
}

/** The `map` entries of POST /api/v1/imports: `column=field` for every mapped column. */
export function mappingQuery(header: readonly string[], mapping: readonly (string | null)[]): string[] {
  return header.flatMap((column, i) => {
    const field = mapping[i];
    return field && column.trim() !== '' ? [`${column}=${field}`] : [];
  });
}

/**
 * Whether a column may be left out: the server fills a field from a column named after it unless the
 * column is mapped to another field, so such a column can only be mapped.
 */
export const mayIgnore = (column: string, fields: readonly ImportField[]): boolean => guessField(column, fields) === undefined;

/** Columns left unmapped that the server would still fill by their name. */
export function ignoredButMatching(header: readonly string[], mapping: readonly (string | null)[], fields: readonly ImportField[]): string[] {
  return header.filter((column, i) => !mapping[i] && guessField(column, fields) !== undefined);
}
