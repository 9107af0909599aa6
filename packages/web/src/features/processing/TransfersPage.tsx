import { Anchor, Badge, Button, Group, Table, Text } from '@mantine/core';
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
import { objectName } from './object-name';
import type { TransferList } from './processing-types';
import { TransferModal } from './TransferModal';

/** /transfers: the cross-border transfer register, each transfer flagged when its impact assessment is not current. */
export function TransfersPage() {
  const { t } = useTranslation();
  const format = useFormat();
  const { can } = usePermissions();
  const [creating, setCreating] = useState(false);
  const list = useQuery({ queryKey: ['records', 'transfers'], queryFn: () => request<TransferList>('GET', '/api/v1/transfers') });
  return (
    <>
      <PageHeader
        title={t('processing:transfer.title')}
        actions={
          can('records.manage') ? (
            <Button onClick={() => setCreating(true)} data-testid="transfer-create">
              {t('processing:transfer.create')}
            </Button>
          ) : null
        }
      />
      <Text c="dimmed" mb="md">
        {t('processing:transfer.intro')}
      </Text>
      <ErrorNotice error={list.error} />
      {list.isPending ? <Loading /> : null}
      {list.data?.items.length === 0 ? <Text c="dimmed">{t('processing:transfer.none')}</Text> : null}
      {list.data?.items.length ? (
        <Table.ScrollContainer minWidth={800}>
          <Table striped aria-label={t('processing:transfer.title')}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('processing:transfer.recipient')}</Table.Th>
                <Table.Th>{t('processing:transfer.country')}</Table.Th>
                <Table.Th>{t('processing:transfer.activity')}</Table.Th>
                <Table.Th>{t('processing:transfer.mechanism')}</Table.Th>
                <Table.Th>{t('processing:transfer.startDate')}</Table.Th>
                <Table.Th>{t('processing:transfer.status')}</Table.Th>
                <Table.Th>{t('processing:transfer.pipia')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {list.data.items.map((x) => (
                <Table.Tr key={x.id} data-testid="transfer-row">
                  <Table.Td>{x.recipient}</Table.Td>
                  <Table.Td>
                    {x.country}
                    {x.crossBorder ? (
                      <Badge ml={4} size="xs" variant="light">
                        {t('processing:transfer.crossBorder')}
                      </Badge>
                    ) : null}
                  </Table.Td>
                  <Table.Td>{objectName(t, x.activity)}</Table.Td>
                  <Table.Td>{x.mechanism ? t(`processing:mechanism.${x.mechanism}`) : '—'}</Table.Td>
                  <Table.Td>{format.date(x.startDate)}</Table.Td>
                  <Table.Td>{t(`processing:transferStatus.${x.status}`)}</Table.Td>
                  <Table.Td>
                    <Group gap={4}>
                      {x.pipiaId ? (
                        <Anchor component={Link} to={`/pipias/${x.pipiaId}`}>
                          {t('processing:pipia.open')}
                        </Anchor>
                      ) : null}
                      {x.flags.map((flag) => (
                        <Badge key={flag} color="red" variant="light" data-testid="transfer-flag">
                          {t(`processing:flag.${flag}`)}
                        </Badge>
                      ))}
                    </Group>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      ) : null}
      <TransferModal opened={creating} onClose={() => setCreating(false)} />
    </>
  );
}
