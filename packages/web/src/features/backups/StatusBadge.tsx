import { Badge } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { statusColor } from './backups-api';

/** A run's, a drill's or a stored backup's status, in words and colour. */
export function StatusBadge({ status, testId }: { status: string; testId?: string }) {
  const { t } = useTranslation();
  return (
    <Badge color={statusColor[status] ?? 'gray'} variant="light" miw="max-content" data-testid={testId} data-status={status}>
      {t(`backups:status.${status}`, { defaultValue: status })}
    </Badge>
  );
}
