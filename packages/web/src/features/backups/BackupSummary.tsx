import { Card, Group, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useFormat } from '../../i18n/format';
import { makeBackupFormat } from './backup-format';
import { type BackupOverview, newest } from './backups-api';
import { StatusBadge } from './StatusBadge';

/** The newest backup and the newest restore drill at a glance, with RPO / RTO and when the next ones are due. */
export function BackupSummary({ overview }: { overview: BackupOverview }) {
  const { t } = useTranslation();
  const format = useFormat();
  const durations = makeBackupFormat(format.locale);
  const run = newest(overview.runs);
  const drill = newest(overview.drills);
  const { schedule } = overview;
  return (
    <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="md">
      <Card withBorder component="section" aria-labelledby="backup-summary-run" data-testid="backup-summary-run">
        <Stack gap="xs">
          <Group justify="space-between" wrap="nowrap">
            <Title order={2} size="h4" id="backup-summary-run">
              {t('backups:summary.backup')}
            </Title>
            {run ? <StatusBadge status={run.status} testId="backup-summary-run-status" /> : null}
          </Group>
          {run ? (
            <>
              <Text size="sm">
                {t('backups:summary.backupLine', { sequence: format.number(run.sequence), at: format.dateTime(run.finishedAt ?? run.startedAt) })}
              </Text>
              <Text size="sm">{t('backups:summary.backupSize', { rows: format.number(run.rows), size: durations.bytes(run.bytes) })}</Text>
            </>
          ) : (
            <Text size="sm" c="dimmed">
              {t('backups:summary.noBackup')}
            </Text>
          )}
          <Text size="sm" c="dimmed" data-testid="backup-next-backup">
            {schedule.nextBackupAt ? t('backups:summary.nextBackup', { at: format.dateTime(schedule.nextBackupAt) }) : t('backups:summary.noScheduledBackup')}
          </Text>
        </Stack>
      </Card>
      <Card withBorder component="section" aria-labelledby="backup-summary-drill" data-testid="backup-summary-drill">
        <Stack gap="xs">
          <Group justify="space-between" wrap="nowrap">
            <Title order={2} size="h4" id="backup-summary-drill">
              {t('backups:summary.drill')}
            </Title>
            {drill ? <StatusBadge status={drill.status} testId="backup-summary-drill-status" /> : null}
          </Group>
          {drill ? (
            <>
              <Text size="sm">{t('backups:summary.drillLine', { at: format.dateTime(drill.finishedAt) })}</Text>
              <Text size="sm" data-testid="backup-summary-rto-rpo">
                {t('backups:summary.rtoRpo', {
                  rto: drill.rtoMs == null ? '—' : durations.seconds(drill.rtoMs / 1000),
                  rpo: drill.rpoSeconds == null ? '—' : durations.seconds(drill.rpoSeconds),
                })}
              </Text>
              <Text size="xs" c="dimmed">
                {t('backups:summary.rtoRpoHint')}
              </Text>
            </>
          ) : (
            <Text size="sm" c="dimmed">
              {t('backups:summary.noDrill')}
            </Text>
          )}
          <Text size="sm" c="dimmed" data-testid="backup-next-drill">
            {schedule.nextDrillAt ? t('backups:summary.nextDrill', { at: format.dateTime(schedule.nextDrillAt) }) : t('backups:summary.noScheduledDrill')}
          </Text>
        </Stack>
      </Card>
    </SimpleGrid>
  );
}
