import { Badge, Button, Group, NumberInput, Progress, Stack, Table, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQueries, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { newIdempotencyKey, request } from '../../../api/client';
import { usePermissions } from '../../../app/session';
import { ErrorNotice } from '../../../components/ErrorNotice';
import { Loading } from '../../../components/Loading';
import { PageHeader } from '../../../components/PageHeader';
import { useFormat } from '../../../i18n/format';
import { usersQueryKey, useStaffLabels } from '../shared/directory';
import { roleLabel } from '../shared/roles';

interface Summary {
  id: string;
  status: string;
  createdAt: string;
  dueAt: string;
  closedAt: string | null;
  pending: number;
  confirmed: number;
  revoked: number;
}
interface PendingItem {
  reviewId: string;
  userId: string;
  roles: string[];
  dueAt: string;
}
interface Dormant {
  userId: string;
  lastLoginAt: string | null;
  createdAt: string;
}

const pendingKey = ['reviews', 'pending'] as const;

/** /security/access-reviews: start a review campaign and follow it, decide what waits for me, and the dormant accounts. */
export function AccessReviewsPage() {
  const { t } = useTranslation();
  const { can } = usePermissions();
  return (
    <>
      <PageHeader title={t('admin:reviews.title')} />
      <Stack gap="xl">
        {can('roles.assign') || can('reviews.decide') ? <Campaigns /> : null}
        {can('users.read') ? <DormantAccounts /> : null}
      </Stack>
    </>
  );
}

function Campaigns() {
  const { t } = useTranslation();
  const format = useFormat();
  const { can } = usePermissions();
  const label = useStaffLabels();
  const queryClient = useQueryClient();
  const [dueDays, setDueDays] = useState<number | string>(14);
  const [started, setStarted] = useState<string[]>([]);
  const [idempotencyKey, setIdempotencyKey] = useState(newIdempotencyKey);
  const [error, setError] = useState<unknown>(null);
  const pending = useQuery({
    queryKey: pendingKey,
    enabled: can('reviews.decide'),
    queryFn: async () => (await request<{ items: PendingItem[] }>('GET', '/api/v1/access-reviews/pending')).items,
  });
  const ids = [...new Set([...started, ...(pending.data ?? []).map((p) => p.reviewId)])];
  const summaries = useQueries({
    queries: can('roles.assign')
      ? ids.map((id) => ({ queryKey: ['reviews', 'summary', id], queryFn: () => request<Summary>('GET', `/api/v1/access-reviews/${id}`) }))
      : [],
  });

  const start = useMutation({
    mutationFn: () =>
      request<Summary>('POST', '/api/v1/access-reviews', { body: { dueDays: Number(dueDays) || 14 }, headers: { 'idempotency-key': idempotencyKey } }),
    onMutate: () => setError(null),
    onSuccess: (summary) => {
      setStarted((s) => [summary.id, ...s]);
      setIdempotencyKey(newIdempotencyKey());
      void queryClient.invalidateQueries({ queryKey: pendingKey });
    },
    onError: setError,
  });
  const decide = useMutation({
    mutationFn: (input: { item: PendingItem; decision: 'confirm' | 'revoke' }) =>
      request('POST', `/api/v1/access-reviews/${input.item.reviewId}/decisions`, { body: { userId: input.item.userId, decision: input.decision } }),
    onMutate: () => setError(null),
    onSuccess: (_d, { item, decision }) => {
      notifications.show({ color: 'green', message: t(`admin:reviews.decided.${decision}`, { name: label(item.userId) }) });
      void queryClient.invalidateQueries({ queryKey: pendingKey });
      void queryClient.invalidateQueries({ queryKey: ['reviews', 'summary'] });
      void queryClient.invalidateQueries({ queryKey: usersQueryKey });
    },
    onError: setError,
  });

  return (
    <Stack>
      <ErrorNotice error={error ?? pending.error} />
      {can('roles.assign') ? (
        <Stack gap="xs">
          <Title order={2} size="h4">
            {t('admin:reviews.campaigns')}
          </Title>
          <Text size="sm">{t('admin:reviews.campaignsIntro')}</Text>
          <Group align="flex-end">
            <NumberInput label={t('admin:reviews.dueDays')} min={1} max={90} value={dueDays} onChange={setDueDays} w={200} />
            <Button loading={start.isPending} onClick={() => start.mutate()} data-testid="review-start">
              {t('admin:reviews.start')}
            </Button>
          </Group>
          {summaries.map((query) =>
            query.data ? (
              <Stack key={query.data.id} gap={4} data-testid="review-summary">
                <Group gap="xs">
                  <Text fw={600}>{t('admin:reviews.campaignOf', { date: format.date(query.data.createdAt) })}</Text>
                  <Badge variant="filled" color="indigo.9">
                    {t(`admin:reviews.statuses.${query.data.status}`, { defaultValue: query.data.status })}
                  </Badge>
                  <Text size="sm">{t('admin:reviews.due', { date: format.date(query.data.dueAt) })}</Text>
                </Group>
                <Progress.Root size="lg">
                  <Progress.Section value={percent(query.data.confirmed, query.data)} color="teal.9" aria-label={t('admin:reviews.confirmedShare')} />
                  <Progress.Section value={percent(query.data.revoked, query.data)} color="red.9" aria-label={t('admin:reviews.revokedShare')} />
                </Progress.Root>
                <Text size="sm">
                  {t('admin:reviews.counts', {
                    confirmed: format.number(query.data.confirmed),
                    revoked: format.number(query.data.revoked),
                    pending: format.number(query.data.pending),
                  })}
                </Text>
              </Stack>
            ) : null,
          )}
        </Stack>
      ) : null}
      {can('reviews.decide') ? (
        <Stack gap="xs">
          <Title order={2} size="h4">
            {t('admin:reviews.pending')}
          </Title>
          {pending.isLoading ? (
            <Loading />
          ) : pending.data?.length ? (
            <Table striped data-testid="review-pending">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th scope="col">{t('admin:reviews.person')}</Table.Th>
                  <Table.Th scope="col">{t('admin:users.roles')}</Table.Th>
                  <Table.Th scope="col">{t('admin:reviews.dueCol')}</Table.Th>
                  <Table.Th scope="col">{t('admin:users.actions')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {pending.data.map((item) => (
                  <Table.Tr key={`${item.reviewId}:${item.userId}`}>
                    <Table.Td>{label(item.userId)}</Table.Td>
                    <Table.Td>{item.roles.map((r) => roleLabel(t, r)).join(', ')}</Table.Td>
                    <Table.Td>{format.date(item.dueAt)}</Table.Td>
                    <Table.Td>
                      <Group gap="xs">
                        <Button
                          size="xs"
                          variant="light"
                          onClick={() => decide.mutate({ item, decision: 'confirm' })}
                          aria-label={t('admin:reviews.confirmFor', { name: label(item.userId) })}
                        >
                          {t('admin:reviews.confirm')}
                        </Button>
                        <Button
                          size="xs"
                          variant="light"
                          color="red"
                          onClick={() => decide.mutate({ item, decision: 'revoke' })}
                          aria-label={t('admin:reviews.revokeFor', { name: label(item.userId) })}
                        >
                          {t('admin:reviews.revoke')}
                        </Button>
                      </Group>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          ) : (
            <Text c="dimmed">{t('admin:reviews.nothingPending')}</Text>
          )}
        </Stack>
      ) : null}
    </Stack>
  );
}

const percent = (n: number, s: Summary) => {
  const total = s.pending + s.confirmed + s.revoked;
  return total ? (n / total) * 100 : 0;
};

function DormantAccounts() {
  const { t } = useTranslation();
  const format = useFormat();
  const { can } = usePermissions();
  const label = useStaffLabels();
  const queryClient = useQueryClient();
  const [days, setDays] = useState<number | string>(90);
  const [error, setError] = useState<unknown>(null);
  const n = Number(days) || 90;
  const dormant = useQuery({
    queryKey: ['reviews', 'dormant', n],
    queryFn: async () => (await request<{ items: Dormant[] }>('GET', '/api/v1/access-reviews/dormant', { query: { days: n } })).items,
  });
  const disable = useMutation({
    mutationFn: (userId: string) => request('PATCH', `/api/v1/users/${userId}`, { body: { status: 'disabled' } }),
    onMutate: () => setError(null),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: ['reviews', 'dormant'] });
      void queryClient.invalidateQueries({ queryKey: usersQueryKey });
    },
    onError: setError,
  });
  return (
    <Stack gap="xs">
      <Title order={2} size="h4">
        {t('admin:reviews.dormant')}
      </Title>
      <NumberInput label={t('admin:reviews.dormantDays')} min={1} max={3650} value={days} onChange={setDays} w={240} />
      <ErrorNotice error={error ?? dormant.error} />
      {dormant.isLoading ? (
        <Loading />
      ) : dormant.data?.length ? (
        <Table striped data-testid="dormant-table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th scope="col">{t('admin:reviews.person')}</Table.Th>
              <Table.Th scope="col">{t('admin:users.lastLogin')}</Table.Th>
              <Table.Th scope="col">{t('admin:reviews.created')}</Table.Th>
              {can('users.manage') ? <Table.Th scope="col">{t('admin:users.actions')}</Table.Th> : null}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {dormant.data.map((item) => (
              <Table.Tr key={item.userId}>
                <Table.Td>{label(item.userId)}</Table.Td>
                <Table.Td>{item.lastLoginAt ? format.dateTime(item.lastLoginAt) : t('admin:users.never')}</Table.Td>
                <Table.Td>{format.date(item.createdAt)}</Table.Td>
                {can('users.manage') ? (
                  <Table.Td>
                    <Button
                      size="xs"
                      color="red"
                      variant="light"
                      onClick={() => disable.mutate(item.userId)}
                      aria-label={t('admin:reviews.disableFor', { name: label(item.userId) })}
                    >
                      {t('admin:users.disable')}
                    </Button>
                  </Table.Td>
                ) : null}
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      ) : (
        <Text c="dimmed">{t('admin:reviews.noDormant', { days: n })}</Text>
      )}
    </Stack>
  );
}
