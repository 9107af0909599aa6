import { Alert } from '@mantine/core';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { connectionOnline, watchConnection } from '../api/connection';

/** Shown while the server cannot be reached: reads retry by themselves, writes wait for the person. */
export function ConnectionBanner() {
  const { t } = useTranslation();
  const [online, setOnline] = useState(connectionOnline());
  useEffect(() => {
    const offline = () => setOnline(false);
    window.addEventListener('offline', offline);
    const stop = watchConnection(setOnline);
    return () => {
      window.removeEventListener('offline', offline);
      stop();
    };
  }, []);
  if (online) return null;
  return (
    <Alert color="orange" role="status" data-testid="connection-banner" radius={0}>
      {t('common:connection.lost')}
    </Alert>
  );
}
