import { Alert } from '@mantine/core';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { ApiError, NetworkError } from '../api/api-error';

/** What went wrong, in the person's language, and what to do next. Never the server's internals. */
export function describeError(t: TFunction, error: unknown): { title: string; next: string } {
  if (error instanceof NetworkError) return { title: t('common:errors.network.title'), next: t('common:errors.network.next') };
  const code = error instanceof ApiError ? error.code : 'internal_error';
  const known = t(`common:errors.${code}.title`, { defaultValue: '' });
  return known
    ? { title: known, next: t(`common:errors.${code}.next`) }
    : { title: t('common:errors.internal_error.title'), next: t('common:errors.internal_error.next') };
}

interface Props {
  error: unknown;
  /** Shown under the message (e.g. the server's reason for a refused booking). */
  showServerMessage?: boolean;
}

export function ErrorNotice({ error, showServerMessage = true }: Props) {
  const { t } = useTranslation();
  if (!error) return null;
  const { title, next } = describeError(t, error);
  const detail = showServerMessage && error instanceof ApiError && error.status < 500 && error.code !== 'not_found' ? error.message : undefined;
  return (
    <Alert color="red" title={title} role="alert" data-testid="error-notice">
      {detail ? <div data-testid="error-detail">{detail}</div> : null}
      <div>{next}</div>
      {error instanceof ApiError && error.requestId ? <div>{t('common:errors.reference', { id: error.requestId })}</div> : null}
    </Alert>
  );
}
