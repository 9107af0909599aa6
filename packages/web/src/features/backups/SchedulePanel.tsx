import { Alert, Card, List, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useFormat } from '../../i18n/format';
import type { BackupOverview } from './backups-api';

/** How often backups and drills run, which backups are kept, where they go and how they are sealed. */
export function SchedulePanel({ overview }: { overview: BackupOverview }) {
  const { t } = useTranslation();
  const format = useFormat();
  const { schedule, keyMode, targets } = overview;
  const n = (value: number) => format.number(value);
  return (
    <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="md">
      <Card withBorder component="section" aria-labelledby="backup-schedule" data-testid="backup-schedule">
        <Stack gap="xs">
          <Title order={3} size="h5" id="backup-schedule">
            {t('backups:schedule.title')}
          </Title>
          <Text size="sm">
            {schedule.backupEveryHours ? t('backups:schedule.backupEvery', { hours: n(schedule.backupEveryHours) }) : t('backups:schedule.noBackups')}
          </Text>
          <Text size="sm">
            {schedule.drillEveryDays ? t('backups:schedule.drillEvery', { days: n(schedule.drillEveryDays) }) : t('backups:schedule.noDrills')}
          </Text>
          <Title order={4} size="h6">
            {t('backups:keep.title')}
          </Title>
          <List size="sm" spacing={2}>
            <List.Item>{t('backups:keep.withinDays', { days: n(schedule.keep.withinDays) })}</List.Item>
            <List.Item>{t('backups:keep.daily', { n: n(schedule.keep.daily) })}</List.Item>
            <List.Item>{t('backups:keep.weekly', { n: n(schedule.keep.weekly) })}</List.Item>
            <List.Item>{t('backups:keep.monthly', { n: n(schedule.keep.monthly) })}</List.Item>
          </List>
          <Text size="xs" c="dimmed">
            {t('backups:keep.hint')}
          </Text>
        </Stack>
      </Card>
      <Card withBorder component="section" aria-labelledby="backup-targets-keys">
        <Stack gap="xs">
          <Title order={3} size="h5" id="backup-targets-keys">
            {t('backups:targets.title')}
          </Title>
          <List size="sm" spacing={2}>
            {targets.map((target) => (
              <List.Item key={target.name}>
                {t('backups:targets.line', { name: target.name, kind: t(`backups:targets.kind.${target.kind}`) })}
                {target.appendOnly ? ` · ${t('backups:targets.appendOnly')}` : ''}
              </List.Item>
            ))}
          </List>
          <Alert color={keyMode === 'master' ? 'blue' : 'teal'} title={t(`backups:keyMode.${keyMode}.title`)} data-testid="backup-key-mode" data-mode={keyMode}>
            {t(`backups:keyMode.${keyMode}.explain`)}
          </Alert>
        </Stack>
      </Card>
    </SimpleGrid>
  );
}
