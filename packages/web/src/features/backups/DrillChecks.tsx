import { List, Text, ThemeIcon, VisuallyHidden } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { BackupDrill } from './backups-api';

/** What a restore drill checked: each check passed or failed, with its detail in the reader's language (from its facts; a refusal's own message as it is). */
export function DrillChecks({ drill }: { drill: BackupDrill }) {
  const { t } = useTranslation();
  if (!drill.checks.length) return <Text size="sm">—</Text>;
  return (
    <List spacing={2} size="sm" center aria-label={t('backups:drills.checks')}>
      {drill.checks.map((check) => (
        <List.Item
          key={check.name}
          data-testid="drill-check"
          data-ok={check.ok}
          icon={
            <ThemeIcon color={check.ok ? 'teal' : 'red'} size={16} radius="xl" aria-hidden>
              {check.ok ? '✓' : '✗'}
            </ThemeIcon>
          }
        >
          <Text span size="sm" fw={500}>
            {t(`backups:check.${check.name}`, { defaultValue: check.name })}
          </Text>
          <VisuallyHidden>{`: ${t(check.ok ? 'backups:drills.checkOk' : 'backups:drills.checkFailed')}`}</VisuallyHidden>
          {check.detail ? (
            <Text span size="xs" c="dimmed" data-testid="drill-check-detail">
              {' '}
              (
              {check.facts
                ? t(`backups:checkDetail.${check.name}.${check.ok ? 'ok' : 'failed'}`, { ...check.facts, defaultValue: check.detail })
                : check.detail}
              )
            </Text>
          ) : null}
        </List.Item>
      ))}
    </List>
  );
}
