import { Alert, Button, Checkbox, CopyButton, Group, List, Paper, Stack, Text } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { recoveryCodesFileName, recoveryCodesText } from './auth-links';

/**
 * The ten recovery codes, shown once: copy, download (a file made in the browser, never stored by
 * the app), and the person confirms they saved them before going on. The codes live only in the
 * state of the screen that shows them.
 */
export function RecoveryCodes({ codes, email, onDone, doneLabel }: { codes: string[]; email: string; onDone: () => void; doneLabel?: string }) {
  const { t } = useTranslation();
  const [saved, setSaved] = useState(false);
  const text = recoveryCodesText(t('auth:codes.fileHeading', { email }), codes);

  const download = () => {
    const url = URL.createObjectURL(new Blob([text], { type: 'text/plain;charset=utf-8' }));
    const anchor = document.createElement('a');
    anchor.href = url;
    anchor.download = recoveryCodesFileName(email);
    document.body.append(anchor);
    anchor.click();
    anchor.remove();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  };

  return (
    <Stack gap="md" data-testid="recovery-codes">
      <Alert
        color="yellow"
        title={
          <Text component="span" fw={700} size="sm" c="dark.8">
            {t('auth:codes.onceTitle')}
          </Text>
        }
      >
        {t('auth:codes.once')}
      </Alert>
      <Paper withBorder p="md" bg="gray.0">
        <List listStyleType="none" spacing={4} ff="monospace" aria-label={t('auth:codes.listLabel')} data-testid="recovery-code-list">
          {codes.map((code) => (
            <List.Item key={code}>
              <Text ff="monospace" size="md">
                {code}
              </Text>
            </List.Item>
          ))}
        </List>
      </Paper>
      <Group gap="sm">
        <CopyButton value={codes.join('\n')}>
          {({ copied, copy }) => (
            <Button variant="default" onClick={copy} data-testid="copy-codes">
              {copied ? t('common:actions.copied') : t('common:actions.copy')}
            </Button>
          )}
        </CopyButton>
        <Button variant="default" onClick={download} data-testid="download-codes">
          {t('common:actions.download')}
        </Button>
      </Group>
      <Checkbox label={t('auth:codes.saved')} checked={saved} onChange={(event) => setSaved(event.currentTarget.checked)} data-testid="codes-saved" />
      <Group justify="flex-end">
        <Button disabled={!saved} onClick={onDone} data-testid="codes-done">
          {doneLabel ?? t('auth:codes.continue')}
        </Button>
      </Group>
    </Stack>
  );
}
