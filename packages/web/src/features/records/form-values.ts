import { ApiError } from '../../api/api-error';
import type { FieldInfo } from './catalogue';
import type { FormValue } from './FieldInput';
import type { CustomField, RecordView } from './records-api';

/**
 * The mapping between a record as the API answers it and a form as the person types it: money in
 * major units in the form (minor units, fen / cents, in the API), datetimes as local
 * `YYYY-MM-DDTHH:mm`, masked values left empty (typing replaces them; not typing keeps them), and
 * an edit sends only what changed.
 */
export type FormValues = Record<string, FormValue>;

const pad = (n: number) => String(n).padStart(2, '0');
export const toLocalDateTime = (iso: string): string => {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
};

/** A custom field as a form field. */
export const customInfo = (field: CustomField): FieldInfo => ({
  name: `custom.${field.key}`,
  kind: field.type === 'enum' ? 'enum' : field.type,
  options: field.options ?? undefined,
  required: false,
  system: false,
  personal: field.classification === 'personal' || field.classification === 'sensitive',
  filterable: !(field.classification === 'personal' || field.classification === 'sensitive'),
  rangeable: false,
  sortable: !(field.classification === 'personal' || field.classification === 'sensitive'),
});

const valueIn = (record: RecordView, name: string): unknown => (name.startsWith('custom.') ? record.custom?.[name.slice('custom.'.length)] : record[name]);

const defaultOf = (field: FieldInfo): FormValue => {
  if (field.default !== undefined) return field.kind === 'money' && typeof field.default === 'number' ? field.default / 100 : field.default;
  return field.kind === 'boolean' ? false : '';
};

export function initialValues(fields: FieldInfo[], record?: RecordView): FormValues {
  const out: FormValues = {};
  for (const field of fields) {
    const raw = record ? valueIn(record, field.name) : undefined;
    if (record?.maskedFields?.includes(field.name)) out[field.name] = field.kind === 'boolean' ? false : '';
    else if (raw === null || raw === undefined) out[field.name] = record ? (field.kind === 'boolean' ? false : '') : defaultOf(field);
    else if (field.kind === 'money' && typeof raw === 'number') out[field.name] = raw / 100;
    else if (field.kind === 'datetime' && typeof raw === 'string') out[field.name] = toLocalDateTime(raw);
    else if (typeof raw === 'string' || typeof raw === 'number' || typeof raw === 'boolean') out[field.name] = raw;
    else out[field.name] = String(raw);
  }
  return out;
}

function apiValue(field: FieldInfo, value: FormValue): unknown {
  if (value === '') return null;
  switch (field.kind) {
    case 'money':
      return typeof value === 'number' ? Math.round(value * 100) : value;
    case 'integer':
      return typeof value === 'number' ? value : Number(value);
    case 'datetime': {
      const d = new Date(String(value));
      return Number.isNaN(d.getTime()) ? value : d.toISOString();
    }
    case 'enum':
      return field.options?.find((o) => String(o) === String(value)) ?? value;
    default:
      return typeof value === 'string' ? value.trim() || null : value;
  }
}

/**
 * The create or patch body of a form. A create leaves out what is empty (the server applies its
 * defaults); a patch sends the fields that changed, an emptied one as null.
 */
export function bodyOf(fields: FieldInfo[], values: FormValues, initial?: FormValues): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  const custom: Record<string, unknown> = {};
  for (const field of fields) {
    const value = values[field.name] ?? '';
    if (initial) {
      if (value === (initial[field.name] ?? '')) continue;
    } else if (value === '') continue;
    const converted = apiValue(field, value);
    if (!initial && converted === null) continue;
    if (field.name.startsWith('custom.')) custom[field.name.slice('custom.'.length)] = converted;
    else body[field.name] = converted;
  }
  if (Object.keys(custom).length > 0) body.custom = custom;
  return body;
}

/** Field problems of a refused write, by form field (`email`, `custom.<key>`). */
export function formErrorsOf(error: unknown): Record<string, string> {
  if (!(error instanceof ApiError)) return {};
  const out: Record<string, string> = {};
  if (Array.isArray(error.details)) {
    for (const item of error.details as { path?: unknown; field?: unknown; message?: unknown }[]) {
      const raw = typeof item.field === 'string' ? item.field : typeof item.path === 'string' ? item.path : '';
      const parts = raw
        .replace(/^\/?(body\/)?/, '')
        .split(/[/.]/)
        .filter(Boolean);
      const name = parts[0] === 'custom' && parts[1] ? `custom.${parts[1]}` : (parts[0] ?? '');
      if (name && typeof item.message === 'string' && !out[name]) out[name] = item.message;
    }
  }
  return Object.keys(out).length > 0 ? out : error.fieldErrors();
}
