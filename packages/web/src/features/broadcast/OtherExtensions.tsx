import { Button, Group, Stack, Table, Text } from '@mantine/core';
import { useInfiniteQuery, useMutation, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { call, csrfToken, request } from '../../api/client';
import type { RecordExtensionProps } from '../../app/record-extensions';
import { usePermissions } from '../../app/session';
import { ErrorNotice } from '../../components/ErrorNotice';
import { Loading } from '../../components/Loading';
import { useFormat } from '../../i18n/format';
import { type Page, type Row, text } from './data';
import { contractActionsFor } from './rules';
import { AvailabilityView } from './TitleAvailability';

/**
 * The consented audience of a campaign: how many people it reaches now (a count, which reads nobody),
 * and on request a page of them (masked as the field rules say, each page audited), more on demand.
 */
export function CampaignAudiencePanel({ id }: RecordExtensionProps) {
  const { t } = useTranslation();
  const format = useFormat();
  const [shown, setShown] = useState(false);
  const total = useQuery({
    queryKey: ['broadcast', 'audience-count', id],
    queryFn: () => request<{ count: number }>('GET', `/api/v1/campaigns/${id}/audience/count`),
  });
  const audience = useInfiniteQuery({
    queryKey: ['broadcast', 'audience', id],
    queryFn: ({ pageParam }) => request<Page>('GET', `/api/v1/campaigns/${id}/audience`, { query: { limit: 50, cursor: pageParam } }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    enabled: shown,
  });
  if (total.isPending) return <Loading />;
  if (total.error) return <ErrorNotice error={total.error} />;
  const countLine = (
    <Text fw={600} data-testid="audience-count">
      {t('broadcast:audience.count', { n: format.number(total.data.count) })}
    </Text>
  );
  if (!shown)
    return (
      <Stack gap="sm" data-testid="campaign-audience">
        {countLine}
        <Group>
          <Button variant="default" onClick={() => setShown(true)} data-testid="audience-show" disabled={total.data.count === 0}>
            {t('broadcast:audience.show')}
          </Button>
        </Group>
      </Stack>
    );
  if (audience.isPending) return <Loading />;
  if (audience.error) return <ErrorNotice error={audience.error} />;
  const rows = audience.data.pages.flatMap((p) => p.items);
  return (
    <Stack gap="sm" data-testid="campaign-audience">
      {countLine}
      <Text size="sm" c="dimmed">
        {t('broadcast:audience.rule')}
      </Text>
      {rows.length ? (
        <Table withTableBorder>
          <Table.Thead>
            <Table.Tr>
              <Table.Th scope="col">{t('broadcast:audience.name')}</Table.Th>
              <Table.Th scope="col">{t('broadcast:audience.email')}</Table.Th>
              <Table.Th scope="col">{t('broadcast:audience.phone')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rows.map((c) => (
              <Table.Tr key={c.id}>
                <Table.Td>
                  <Link to={`/contacts/${c.id}`}>{text(c.name) || t('broadcast:audience.unnamed')}</Link>
                </Table.Td>
                <Table.Td>{text(c.email) || '—'}</Table.Td>
                <Table.Td>{text(c.phone) || '—'}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      ) : null}
      {audience.hasNextPage ? (
        <Group>
          <Button variant="default" onClick={() => void audience.fetchNextPage()} loading={audience.isFetchingNextPage}>
            {t('common:actions.more')}
          </Button>
        </Group>
      ) : null}
    </Stack>
  );
}

/** Export the audience as CSV: the step-up prompt settles a `step_up_required`; the file is handed over as a Blob. */
export function CampaignExportAction({ id }: RecordExtensionProps) {
  const { t } = useTranslation();
  const [done, setDone] = useState(false);
  const run = useMutation({
    mutationFn: () =>
      call<Blob>(async () => {
        const csrf = csrfToken();
        const response = await fetch(`/api/v1/campaigns/${id}/audience/export`, {
          method: 'POST',
          credentials: 'same-origin',
          headers: { accept: 'text/csv, application/json', ...(csrf ? { 'x-csrf-token': csrf } : {}) },
        });
        if (response.ok) return { data: await response.blob(), response };
        let error: unknown;
        try {
          error = await response.json();
        } catch {
          error = undefined;
        }
        return { error, response };
      }),
    onSuccess: (blob) => {
      const url = URL.createObjectURL(blob);
      const link = document.createElement('a');
      link.href = url;
      link.download = `audience-${id}.csv`;
      document.body.append(link);
      link.click();
      link.remove();
      window.setTimeout(() => URL.revokeObjectURL(url), 10_000);
      setDone(true);
    },
  });
  return (
    <>
      <Button
        variant="light"
        onClick={() => {
          setDone(false);
          run.mutate();
        }}
        loading={run.isPending}
        data-testid="audience-export"
      >
        {t('broadcast:audience.export')}
      </Button>
      {done ? (
        <Text size="sm" role="status" data-testid="audience-exported">
          {t('broadcast:audience.exported')}
        </Text>
      ) : null}
      {run.error ? <ErrorNotice error={run.error} /> : null}
    </>
  );
}

/** Submit a draft; approve or reject a submitted contract (the API refuses its author, and the reason is shown). */
export function ContractActions({ id, record, onChanged }: RecordExtensionProps) {
  const { t } = useTranslation();
  const { can } = usePermissions();
  const run = useMutation({
    mutationFn: (action: string) => request<Row>('POST', `/api/v1/contracts/${id}/${action}`),
    onSuccess: () => onChanged(),
  });
  const actions = contractActionsFor(text(record.status)).filter((a) => can(a === 'submit' ? 'contracts.update' : 'contracts.approve'));
  if (actions.length === 0) return null;
  return (
    <>
      {actions.map((action) => (
        <Button
          key={action}
          variant={action === 'approve' ? 'filled' : action === 'reject' ? 'outline' : 'light'}
          color={action === 'reject' ? 'red.9' : action === 'approve' ? 'teal.9' : undefined}
          onClick={() => run.mutate(action)}
          loading={run.isPending && run.variables === action}
          data-testid={`contract-${action}`}
        >
          {t(`broadcast:contract.${action}`)}
        </Button>
      ))}
      {run.error ? (
        <div data-testid="contract-refusal">
          <ErrorNotice error={run.error} />
        </div>
      ) : null}
    </>
  );
}

/** The availability of a title on its page, with a link to the full view and the licence proposal. */
export function TitleAvailabilityPanel({ id }: RecordExtensionProps) {
  const { t } = useTranslation();
  return (
    <Stack gap="sm">
      <AvailabilityView titleId={id} />
      <Group>
        <Button component={Link} to={`/titles/${id}/availability`} variant="light">
          {t('broadcast:avail.open')}
        </Button>
      </Group>
    </Stack>
  );
}

export function TitleAvailabilityAction({ id }: RecordExtensionProps) {
  const { t } = useTranslation();
  return (
    <Button component={Link} to={`/titles/${id}/availability`} variant="light" data-testid="title-availability">
      {t('broadcast:avail.open')}
    </Button>
  );
}

export function DealsBoardLink() {
  const { t } = useTranslation();
  return (
    <Button component={Link} to="/deals/board" variant="light">
      {t('broadcast:nav.board')}
    </Button>
  );
}

export function BookingGridLink() {
  const { t } = useTranslation();
  return (
    <Button component={Link} to="/bookings/grid" variant="light">
      {t('broadcast:nav.grid')}
    </Button>
  );
}

export function SubscriptionServiceLink({ id }: RecordExtensionProps) {
  const { t } = useTranslation();
  return (
    <Button component={Link} to={`/subscriptions/${id}/service`} variant="default">
      {t('broadcast:service.open')}
    </Button>
  );
}
