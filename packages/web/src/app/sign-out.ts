import { api, call } from '../api/client';
import { queryClient } from '../api/query-client';

/** Ends the session on the server and forgets every answer the app holds in memory. */
export async function signOut(): Promise<void> {
  try {
    await call(() => api.POST('/api/v1/auth/logout'), { interrupts: false });
  } finally {
    queryClient.clear();
  }
}
