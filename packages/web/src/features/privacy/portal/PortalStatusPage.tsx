import { Button, Text, TextInput } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useLocation } from 'react-router';
import { ApiError } from '../../../api/api-error';
import { request } from '../../../api/client';
import { ErrorNotice } from '../../../components/ErrorNotice';
import { PortalForm } from './PortalForm';
import { fragmentValue, PortalFrame } from './PortalFrame';
import { type PortalStatus, PortalStatusCard } from './PortalStatusCard';

/**
 * /privacy/status: back to a request with its reference and the status key shown at verification.
 * A wrong key and an unknown reference answer alike (the server's one 404), so nothing tells whether
 * a request or a person exists; the key is sent in the body and kept in this page's memory only.
 */
export function PortalStatusPage() {
  const { t } = useTranslation();
  const location = useLocation();
  const [reference, setReference] = useState(() => fragmentValue(location.hash, 'reference'));
  const [statusKey, setStatusKey] = useState('');
  const status = useMutation({
    mutationFn: () => request<PortalStatus>('POST', '/api/v1/portal/requests/status', { body: { reference: reference.trim(), statusKey: statusKey.trim() } }),
  });
  const unknown = status.error instanceof ApiError && status.error.status === 404;
  return (
    <PortalFrame title={t('privacy:portalStatus.title')} intro={t('privacy:portalStatus.intro')}>
      <PortalForm onSubmit={() => status.mutate()}>
        {unknown ? (
          <Text role="alert" c="red.9" size="sm" data-testid="portal-status-unknown">
            {t('privacy:portalStatus.unknown')}
          </Text>
        ) : (
          <ErrorNotice error={status.error} />
        )}
        <TextInput
          label={t('privacy:portal.reference')}
          required
          value={reference}
          onChange={(e) => setReference(e.currentTarget.value)}
          data-testid="portal-status-reference"
        />
        <TextInput
          label={t('privacy:portalStatus.key')}
          description={t('privacy:portalStatus.keyHint')}
          required
          autoComplete="off"
          value={statusKey}
          onChange={(e) => setStatusKey(e.currentTarget.value)}
          data-testid="portal-status-key-input"
        />
        <Button type="submit" loading={status.isPending} data-testid="portal-status-show">
          {t('privacy:portalStatus.show')}
        </Button>
      </PortalForm>
      {status.data ? <PortalStatusCard status={status.data} /> : null}
    </PortalFrame>
  );
}
