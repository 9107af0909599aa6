import { type InfiniteData, type QueryClient, useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { request } from '../../api/client';
import { recordPath } from './objects';

/**
 * The record screens' calls: one object's list (cursor paging, filters, sort), one record, create,
 * change, delete, its custom fields and the person's saved views. Untyped (`request`) because the
 * screens work over every object alike; the API validates.
 */
export type RecordView = Record<string, unknown> & { id: string; maskedFields?: string[]; custom?: Record<string, unknown> };
export interface Page<T = RecordView> {
  items: T[];
  nextCursor: string | null;
}

export const PAGE_SIZE = 50;
export const apiPath = (object: string, id?: string, suffix = ''): string => `/api/v1${recordPath(object, id)}${suffix}`;

export const recordKeys = {
  all: (object: string) => ['records', object] as const,
  list: (object: string, query: string) => ['records', object, 'list', query] as const,
  one: (object: string, id: string) => ['records', object, 'one', id] as const,
};

/** One object's list, page by page (the cursor of each answer fetches the next); `query` is the filters and sort as a query string. */
export function useRecordList(object: string, query: string, enabled = true) {
  return useInfiniteQuery({
    queryKey: recordKeys.list(object, query),
    enabled,
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) => request<Page>('GET', `${apiPath(object)}${query ? `?${query}` : ''}`, { query: { limit: PAGE_SIZE, cursor: pageParam } }),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
}

export function useRecord(object: string, id: string | undefined) {
  return useQuery({
    queryKey: recordKeys.one(object, id ?? ''),
    enabled: Boolean(id),
    queryFn: () => request<RecordView>('GET', apiPath(object, id)),
    retry: false,
  });
}

export const createRecord = (object: string, body: Record<string, unknown>, idempotencyKey: string) =>
  request<RecordView>('POST', apiPath(object), { body, headers: { 'idempotency-key': idempotencyKey } });
export const patchRecord = (object: string, id: string, body: Record<string, unknown>) => request<RecordView>('PATCH', apiPath(object, id), { body });
export const deleteRecord = (object: string, id: string) => request<void>('DELETE', apiPath(object, id));

/** After a write: the object's lists and records are fetched again. */
export const invalidateObject = (queryClient: QueryClient, object: string) => queryClient.invalidateQueries({ queryKey: recordKeys.all(object) });

export interface CustomField {
  id: string;
  object: string;
  key: string;
  labelZh: string;
  labelEn: string;
  type: 'text' | 'integer' | 'boolean' | 'date' | 'enum';
  options: string[] | null;
  classification: 'public' | 'internal' | 'personal' | 'sensitive';
}

export function useCustomFields(object: string) {
  return useQuery({
    queryKey: ['custom-fields', object],
    queryFn: async () => (await request<{ items: CustomField[] }>('GET', '/api/v1/custom-fields', { query: { object } })).items,
    staleTime: 5 * 60_000,
  });
}

export interface SavedView {
  id: string;
  object: string;
  name: string;
  filters: Record<string, string | number | boolean | null>;
  ranges: Record<string, { from?: string | number | boolean | null; to?: string | number | boolean | null }>;
  sort: string | null;
  order: 'asc' | 'desc';
}

export const savedViewsKey = (object: string) => ['saved-views', object] as const;

export function useSavedViews(object: string) {
  return useQuery({
    queryKey: savedViewsKey(object),
    queryFn: async () => (await request<{ items: SavedView[] }>('GET', '/api/v1/saved-views', { query: { object } })).items,
  });
}

export type InfinitePages = InfiniteData<Page, string | undefined>;
