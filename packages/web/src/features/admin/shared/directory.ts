import { useQuery } from '@tanstack/react-query';
import { request } from '../../../api/client';
import { usePermissions } from '../../../app/session';
import type { Page, StaffUser, Team } from './types';

export const usersQueryKey = ['admin', 'users'] as const;
export const teamsQueryKey = ['admin', 'teams'] as const;

/** Every staff account (all pages; a staff directory is small), for holders of users.read. */
export function useStaff() {
  const { can } = usePermissions();
  return useQuery({
    queryKey: usersQueryKey,
    enabled: can('users.read'),
    queryFn: async () => {
      const out: StaffUser[] = [];
      let cursor: string | undefined;
      for (let i = 0; i < 50; i += 1) {
        const page = await request<Page<StaffUser>>('GET', '/api/v1/users', { query: { limit: 200, cursor } });
        out.push(...page.items);
        cursor = page.nextCursor ?? undefined;
        if (!cursor) break;
      }
      return out;
    },
  });
}

export function useTeams() {
  const { can } = usePermissions();
  return useQuery({
    queryKey: teamsQueryKey,
    enabled: can('users.read'),
    queryFn: async () => (await request<Page<Team>>('GET', '/api/v1/teams')).items,
  });
}

/** A person as the directory shows them to the reader (masked or hidden per their field rules): name, else e-mail, else the id. */
export function staffLabel(user: StaffUser | undefined, id: string): string {
  if (!user) return id;
  return user.name || user.email || id;
}

/** Id → label, for tables that name people by id (tokens, lockouts, reviews). */
export function useStaffLabels(): (id: string | null | undefined) => string {
  const { data } = useStaff();
  const byId = new Map((data ?? []).map((u) => [u.id, u]));
  return (id) => (id ? staffLabel(byId.get(id), id) : '');
}
