import type { QueryClient } from '@tanstack/react-query';
import { meQueryKey } from '../../app/session';

/** After a step that answered a new session: ask GET /api/v1/me again (also when no screen watches it yet). */
export const refreshMe = (queryClient: QueryClient): Promise<void> => queryClient.invalidateQueries({ queryKey: meQueryKey, refetchType: 'all' });
