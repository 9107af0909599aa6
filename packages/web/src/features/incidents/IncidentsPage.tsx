import { Anchor, Button, Stack, Table, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { request } from '../../api/client';
import { usePermissions } from '../../app/session';
import { ErrorNotice } from '../../components/ErrorNotice';
import { Loading } from '../../components/Loading';
import { PageHeader } from '../../components/PageHeader';
import { useFormat } from '../../i18n/format';
import { ClockBadge, useNow } from './ClockBadge';
import { CreateIncidentModal } from './CreateIncidentModal';
import type { Incident } from './incident-types';

/** /incidents: the breach register, overdue first, each incident's clocks counting down live. */
export function IncidentsPage() {
  const { t } = useTranslation();
  const format = useFormat();
  const { can } = usePermissions();
  const now = useNow();
  const [creating, setCreating] = useState(false);
  const list = useQuery({ queryKey: ['breaches'], queryFn: () => request<{ items: Incident[] }>('GET', '/api/v1/breaches'), refetchInterval: 60_000 });

  return (
    <>
      <PageHeader
        title={t('incidents:title')}
        actions={
          can('breaches.manage') ? (
            <Button onClick={() => setCreating(true)} data-testid="incident-create">
              {t('incidents:create.button')}
            </Button>
          ) : null
        }
      />
      <ErrorNotice error={list.error} />
      {list.isPending ? <Loading /> : null}
      {list.data && list.data.items.length === 0 ? <Text c="dimmed">{t('incidents:none')}</Text> : null}
      {list.data?.items.length ? (
        <Table.ScrollContainer minWidth={640}>
          <Table striped aria-label={t('incidents:title')}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('incidents:columns.discovered')}</Table.Th>
                <Table.Th>{t('incidents:columns.grade')}</Table.Th>
                <Table.Th>{t('incidents:columns.status')}</Table.Th>
                <Table.Th>{t('incidents:columns.clocks')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {list.data.items.map((incident) => (
                <Table.Tr key={incident.id} data-testid="incident-row">
                  <Table.Td>
                    <Anchor component={Link} to={`/incidents/${incident.id}`}>
                      {format.dateTime(incident.discoveredAt)}
                    </Anchor>
                  </Table.Td>
                  <Table.Td>{t(`incidents:grade.${incident.grade}`)}</Table.Td>
                  <Table.Td>{t(`incidents:status.${incident.status}`)}</Table.Td>
                  <Table.Td>
                    <Stack gap={4}>
                      {incident.clocks.map((clock) => (
                        <ClockBadge key={clock.kind} clock={clock} now={now} />
                      ))}
                    </Stack>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      ) : null}
      <CreateIncidentModal opened={creating} onClose={() => setCreating(false)} />
    </>
  );
}
