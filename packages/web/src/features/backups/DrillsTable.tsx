import { Code, Table, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useFormat } from '../../i18n/format';
import { makeBackupFormat } from './backup-format';
import type { BackupDrill } from './backups-api';
import { DrillChecks } from './DrillChecks';
import { StatusBadge } from './StatusBadge';

/** The restore drills, newest first: passed or failed, RTO and RPO, their checks and signature. */
export function DrillsTable({ drills }: { drills: BackupDrill[] }) {
  const { t } = useTranslation();
  const format = useFormat();
  const durations = makeBackupFormat(format.locale);
  if (!drills.length) return <Text c="dimmed">{t('backups:drills.none')}</Text>;
  return (
    <Table.ScrollContainer minWidth={960}>
      <Table striped aria-label={t('backups:drills.title')}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('backups:fields.started')}</Table.Th>
            <Table.Th>{t('backups:fields.status')}</Table.Th>
            <Table.Th>{t('backups:fields.kind')}</Table.Th>
            <Table.Th>{t('backups:fields.backup')}</Table.Th>
            <Table.Th>{t('backups:fields.rto')}</Table.Th>
            <Table.Th>{t('backups:fields.rpo')}</Table.Th>
            <Table.Th>{t('backups:drills.checks')}</Table.Th>
            <Table.Th>{t('backups:fields.signature')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {drills.map((drill) => (
            <Table.Tr key={drill.id} data-testid="backup-drill-row">
              <Table.Td>{format.dateTime(drill.startedAt)}</Table.Td>
              <Table.Td>
                <StatusBadge status={drill.status} testId="backup-drill-status" />
                {drill.failure ? (
                  <Text size="xs" c="red.8">
                    {drill.failure}
                  </Text>
                ) : null}
              </Table.Td>
              <Table.Td style={{ whiteSpace: 'nowrap' }}>{t(`backups:kind.${drill.kind}`, { defaultValue: drill.kind })}</Table.Td>
              <Table.Td style={{ whiteSpace: 'nowrap' }}>
                {drill.sequence == null ? '—' : t('backups:fields.backupNumber', { sequence: format.number(drill.sequence) })}
              </Table.Td>
              <Table.Td data-testid="backup-drill-rto" style={{ whiteSpace: 'nowrap' }}>
                {drill.rtoMs == null ? '—' : durations.seconds(drill.rtoMs / 1000)}
              </Table.Td>
              <Table.Td data-testid="backup-drill-rpo" style={{ whiteSpace: 'nowrap' }}>
                {drill.rpoSeconds == null ? '—' : durations.seconds(drill.rpoSeconds)}
              </Table.Td>
              <Table.Td>
                <DrillChecks drill={drill} />
              </Table.Td>
              <Table.Td>
                <Code title={t('backups:drills.signatureHint')}>{drill.signature.slice(0, 12)}…</Code>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
