import { QueryClient } from '@tanstack/react-query';
import { NetworkError } from './api-error';

/**
 * Reads retry by themselves when the connection is lost (a few times, backing off); writes never
 * do. Nothing is persisted: the cache lives in memory and is cleared at sign-out.
 */
export const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      retry: (failures, error) => error instanceof NetworkError && failures < 4,
      retryDelay: (attempt) => Math.min(1000 * 2 ** attempt, 8000),
      staleTime: 15_000,
      gcTime: 5 * 60_000,
      refetchOnWindowFocus: false,
    },
    mutations: { retry: false },
  },
});
