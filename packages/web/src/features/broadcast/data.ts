import { useQueries, useQuery } from '@tanstack/react-query';
import { request } from '../../api/client';

export type Row = Record<string, unknown> & { id: string };
export interface Page<T = Row> {
  items: T[];
  nextCursor: string | null;
}

export const text = (value: unknown): string => (value == null ? '' : String(value));

/** A list of one object (the first 200 records in scope, or what the filters give). */
export function useList(path: string, query: Record<string, string | number | undefined> = {}, enabled = true) {
  return useQuery({
    queryKey: ['broadcast', 'list', path, query],
    queryFn: () => request<Page>('GET', path, { query: { limit: 200, ...query } }),
    enabled,
  });
}

/** One record by id (null when none is given). */
export function useRecord(path: string, id: string | null | undefined) {
  return useQuery({
    queryKey: ['broadcast', 'record', path, id],
    queryFn: () => request<Row>('GET', `${path}/${id}`),
    enabled: Boolean(id),
    staleTime: 60_000,
  });
}

/** Names of records by id (accounts of deals, titles of licences…), one read per distinct id, cached. */
export function useNames(path: string, ids: readonly string[], nameOf: (row: Row) => string): Map<string, string> {
  const distinct = [...new Set(ids.filter(Boolean))];
  const results = useQueries({
    queries: distinct.map((id) => ({
      queryKey: ['broadcast', 'record', path, id],
      queryFn: () => request<Row>('GET', `${path}/${id}`),
      staleTime: 60_000,
      retry: false,
    })),
  });
  const names = new Map<string, string>();
  results.forEach((result, index) => {
    const id = distinct[index] as string;
    if (result.data) names.set(id, nameOf(result.data));
  });
  return names;
}

/** Today's date YYYY-MM-DD in the browser's time zone. */
export const today = (): string => {
  const now = new Date();
  return `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, '0')}-${String(now.getDate()).padStart(2, '0')}`;
};
