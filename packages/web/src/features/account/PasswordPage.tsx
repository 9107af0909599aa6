import { Alert, Paper, Stack } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, call } from '../../api/client';
import { PageHeader } from '../../components/PageHeader';
import { NewPasswordForm } from '../auth/NewPasswordForm';
import { refreshMe } from '../auth/refresh-me';

/** Change my password: every other session ends, this one is replaced. */
export function PasswordPage() {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [done, setDone] = useState(false);
  const [round, setRound] = useState(0);
  return (
    <>
      <PageHeader title={t('account:password.title')} />
      <Stack maw={480} gap="md">
        {done ? (
          <Alert color="green" role="status" data-testid="password-changed">
            {t('account:password.done')}
          </Alert>
        ) : null}
        <Paper withBorder p="md">
          <NewPasswordForm
            key={round}
            withCurrent
            submitLabel={t('account:password.submit')}
            extra={t('account:password.effect')}
            onSubmit={async ({ currentPassword, newPassword }) => {
              setDone(false);
              // A wrong current password answers 401 too: it is shown on the field, not as an ended session.
              await call(() => api.POST('/api/v1/me/password', { body: { currentPassword, newPassword } }), { interrupts: false });
              setDone(true);
              setRound((r) => r + 1);
              await refreshMe(queryClient);
            }}
          />
        </Paper>
      </Stack>
    </>
  );
}
