import { useQuery } from '@tanstack/react-query';
import { isApiError } from '../api/api-error';
import { api, call } from '../api/client';
import { queryClient } from '../api/query-client';

export interface Me {
  id: string;
  email: string;
  name: string;
  teamId: string | null;
  roles: string[];
  permissions: string[];
  mfaEnrolled: boolean;
  session: { id: string; kind: string; stepUpValid: boolean } | null;
}

export const meQueryKey = ['me'] as const;

/** Who is signed in (null when nobody is): from GET /api/v1/me, never decided in the browser. */
export function useMe() {
  return useQuery({
    queryKey: meQueryKey,
    queryFn: async (): Promise<Me | null> => {
      try {
        // Someone was signed in: an ended session asks them to sign in again over the page (the page stays).
        const signedIn = queryClient.getQueryData<Me | null>(meQueryKey) != null;
        return (await call(() => api.GET('/api/v1/me'), { interrupts: signedIn })) as Me;
      } catch (error) {
        if (isApiError(error, 'unauthenticated')) return null;
        throw error;
      }
    },
    staleTime: 60_000,
  });
}

/** Whether the signed-in person holds a permission (any of a list). What the API returns; the API still checks. */
export function usePermissions() {
  const { data } = useMe();
  const held = new Set(data?.permissions ?? []);
  const can = (permission?: string | readonly string[]) =>
    permission === undefined ? true : typeof permission === 'string' ? held.has(permission) : permission.some((p) => held.has(p));
  return { can, me: data ?? null };
}
