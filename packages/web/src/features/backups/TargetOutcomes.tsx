import { Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { BackupRun } from './backups-api';

/** Per target: written (after how many retries) or failed, with the reason. */
export function TargetOutcomes({ run }: { run: BackupRun }) {
  const { t } = useTranslation();
  if (!run.targets.length) return <Text size="sm">—</Text>;
  return (
    <Stack gap={2}>
      {run.targets.map((o) => (
        <Text key={o.target} size="sm" c={o.ok ? undefined : 'red.8'} data-testid="backup-target-outcome" data-ok={o.ok}>
          {t(o.ok ? (o.retries ? 'backups:runs.targetOkRetried' : 'backups:runs.targetOk') : 'backups:runs.targetFailed', {
            target: o.target,
            retries: o.retries,
          })}
          {o.failure ? ` — ${o.failure}` : ''}
        </Text>
      ))}
    </Stack>
  );
}
