import { Button, Group, List, PasswordInput, Stack, Text } from '@mantine/core';
import { type FormEvent, type ReactNode, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api/api-error';
import { ErrorNotice } from '../../components/ErrorNotice';
import { authErrorKey } from './auth-errors';
import { passwordProblems } from './auth-links';

export interface NewPasswordValues {
  currentPassword: string;
  newPassword: string;
}

/**
 * A new password typed twice (and the current one when changing it). The API decides what is
 * acceptable; its reasons are shown on the field in the person's language, and nothing typed is lost.
 */
export function NewPasswordForm({
  withCurrent = false,
  currentLabel,
  submitLabel,
  onSubmit,
  extra,
}: {
  withCurrent?: boolean;
  currentLabel?: string;
  submitLabel: string;
  onSubmit: (values: NewPasswordValues) => Promise<void>;
  extra?: ReactNode;
}) {
  const { t } = useTranslation();
  const [currentPassword, setCurrent] = useState('');
  const [newPassword, setNew] = useState('');
  const [repeat, setRepeat] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [fieldErrors, setFieldErrors] = useState<{ currentPassword?: ReactNode; newPassword?: ReactNode; repeat?: ReactNode }>({});

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    if (newPassword !== repeat) {
      setFieldErrors({ repeat: t('auth:password.mismatch') });
      return;
    }
    setFieldErrors({});
    setBusy(true);
    try {
      await onSubmit({ currentPassword, newPassword });
    } catch (failure) {
      const problems = passwordProblems(failure);
      const wrongCurrent = withCurrent ? authErrorKey('currentPassword', failure) : null;
      if (problems.length > 0) {
        setFieldErrors({
          newPassword: (
            <List size="xs" spacing={2} data-testid="password-problems">
              {problems.map((code) => (
                <List.Item key={code}>{t(`auth:password.problems.${code}`, { defaultValue: failure instanceof Error ? failure.message : code })}</List.Item>
              ))}
            </List>
          ),
        });
      } else if (wrongCurrent) {
        setFieldErrors({ currentPassword: t(wrongCurrent) });
      } else if (failure instanceof ApiError && Object.keys(failure.fieldErrors()).length > 0) {
        const fields = failure.fieldErrors();
        setFieldErrors({ currentPassword: fields.currentPassword, newPassword: fields.newPassword });
        setError(failure);
      } else setError(failure);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form onSubmit={(event) => void submit(event)} noValidate>
      <Stack gap="sm">
        <ErrorNotice error={error} />
        {withCurrent ? (
          <PasswordInput
            label={currentLabel ?? t('auth:password.current')}
            value={currentPassword}
            onChange={(event) => setCurrent(event.currentTarget.value)}
            error={fieldErrors.currentPassword}
            autoComplete="current-password"
            required
            data-testid="current-password"
          />
        ) : null}
        <PasswordInput
          label={t('auth:password.new')}
          description={t('auth:password.rules')}
          value={newPassword}
          onChange={(event) => setNew(event.currentTarget.value)}
          error={fieldErrors.newPassword}
          autoComplete="new-password"
          required
          data-testid="new-password"
        />
        <PasswordInput
          label={t('auth:password.repeat')}
          value={repeat}
          onChange={(event) => setRepeat(event.currentTarget.value)}
          error={fieldErrors.repeat}
          autoComplete="new-password"
          required
          data-testid="repeat-password"
        />
        {extra ? <Text size="sm">{extra}</Text> : null}
        <Group justify="flex-end">
          <Button type="submit" loading={busy} data-testid="password-submit">
            {submitLabel}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
