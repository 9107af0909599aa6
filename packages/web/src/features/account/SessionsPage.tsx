import { Badge, Button, Paper, Table, Text, VisuallyHidden } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, call } from '../../api/client';
import { ErrorNotice } from '../../components/ErrorNotice';
import { Loading } from '../../components/Loading';
import { PageHeader } from '../../components/PageHeader';
import { useFormat } from '../../i18n/format';

export const mySessionsKey = ['me', 'sessions'] as const;

/** My sessions (where I am signed in), each revocable except the one in use (sign out for that). */
export function SessionsPage() {
  const { t } = useTranslation();
  const format = useFormat();
  const queryClient = useQueryClient();
  const sessions = useQuery({ queryKey: mySessionsKey, queryFn: () => call(() => api.GET('/api/v1/me/sessions')) });
  const revoke = useMutation({
    mutationFn: (id: string) => call(() => api.DELETE('/api/v1/me/sessions/{id}', { params: { path: { id } } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: mySessionsKey }),
  });

  return (
    <>
      <PageHeader title={t('account:sessions.title')} />
      <Text size="sm" mb="md">
        {t('account:sessions.intro')}
      </Text>
      <ErrorNotice error={revoke.error} />
      {sessions.isPending ? (
        <Loading />
      ) : sessions.isError ? (
        <ErrorNotice error={sessions.error} />
      ) : (
        <Paper withBorder>
          <Table.ScrollContainer minWidth={800}>
            <Table striped data-testid="sessions-table">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('account:sessions.device')}</Table.Th>
                  <Table.Th>{t('account:sessions.address')}</Table.Th>
                  <Table.Th>{t('account:sessions.created')}</Table.Th>
                  <Table.Th>{t('account:sessions.lastSeen')}</Table.Th>
                  <Table.Th>{t('account:sessions.expires')}</Table.Th>
                  <Table.Th>
                    <VisuallyHidden>{t('account:sessions.actions')}</VisuallyHidden>
                  </Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {sessions.data.items.map((session) => (
                  <Table.Tr key={session.id} data-testid="session-row">
                    <Table.Td>
                      <Text size="sm" lineClamp={2} title={session.userAgent ?? undefined}>
                        {session.userAgent ?? t('account:sessions.unknownDevice')}
                      </Text>
                      {session.current ? (
                        <Badge size="sm" color="indigo" variant="light" mt={4}>
                          {t('account:sessions.current')}
                        </Badge>
                      ) : null}
                      {session.kind === 'restricted' ? (
                        <Badge size="sm" color="gray" c="dark.8" variant="light" mt={4} ml={4}>
                          {t('account:sessions.restricted')}
                        </Badge>
                      ) : null}
                    </Table.Td>
                    <Table.Td>{session.ip ?? '—'}</Table.Td>
                    <Table.Td>{format.dateTime(session.createdAt)}</Table.Td>
                    <Table.Td>{format.dateTime(session.lastSeenAt)}</Table.Td>
                    <Table.Td>{format.dateTime(session.expiresAt)}</Table.Td>
                    <Table.Td>
                      {session.current ? null : (
                        <Button
                          size="xs"
                          variant="light"
                          color="red"
                          loading={revoke.isPending && revoke.variables === session.id}
                          onClick={() => revoke.mutate(session.id)}
                          aria-label={t('account:sessions.revokeOne', { created: format.dateTime(session.createdAt) })}
                          data-testid="revoke-session"
                        >
                          {t('account:sessions.revoke')}
                        </Button>
                      )}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        </Paper>
      )}
    </>
  );
}
