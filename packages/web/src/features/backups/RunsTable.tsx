import { Table, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useFormat } from '../../i18n/format';
import { makeBackupFormat } from './backup-format';
import type { BackupRun } from './backups-api';
import { StatusBadge } from './StatusBadge';
import { TargetOutcomes } from './TargetOutcomes';

/** The backup runs, newest first: status, times, size, key mode and the outcome per target. */
export function RunsTable({ runs }: { runs: BackupRun[] }) {
  const { t } = useTranslation();
  const format = useFormat();
  const sizes = makeBackupFormat(format.locale);
  if (!runs.length) return <Text c="dimmed">{t('backups:runs.none')}</Text>;
  return (
    <Table.ScrollContainer minWidth={860}>
      <Table striped aria-label={t('backups:runs.title')}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('backups:fields.sequence')}</Table.Th>
            <Table.Th>{t('backups:fields.status')}</Table.Th>
            <Table.Th>{t('backups:fields.kind')}</Table.Th>
            <Table.Th>{t('backups:fields.started')}</Table.Th>
            <Table.Th>{t('backups:fields.finished')}</Table.Th>
            <Table.Th>{t('backups:fields.rows')}</Table.Th>
            <Table.Th>{t('backups:fields.size')}</Table.Th>
            <Table.Th>{t('backups:fields.keyMode')}</Table.Th>
            <Table.Th>{t('backups:fields.targets')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {runs.map((run) => (
            <Table.Tr key={run.id} data-testid="backup-run-row" data-sequence={run.sequence}>
              <Table.Td>{format.number(run.sequence)}</Table.Td>
              <Table.Td>
                <StatusBadge status={run.status} testId="backup-run-status" />
                {run.failure ? (
                  <Text size="xs" c="red.8">
                    {run.failure}
                  </Text>
                ) : null}
              </Table.Td>
              <Table.Td>{t(`backups:kind.${run.kind}`, { defaultValue: run.kind })}</Table.Td>
              <Table.Td>{format.dateTime(run.startedAt)}</Table.Td>
              <Table.Td>{format.dateTime(run.finishedAt)}</Table.Td>
              <Table.Td>{format.number(run.rows)}</Table.Td>
              <Table.Td>
                {sizes.bytes(run.bytes)}
                <Text size="xs" c="dimmed">
                  {t('backups:runs.chunks', { chunks: format.number(run.chunks) })}
                </Text>
              </Table.Td>
              <Table.Td>{t(`backups:keyMode.${run.keyMode}.short`, { defaultValue: run.keyMode })}</Table.Td>
              <Table.Td>
                <TargetOutcomes run={run} />
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
