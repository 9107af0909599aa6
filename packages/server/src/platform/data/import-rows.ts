import { type BlindIndexKind, recordSchemas, type StoreObject } from '@castellan/shared';
import type { ZodType } from 'zod';
import { fieldAccess } from '../authz/access-policy.js';
import type { Actor } from '../authz/actor.js';
import { unprocessable } from '../errors.js';
import { normalizers } from './record-codec.js';
import type { RecordValues } from './store-values.js';
import { type PlannedField, type TablePlan, tablePlan } from './table-plan.js';

/** A problem of one row, as the report shows it: never the cell's value. */
export interface RowProblem {
  line: number;
  kind: 'invalid' | 'duplicate' | 'refused';
  column: string | null;
  reason: string;
}

/** Which field each column of the file fills (undefined: the column is not imported). */
export interface ColumnMapping {
  header: string[];
  fields: (PlannedField | undefined)[];
  /** Header names of the columns left out. */
  ignored: string[];
}

const norm = (s: string) => s.trim().toLowerCase();

/**
 * Maps the file's columns to fields: an explicit `column → field` pair wins; any other column whose
 * header is a field's name or column name (case-insensitive) fills that field. A field the actor may
 * not write, a system field, an unknown field or a field filled twice is refused (422) before any row is read.
 */
export function resolveMapping(actor: Actor, object: StoreObject, header: string[], explicit: Record<string, string>): ColumnMapping {
  const plan = tablePlan(object);
  const writable = plan.fields.filter((f) => !f.spec.system);
  const byName = (name: string) => writable.find((f) => f.name === name) ?? writable.find((f) => norm(f.name) === norm(name) || norm(f.column) === norm(name));
  const headerIndex = new Map(header.map((h, i) => [norm(h), i]));
  const fields: (PlannedField | undefined)[] = header.map(() => undefined);
  for (const [column, fieldName] of Object.entries(explicit)) {
    const index = headerIndex.get(norm(column));
    if (index === undefined) throw unprocessable(`the mapping names the column ${column}, which is not in the file's header`);
    const field = byName(fieldName);
    if (!field) throw unprocessable(`the mapping names ${fieldName}, which is not a field a ${plan.spec.label} can be given`);
    fields[index] = field;
  }
  const explicitColumns = new Set(Object.keys(explicit).map(norm));
  header.forEach((h, i) => {
    if (!explicitColumns.has(norm(h)) && h.trim() !== '') fields[i] = byName(h.trim());
  });
  const seen = new Map<string, string>();
  fields.forEach((field, i) => {
    if (!field) return;
    const earlier = seen.get(field.name);
    if (earlier !== undefined) throw unprocessable(`the columns ${earlier} and ${header[i]} both fill ${field.name}`);
    seen.set(field.name, header[i] ?? '');
    if (field.encrypted && fieldAccess(actor, object, field.name) === 'hidden')
      throw unprocessable(`you may not write ${field.name}, which the column ${header[i]} fills`);
  });
  if (seen.size === 0) throw unprocessable(`no column of the file fills a field of ${plan.spec.plural}: name the columns after the fields or give a mapping`);
  return { header, fields, ignored: header.filter((h, i) => !fields[i] && h.trim() !== '') };
}

/** A cell's text as the field's API value: numbers and yes/no for integer and boolean fields; empty is left out. */
export function cellValue(field: PlannedField, text: string): string | number | boolean | undefined {
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  switch (field.spec.type ?? 'text') {
    case 'integer':
      return /^-?\d{1,16}$/.test(trimmed) ? Number(trimmed) : trimmed;
    case 'boolean': {
      const b = booleans[trimmed.toLowerCase()];
      return b ?? trimmed;
    }
    default:
      return field.encrypted ? text.trim() : trimmed;
  }
}

const booleans: Record<string, boolean> = { true: true, false: false, yes: true, no: false, '1': true, '0': false, y: true, n: false, 是: true, 否: false };

const kindNames: Record<Exclude<BlindIndexKind, 'name'>, string> = { email: 'an e-mail address', phone: 'a phone number', id_number: 'an ID number' };

export interface RowReader {
  readonly plan: TablePlan;
  readonly mapping: ColumnMapping;
  /** The file column that fills a field (its header). */
  columnOf(field: string): string;
  /** The values of a row as the create schema returns them, or the row's problems. */
  read(line: number, cells: string[]): { values?: RecordValues; problems: RowProblem[] };
}

/**
 * Converts and validates rows with the same zod schema as `POST /api/v1/<plural>` (recordSchemas),
 * and checks that every blind-indexed value normalises (an e-mail address with an @, a phone number
 * that is E.164 after normalisation). A problem's reason never contains the cell's text.
 */
export function rowReader(object: StoreObject, mapping: ColumnMapping): RowReader {
  const plan = tablePlan(object);
  const schema: ZodType = recordSchemas(object).create;
  const columnOf = new Map<string, string>();
  mapping.fields.forEach((f, i) => {
    if (f) columnOf.set(f.name, mapping.header[i] ?? f.name);
  });
  return {
    plan,
    mapping,
    columnOf: (field) => columnOf.get(field) ?? field,
    read(line, cells) {
      const problems: RowProblem[] = [];
      if (cells.length > mapping.header.length && cells.slice(mapping.header.length).some((c) => c.trim() !== '')) {
        problems.push({ line, kind: 'invalid', column: null, reason: `the row has ${cells.length} cells, the header ${mapping.header.length}` });
        return { problems };
      }
      const input: Record<string, unknown> = {};
      const texts = new Map<string, string>();
      mapping.fields.forEach((field, i) => {
        if (!field) return;
        const value = cellValue(field, cells[i] ?? '');
        if (value === undefined) return;
        input[field.name] = value;
        texts.set(field.name, (cells[i] ?? '').trim());
      });
      if (Object.keys(input).length === 0) return { problems: [{ line, kind: 'invalid', column: null, reason: 'the row is empty' }] };
      const parsed = schema.safeParse(input);
      if (!parsed.success) {
        for (const issue of parsed.error.issues) {
          const name = String(issue.path[0] ?? '');
          const column = columnOf.get(name) ?? null;
          problems.push({ line, kind: 'invalid', column, reason: safeReason(issue.message, texts.get(name), name) });
        }
        return { problems };
      }
      const values = parsed.data as RecordValues;
      for (const field of plan.encrypted) {
        const kind = field.spec.blindIndex;
        const value = values[field.name];
        if (!kind || kind === 'name' || typeof value !== 'string') continue;
        try {
          normalizers[kind](value);
        } catch {
          problems.push({ line, kind: 'invalid', column: columnOf.get(field.name) ?? null, reason: `not ${kindNames[kind]}` });
        }
      }
      return problems.length ? { problems } : { values, problems };
    },
  };
}

/** A validator's message, unless it repeats the value (then only what is wrong, not with what). */
function safeReason(message: string, text: string | undefined, field: string): string {
  if (text && text.length >= 2 && message.includes(text)) return `invalid ${field}`;
  return message;
}
