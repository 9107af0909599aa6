import { Alert } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { ErrorNotice } from '../../components/ErrorNotice';
import { type AuthStep, authErrorKey } from './auth-errors';

export function AuthErrorNotice({ step, error }: { step: AuthStep; error: unknown }) {
  const { t } = useTranslation();
  if (!error) return null;
  const key = authErrorKey(step, error);
  if (!key) return <ErrorNotice error={error} />;
  return (
    <Alert color="red" role="alert" data-testid="error-notice" title={t(key)}>
      {t(`${key}Next`)}
    </Alert>
  );
}
