import { Code, Select, Stack, Table, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorNotice } from '../../components/ErrorNotice';
import { Loading } from '../../components/Loading';
import { useFormat } from '../../i18n/format';
import { makeBackupFormat } from './backup-format';
import { type BackupTarget, fetchListing, listingKey } from './backups-api';
import { StatusBadge } from './StatusBadge';

/** What one target holds (chosen from the configured ones): each backup finished and signed, unfinished, pruned or invalid. */
export function TargetListing({ targets }: { targets: BackupTarget[] }) {
  const { t } = useTranslation();
  const format = useFormat();
  const sizes = makeBackupFormat(format.locale);
  const [chosen, setChosen] = useState<string | null>(targets[0]?.name ?? null);
  const name = chosen && targets.some((x) => x.name === chosen) ? chosen : (targets[0]?.name ?? null);
  const listing = useQuery({ queryKey: listingKey(name ?? ''), queryFn: () => fetchListing(name ?? ''), enabled: !!name });
  if (!name) return <Text c="dimmed">{t('backups:listing.noTargets')}</Text>;
  const items = [...(listing.data?.items ?? [])].reverse();
  return (
    <Stack gap="sm">
      <Select
        label={t('backups:listing.target')}
        data={targets.map((x) => ({ value: x.name, label: x.name }))}
        value={name}
        onChange={setChosen}
        allowDeselect={false}
        w={280}
        data-testid="backup-listing-target"
      />
      <ErrorNotice error={listing.error} />
      {listing.isPending ? (
        <Loading />
      ) : !items.length ? (
        <Text c="dimmed">{t('backups:listing.none')}</Text>
      ) : (
        <Table.ScrollContainer minWidth={760}>
          <Table striped aria-label={t('backups:listing.table', { target: name })}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('backups:fields.sequence')}</Table.Th>
                <Table.Th>{t('backups:fields.backupId')}</Table.Th>
                <Table.Th>{t('backups:fields.status')}</Table.Th>
                <Table.Th>{t('backups:fields.created')}</Table.Th>
                <Table.Th>{t('backups:fields.rows')}</Table.Th>
                <Table.Th>{t('backups:fields.size')}</Table.Th>
                <Table.Th>{t('backups:fields.problem')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.map((item) => (
                <Table.Tr key={`${item.sequence}-${item.backupId}`} data-testid="backup-listing-row" data-sequence={item.sequence}>
                  <Table.Td>{format.number(item.sequence)}</Table.Td>
                  <Table.Td>
                    <Code>{item.backupId}</Code>
                  </Table.Td>
                  <Table.Td>
                    <StatusBadge status={item.state} testId="backup-listing-state" />
                  </Table.Td>
                  <Table.Td>{item.createdAt ? format.dateTime(item.createdAt) : '—'}</Table.Td>
                  <Table.Td>{item.rows == null ? '—' : format.number(item.rows)}</Table.Td>
                  <Table.Td>{item.bytes == null ? '—' : sizes.bytes(item.bytes)}</Table.Td>
                  <Table.Td>{item.problem ?? '—'}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </Stack>
  );
}
