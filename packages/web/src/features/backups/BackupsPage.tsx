import { Alert, Button, Stack, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { usePermissions } from '../../app/session';
import { ErrorNotice } from '../../components/ErrorNotice';
import { Loading } from '../../components/Loading';
import { PageHeader } from '../../components/PageHeader';
import { useFormat } from '../../i18n/format';
import { BackupSummary } from './BackupSummary';
import { fetchOverview, overviewKey, runDrill, takeBackup } from './backups-api';
import { DrillsTable } from './DrillsTable';
import { RestoreHowTo } from './RestoreHowTo';
import { RunsTable } from './RunsTable';
import { SchedulePanel } from './SchedulePanel';
import { TargetListing } from './TargetListing';

/**
 * /backups: the newest backup and drill, the runs per target, the drills with their checks, schedule,
 * retention and key mode, what each target holds, and how to restore (command line only). Taking a
 * backup or running a drill now is for holders of backups.manage (the API asks for a fresh second factor).
 */
export function BackupsPage() {
  const { t } = useTranslation();
  const format = useFormat();
  const { can } = usePermissions();
  const client = useQueryClient();
  const canManage = can('backups.manage');
  const overview = useQuery({ queryKey: overviewKey, queryFn: fetchOverview });
  const refresh = () => client.invalidateQueries({ queryKey: ['backups'] });
  const backup = useMutation({ mutationFn: takeBackup, onSettled: refresh });
  const drill = useMutation({ mutationFn: runDrill, onSettled: refresh });
  const busy = backup.isPending || drill.isPending;
  return (
    <>
      <PageHeader
        title={t('backups:title')}
        actions={
          canManage ? (
            <>
              <Button onClick={() => backup.mutate()} loading={backup.isPending} disabled={busy && !backup.isPending} data-testid="backup-take-now">
                {t('backups:takeNow')}
              </Button>
              <Button
                variant="default"
                onClick={() => drill.mutate()}
                loading={drill.isPending}
                disabled={busy && !drill.isPending}
                data-testid="backup-drill-now"
              >
                {t('backups:drillNow')}
              </Button>
            </>
          ) : null
        }
      />
      <Stack>
        <ErrorNotice error={overview.error ?? backup.error ?? drill.error} />
        {backup.data ? (
          <Alert color={backup.data.status === 'good' ? 'teal' : 'red'} data-testid="backup-took" role="status">
            {t('backups:took', {
              sequence: format.number(backup.data.sequence),
              status: t(`backups:status.${backup.data.status}`, { defaultValue: backup.data.status }),
            })}
          </Alert>
        ) : null}
        {drill.data ? (
          <Alert color={drill.data.status === 'passed' ? 'teal' : 'red'} data-testid="backup-drilled" role="status">
            {t('backups:drilled', { status: t(`backups:status.${drill.data.status}`) })}
          </Alert>
        ) : null}
        {overview.isPending || !overview.data ? (
          overview.isPending ? (
            <Loading />
          ) : null
        ) : (
          <>
            <BackupSummary overview={overview.data} />
            <Title order={2} size="h3">
              {t('backups:runs.title')}
            </Title>
            <RunsTable runs={overview.data.runs} />
            <Title order={2} size="h3">
              {t('backups:drills.title')}
            </Title>
            <DrillsTable drills={overview.data.drills} />
            <Title order={2} size="h3">
              {t('backups:schedule.section')}
            </Title>
            <SchedulePanel overview={overview.data} />
            <Title order={2} size="h3">
              {t('backups:listing.title')}
            </Title>
            <TargetListing targets={overview.data.targets} />
          </>
        )}
        <RestoreHowTo />
      </Stack>
    </>
  );
}
