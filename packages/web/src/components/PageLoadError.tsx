import { Alert, Button, Stack } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useRouteError } from 'react-router';
import { failureKeys } from '../app/load-with-retry';

/**
 * A page whose code could not load (after its retries) or that failed while drawing: a message in the
 * person's language saying which, and "Try again" (the page is loaded afresh; nothing typed is on a
 * page that never appeared), never a blank screen or the router's English default.
 */
export function PageLoadError() {
  const { t } = useTranslation();
  const text = failureKeys(useRouteError());
  return (
    <Stack align="flex-start" gap="sm" p="md">
      <Alert color="red" role="alert" title={t(text.title)} data-testid="page-load-failed">
        {t(text.next)}
      </Alert>
      <Button variant="light" onClick={() => window.location.reload()} data-testid="page-load-retry">
        {t('common:loadFailed.retry')}
      </Button>
    </Stack>
  );
}
