import { Badge, Group, Stack, Table, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useParams } from 'react-router';
import { request } from '../../../api/client';
import { ErrorNotice } from '../../../components/ErrorNotice';
import { Loading } from '../../../components/Loading';
import { PageHeader } from '../../../components/PageHeader';
import { useFormat } from '../../../i18n/format';
import type { HistoryEvent, PrivacyRequest } from '../request-options';
import { RequestActions } from './RequestActions';

/** /privacy-requests/:id: the request, its clock, its history and the steps the officer may take. */
export function RequestDetailPage() {
  const { t } = useTranslation();
  const format = useFormat();
  const { id = '' } = useParams();
  const record = useQuery({
    queryKey: ['privacy-requests', id],
    queryFn: () => request<PrivacyRequest>('GET', `/api/v1/privacy-requests/${encodeURIComponent(id)}`),
  });
  const history = useQuery({
    queryKey: ['privacy-requests', id, 'history'],
    queryFn: async () => (await request<{ items: HistoryEvent[] }>('GET', `/api/v1/privacy-requests/${encodeURIComponent(id)}/history`)).items,
  });
  const r = record.data;
  const rows: [string, string][] = r
    ? [
        [t('privacy:fields.kind'), t(`privacy:kinds.${r.kind}`)],
        [t('privacy:fields.law'), t(`privacy:laws.${r.law}`)],
        [t('privacy:fields.source'), t(`privacy:sources.${r.source}`)],
        [t('privacy:fields.requesterName'), r.requesterName ?? ''],
        [t('privacy:fields.requesterEmail'), r.requesterEmail ?? ''],
        [t('privacy:fields.details'), r.details ?? ''],
        [t('privacy:fields.contactId'), r.contactId ? t('privacy:workspace.onRecord') : t('privacy:workspace.notOnRecord')],
        [t('privacy:fields.receivedAt'), format.dateTime(r.receivedAt)],
        [t('privacy:fields.verifiedAt'), r.verifiedAt ? format.dateTime(r.verifiedAt) : t('privacy:workspace.noClock')],
        [t('privacy:fields.dueDay'), r.dueDay ?? t('privacy:workspace.noClock')],
        [t('privacy:fields.extensionReason'), r.extended ? (r.extensionReason ?? '') : t('privacy:workspace.notExtended')],
        [t('privacy:fields.response'), r.response ?? ''],
      ]
    : [];
  return (
    <>
      <PageHeader title={r ? t('privacy:workspace.detailTitle', { kind: t(`privacy:kinds.${r.kind}`) }) : t('privacy:workspace.title')} />
      <Stack>
        <ErrorNotice error={record.error ?? history.error} />
        {record.isLoading ? <Loading /> : null}
        {r ? (
          <>
            <Group gap="xs">
              <Badge variant="filled" color="indigo.9" size="lg" data-testid="privacy-status">
                {t(`privacy:statuses.${r.status}`)}
              </Badge>
              {r.overdue ? (
                <Badge variant="filled" color="red.9" size="lg">
                  {t('privacy:workspace.overdue')}
                </Badge>
              ) : null}
            </Group>
            <Table data-testid="privacy-detail">
              <Table.Tbody>
                {rows.map(([label, value]) => (
                  <Table.Tr key={label}>
                    <Table.Th scope="row" w={200}>
                      {label}
                    </Table.Th>
                    <Table.Td style={{ whiteSpace: 'pre-wrap' }}>{value}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
            <RequestActions record={r} />
          </>
        ) : null}
        <Title order={2} size="h4">
          {t('privacy:workspace.history')}
        </Title>
        {history.data?.length ? (
          <Table striped data-testid="privacy-history">
            <Table.Tbody>
              {history.data.map((e) => (
                <Table.Tr key={e.id}>
                  <Table.Td>{format.dateTime(e.at)}</Table.Td>
                  <Table.Td>{t(`privacy:steps.${e.step}`)}</Table.Td>
                  <Table.Td>{e.toStatus ? t(`privacy:statuses.${e.toStatus}`) : ''}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        ) : (
          <Text size="sm">{t('privacy:workspace.noHistory')}</Text>
        )}
      </Stack>
    </>
  );
}
