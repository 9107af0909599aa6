import { Alert, Code, List, Stack, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';

const steps = ['list', 'verify', 'restore', 'audit'] as const;

/** How to restore: command-line steps only (a restore is never a button on this screen). */
export function RestoreHowTo() {
  const { t } = useTranslation();
  return (
    <Alert color="gray" variant="outline" component="section" aria-labelledby="backup-restore-howto" data-testid="backup-restore-howto">
      <Stack gap="xs">
        <Title order={2} size="h3" id="backup-restore-howto">
          {t('backups:restore.title')}
        </Title>
        <Text size="sm">{t('backups:restore.intro')}</Text>
        <List type="ordered" spacing="sm" size="sm">
          {steps.map((step) => (
            <List.Item key={step}>
              <Text size="sm">{t(`backups:restore.steps.${step}.text`)}</Text>
              <Code block>{t(`backups:restore.steps.${step}.command`)}</Code>
            </List.Item>
          ))}
        </List>
        <Title order={3} size="h5">
          {t('backups:restore.before')}
        </Title>
        <List size="sm" spacing={2}>
          <List.Item>{t('backups:restore.notes.empty')}</List.Item>
          <List.Item>{t('backups:restore.notes.key')}</List.Item>
          <List.Item>{t('backups:restore.notes.erasures')}</List.Item>
          <List.Item>{t('backups:restore.notes.audit')}</List.Item>
        </List>
      </Stack>
    </Alert>
  );
}
