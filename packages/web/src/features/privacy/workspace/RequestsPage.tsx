import { Alert, Anchor, Badge, Button, Group, SegmentedControl, Stack, Table, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { request } from '../../../api/client';
import { usePermissions } from '../../../app/session';
import { ErrorNotice } from '../../../components/ErrorNotice';
import { Loading } from '../../../components/Loading';
import { PageHeader } from '../../../components/PageHeader';
import { useFormat } from '../../../i18n/format';
import { isOpen, type PrivacyRequest } from '../request-options';
import { NewRequestForm } from './NewRequestForm';

type Page = { items: PrivacyRequest[]; nextCursor: string | null };

/** Open requests first by due date (the overdue at the top), then the rest; finished ones on demand. */
export function orderForDesk(items: PrivacyRequest[]): PrivacyRequest[] {
  const due = (r: PrivacyRequest) => (r.dueAt ? Date.parse(r.dueAt) : Number.POSITIVE_INFINITY);
  return [...items].sort((a, b) => Number(b.overdue) - Number(a.overdue) || Number(isOpen(b.status)) - Number(isOpen(a.status)) || due(a) - due(b));
}

/** /privacy-requests: the privacy officer's workspace — every request with its due day, overdue first. */
export function RequestsPage() {
  const { t } = useTranslation();
  const format = useFormat();
  const { can } = usePermissions();
  const [show, setShow] = useState<'open' | 'all'>('open');
  const [adding, setAdding] = useState(false);
  const list = useQuery({
    queryKey: ['privacy-requests', 'list'],
    queryFn: () => request<Page>('GET', '/api/v1/privacy-requests', { query: { limit: 200, sort: 'dueAt' } }),
  });
  const items = orderForDesk((list.data?.items ?? []).filter((r) => show === 'all' || isOpen(r.status)));
  const overdue = (list.data?.items ?? []).filter((r) => r.overdue).length;
  return (
    <>
      <PageHeader
        title={t('privacy:workspace.title')}
        actions={
          can('privacy_requests.create') ? (
            <Button variant="default" onClick={() => setAdding((v) => !v)} data-testid="privacy-new">
              {t('privacy:workspace.new')}
            </Button>
          ) : null
        }
      />
      <Stack>
        <ErrorNotice error={list.error} />
        {adding ? <NewRequestForm onDone={() => setAdding(false)} /> : null}
        {overdue ? (
          <Alert color="red" title={t('privacy:workspace.overdueTitle', { count: overdue })} data-testid="privacy-overdue">
            {t('privacy:workspace.overdueIntro')}
          </Alert>
        ) : null}
        <SegmentedControl
          value={show}
          onChange={(v) => setShow(v as 'open' | 'all')}
          data={[
            { value: 'open', label: t('privacy:workspace.showOpen') },
            { value: 'all', label: t('privacy:workspace.showAll') },
          ]}
          w="fit-content"
        />
        {list.isLoading ? (
          <Loading />
        ) : items.length ? (
          <Table.ScrollContainer minWidth={640}>
            <Table striped data-testid="privacy-list">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('privacy:fields.kind')}</Table.Th>
                  <Table.Th>{t('privacy:fields.law')}</Table.Th>
                  <Table.Th>{t('privacy:fields.status')}</Table.Th>
                  <Table.Th>{t('privacy:fields.receivedAt')}</Table.Th>
                  <Table.Th>{t('privacy:fields.dueDay')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {items.map((r) => (
                  <Table.Tr key={r.id} data-testid="privacy-row">
                    <Table.Td>
                      <Anchor component={Link} to={`/privacy-requests/${r.id}`}>
                        {t(`privacy:kinds.${r.kind}`)}
                      </Anchor>
                    </Table.Td>
                    <Table.Td>{t(`privacy:laws.${r.law}`)}</Table.Td>
                    <Table.Td>
                      <Group gap={4}>
                        <Badge variant="filled" color="indigo.9">
                          {t(`privacy:statuses.${r.status}`)}
                        </Badge>
                        {r.overdue ? (
                          <Badge variant="filled" color="red.9">
                            {t('privacy:workspace.overdue')}
                          </Badge>
                        ) : null}
                      </Group>
                    </Table.Td>
                    <Table.Td>{format.date(r.receivedAt)}</Table.Td>
                    <Table.Td>{r.dueDay ?? t('privacy:workspace.noClock')}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        ) : (
          <Text>{t('privacy:workspace.empty')}</Text>
        )}
      </Stack>
    </>
  );
}
