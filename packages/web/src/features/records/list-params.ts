import type { FieldInfo } from './catalogue';
import type { SavedView } from './records-api';

/**
 * A list's filters and sort live in the page's query string (plain fields only, never a personal
 * value: searches by e-mail, phone or ID number go in POST bodies). These helpers turn the query
 * string into the API's list parameters and into a saved view, and back.
 */
export const RESERVED = new Set(['sort', 'order', 'view', 'limit', 'cursor']);

export type SortOrder = 'asc' | 'desc';

export function currentSort(params: URLSearchParams): { field?: string; order: SortOrder } {
  return { field: params.get('sort') ?? undefined, order: params.get('order') === 'desc' ? 'desc' : 'asc' };
}

/** The next sort when a column header is pressed: ascending, then descending, then none. */
export function nextSort(params: URLSearchParams, field: string): URLSearchParams {
  const next = new URLSearchParams(params);
  const { field: now, order } = currentSort(params);
  if (now !== field) {
    next.set('sort', field);
    next.set('order', 'asc');
  } else if (order === 'asc') next.set('order', 'desc');
  else {
    next.delete('sort');
    next.delete('order');
  }
  return next;
}

const typedValue = (field: FieldInfo | undefined, raw: string): string | number | boolean => {
  if (!field) return raw;
  if (field.kind === 'boolean') return raw === 'true';
  if (field.kind === 'integer' || field.kind === 'money') {
    const n = Number(raw);
    return Number.isFinite(n) ? n : raw;
  }
  return raw;
};

/** The saved-view body of the current query string. */
export function viewBodyOf(params: URLSearchParams, fields: FieldInfo[]): Pick<SavedView, 'filters' | 'ranges' | 'sort' | 'order'> {
  const byName = new Map(fields.map((f) => [f.name, f]));
  const filters: SavedView['filters'] = {};
  const ranges: SavedView['ranges'] = {};
  for (const [key, raw] of params) {
    if (RESERVED.has(key) || key === 'custom' || raw === '') continue;
    const range = /^(.+)(From|To)$/.exec(key);
    if (range?.[1] && byName.get(range[1])?.rangeable) {
      const name = range[1];
      const entry = ranges[name] ?? {};
      ranges[name] = entry;
      entry[range[2] === 'From' ? 'from' : 'to'] = typedValue(byName.get(name), raw);
    } else filters[key] = typedValue(byName.get(key), raw);
  }
  const { field, order } = currentSort(params);
  return { filters, ranges, sort: field ?? null, order };
}

/** The query string a saved view stands for. */
export function paramsOfView(view: SavedView): URLSearchParams {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(view.filters)) if (value !== null && value !== undefined) params.set(key, String(value));
  for (const [key, range] of Object.entries(view.ranges)) {
    if (range.from !== null && range.from !== undefined) params.set(`${key}From`, String(range.from));
    if (range.to !== null && range.to !== undefined) params.set(`${key}To`, String(range.to));
  }
  if (view.sort) {
    params.set('sort', view.sort);
    params.set('order', view.order);
  }
  params.set('view', view.id);
  return params;
}

/** The query string sent to the API (the page's, in a stable order). */
export function apiQueryOf(params: URLSearchParams): string {
  const copy = new URLSearchParams(params);
  copy.sort();
  return copy.toString();
}
