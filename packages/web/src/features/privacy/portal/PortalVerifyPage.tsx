import { Alert, Button, Code, Stack, Text, TextInput } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useLocation } from 'react-router';
import { request } from '../../../api/client';
import { ErrorNotice } from '../../../components/ErrorNotice';
import { PortalCodeInput } from './PortalCodeInput';
import { PortalForm } from './PortalForm';
import { PortalFrame } from './PortalFrame';
import { type PortalStatus, PortalStatusCard } from './PortalStatusCard';

/** The reference travels in the URL fragment (never sent to a server, never in a log). */
const referenceOf = (hash: string): string => new URLSearchParams(hash.replace(/^#/, '')).get('reference') ?? '';

/** /privacy/verify: enter the code from the e-mail, then see the request's status (the key stays in memory only). */
export function PortalVerifyPage() {
  const { t } = useTranslation();
  const location = useLocation();
  const [reference, setReference] = useState(() => referenceOf(location.hash));
  const [code, setCode] = useState('');
  const [statusKey, setStatusKey] = useState<string | null>(null);
  const status = useMutation({
    mutationFn: (key: string) => request<PortalStatus>('POST', '/api/v1/portal/requests/status', { body: { reference: reference.trim(), statusKey: key } }),
  });
  const verify = useMutation({
    mutationFn: () => request<{ statusKey: string }>('POST', '/api/v1/portal/requests/verify', { body: { reference: reference.trim(), code: code.trim() } }),
    onSuccess: ({ statusKey: key }) => {
      setStatusKey(key);
      status.mutate(key);
    },
  });
  if (statusKey) {
    return (
      <PortalFrame title={t('privacy:portal.statusTitle')}>
        <ErrorNotice error={status.error} />
        {status.data ? <PortalStatusCard status={status.data} /> : null}
        <Alert color="indigo" title={t('privacy:portalStatus.keepTitle')} data-testid="portal-status-key-box">
          <Stack gap={6}>
            <Text size="sm">{t('privacy:portalStatus.keepHint')}</Text>
            <Code data-testid="portal-status-key">{statusKey}</Code>
          </Stack>
        </Alert>
        <Button variant="default" loading={status.isPending} onClick={() => status.mutate(statusKey)} data-testid="portal-refresh">
          {t('privacy:portal.refresh')}
        </Button>
      </PortalFrame>
    );
  }
  return (
    <PortalFrame title={t('privacy:portal.verifyTitle')} intro={t('privacy:portal.verifyIntro')}>
      <PortalForm onSubmit={() => verify.mutate()}>
        <ErrorNotice error={verify.error} />
        <TextInput
          label={t('privacy:portal.reference')}
          required
          value={reference}
          onChange={(e) => setReference(e.currentTarget.value)}
          data-testid="portal-reference"
        />
        <PortalCodeInput value={code} onChange={setCode} testId="portal-code" />
        <Button type="submit" loading={verify.isPending} data-testid="portal-verify">
          {t('privacy:portal.verify')}
        </Button>
        <Text size="sm">{t('privacy:portal.codeHint')}</Text>
      </PortalForm>
    </PortalFrame>
  );
}
