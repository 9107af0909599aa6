import { useQuery } from '@tanstack/react-query';
import { request } from '../../api/client';

export type Row = Record<string, unknown> & { id: string };
export interface Page {
  items: Row[];
  nextCursor: string | null;
}

export const text = (value: unknown): string => (value == null ? '' : String(value));

/** Consent purposes, as the server's catalogue names them. */
export const purposes = [
  'marketing',
  'newsletter',
  'research',
  'profiling',
  'sale_share',
  'sensitive_pi',
  'third_party_provision',
  'cross_border_transfer',
] as const;

/** A page of one of the consent objects (the first 200 in scope). */
export function useConsentList(path: string, query: Record<string, string | undefined>, enabled = true) {
  return useQuery({
    queryKey: ['consent', path, query],
    queryFn: () => request<Page>('GET', path, { query: { limit: 200, ...query } }),
    enabled,
  });
}
