import { Badge, Button, Group, Menu, Table, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { request } from '../../../api/client';
import { usePermissions } from '../../../app/session';
import { ErrorNotice } from '../../../components/ErrorNotice';
import { Loading } from '../../../components/Loading';
import { PageHeader } from '../../../components/PageHeader';
import { useFormat } from '../../../i18n/format';
import { staffLabel, usersQueryKey, useStaff, useTeams } from '../shared/directory';
import { roleLabel } from '../shared/roles';
import type { Enrolment, StaffUser } from '../shared/types';
import { UserFormModal } from './UserFormModal';

/** /admin/users: staff accounts; the system administrator creates and edits them, the security administrator resets a lost second factor. */
export function UsersPage() {
  const { t } = useTranslation();
  const format = useFormat();
  const { can, me } = usePermissions();
  const queryClient = useQueryClient();
  const users = useStaff();
  const teams = useTeams();
  const [editing, setEditing] = useState<StaffUser | 'new' | null>(null);
  const [actionError, setActionError] = useState<unknown>(null);
  const teamName = (id: string | null) => (id ? (teams.data?.find((team) => team.id === id)?.name ?? id) : '');
  const byId = new Map((users.data ?? []).map((u) => [u.id, u]));

  const act = useMutation({
    mutationFn: async ({ user, action }: { user: StaffUser; action: 'disable' | 'enable' | 'enrolment' | 'mfa' }) => {
      if (action === 'enrolment') return request<Enrolment>('POST', `/api/v1/users/${user.id}/enrolment`);
      if (action === 'mfa') return request('POST', `/api/v1/users/${user.id}/mfa/reset`);
      return request('PATCH', `/api/v1/users/${user.id}`, { body: { status: action === 'disable' ? 'disabled' : 'active' } });
    },
    onMutate: () => setActionError(null),
    onSuccess: (_data, { user, action }) => {
      notifications.show({ color: 'green', message: t(`admin:users.done.${action}`, { name: staffLabel(user, user.id) }) });
      void queryClient.invalidateQueries({ queryKey: usersQueryKey });
    },
    onError: setActionError,
  });

  const manage = can('users.manage');
  const resetMfa = can('sessions.manage');

  return (
    <>
      <PageHeader
        title={t('admin:users.title')}
        actions={
          manage ? (
            <Button onClick={() => setEditing('new')} data-testid="user-create">
              {t('admin:users.create')}
            </Button>
          ) : null
        }
      />
      <ErrorNotice error={users.error ?? actionError} />
      {users.isLoading ? (
        <Loading />
      ) : (
        <Table.ScrollContainer minWidth={900}>
          <Table striped highlightOnHover data-testid="users-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">{t('admin:users.name')}</Table.Th>
                <Table.Th scope="col">{t('admin:users.email')}</Table.Th>
                <Table.Th scope="col">{t('admin:users.team')}</Table.Th>
                <Table.Th scope="col">{t('admin:users.manager')}</Table.Th>
                <Table.Th scope="col">{t('admin:users.roles')}</Table.Th>
                <Table.Th scope="col">{t('admin:users.status')}</Table.Th>
                <Table.Th scope="col">{t('admin:users.lastLogin')}</Table.Th>
                <Table.Th scope="col">{t('admin:users.actions')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {(users.data ?? []).map((user) => (
                <Table.Tr key={user.id} data-testid="user-row">
                  <Table.Td>{user.name ?? t('admin:users.hidden')}</Table.Td>
                  <Table.Td>{user.email ?? t('admin:users.hidden')}</Table.Td>
                  <Table.Td>{teamName(user.teamId)}</Table.Td>
                  <Table.Td>{user.managerId ? staffLabel(byId.get(user.managerId), user.managerId) : ''}</Table.Td>
                  <Table.Td>
                    <Group gap={4}>
                      {user.roles.map((role) => (
                        <Badge key={role} variant="light" color="indigo" size="sm">
                          {roleLabel(t, role)}
                        </Badge>
                      ))}
                    </Group>
                  </Table.Td>
                  <Table.Td>
                    <Group gap={4}>
                      <Badge color={user.status === 'active' ? 'teal.9' : 'dark.6'} variant="filled" size="sm">
                        {t(`admin:users.statuses.${user.status}`, { defaultValue: user.status })}
                      </Badge>
                      {user.mfaEnrolled ? null : (
                        <Badge color="red.9" variant="filled" size="sm">
                          {t('admin:users.noMfa')}
                        </Badge>
                      )}
                    </Group>
                  </Table.Td>
                  <Table.Td>{user.lastLoginAt ? format.dateTime(user.lastLoginAt) : t('admin:users.never')}</Table.Td>
                  <Table.Td>
                    {(manage || resetMfa) && user.id !== me?.id ? (
                      <Menu position="bottom-end">
                        <Menu.Target>
                          <Button size="xs" variant="default" aria-label={t('admin:users.actionsFor', { name: staffLabel(user, user.id) })}>
                            {t('admin:users.actions')}
                          </Button>
                        </Menu.Target>
                        <Menu.Dropdown>
                          {manage ? <Menu.Item onClick={() => setEditing(user)}>{t('common:actions.edit')}</Menu.Item> : null}
                          {manage && user.status === 'active' ? (
                            <Menu.Item onClick={() => act.mutate({ user, action: 'enrolment' })}>{t('admin:users.resendEnrolment')}</Menu.Item>
                          ) : null}
                          {manage ? (
                            <Menu.Item
                              color={user.status === 'active' ? 'red' : undefined}
                              onClick={() => act.mutate({ user, action: user.status === 'active' ? 'disable' : 'enable' })}
                            >
                              {user.status === 'active' ? t('admin:users.disable') : t('admin:users.enable')}
                            </Menu.Item>
                          ) : null}
                          {resetMfa ? (
                            <Menu.Item color="red" onClick={() => act.mutate({ user, action: 'mfa' })}>
                              {t('admin:users.resetMfa')}
                            </Menu.Item>
                          ) : null}
                        </Menu.Dropdown>
                      </Menu>
                    ) : null}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {users.data && users.data.length === 0 ? <Text c="dimmed">{t('admin:users.none')}</Text> : null}
      {editing ? (
        <UserFormModal user={editing === 'new' ? null : editing} staff={users.data ?? []} teams={teams.data ?? []} onClose={() => setEditing(null)} />
      ) : null}
    </>
  );
}
