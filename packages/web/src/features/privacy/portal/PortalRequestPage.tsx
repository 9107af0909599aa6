import { Button, Select, Textarea, TextInput } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { request } from '../../../api/client';
import { ErrorNotice } from '../../../components/ErrorNotice';
import { requestKinds, requestLaws } from '../request-options';
import { PortalForm } from './PortalForm';
import { PortalFrame } from './PortalFrame';

/** /privacy: a data subject makes a request; the code goes to the e-mail given (same answer whoever asks). */
export function PortalRequestPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [kind, setKind] = useState<string>('access');
  const [law, setLaw] = useState<string>('pipl');
  const [format, setFormat] = useState<string>('json');
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [details, setDetails] = useState('');
  const submit = useMutation({
    mutationFn: () =>
      request<{ reference: string }>('POST', '/api/v1/portal/requests', {
        body: {
          kind,
          law,
          email: email.trim(),
          ...(name.trim() ? { name: name.trim() } : {}),
          ...(details.trim() ? { details: details.trim() } : {}),
          ...(kind === 'portability' ? { format } : {}),
        },
      }),
    onSuccess: ({ reference }) => navigate(`/privacy/verify#reference=${encodeURIComponent(reference)}`),
  });
  return (
    <PortalFrame title={t('privacy:portal.title')} intro={t('privacy:portal.intro')}>
      <PortalForm onSubmit={() => submit.mutate()}>
        <ErrorNotice error={submit.error} />
        <Select
          label={t('privacy:fields.kind')}
          data={requestKinds.map((k) => ({ value: k, label: t(`privacy:kinds.${k}`) }))}
          value={kind}
          onChange={(v) => setKind(v ?? 'access')}
          allowDeselect={false}
          data-testid="portal-kind"
        />
        {kind === 'portability' ? (
          <Select
            label={t('privacy:fields.format')}
            data={['json', 'csv'].map((f) => ({ value: f, label: f.toUpperCase() }))}
            value={format}
            onChange={(v) => setFormat(v ?? 'json')}
            allowDeselect={false}
          />
        ) : null}
        <Select
          label={t('privacy:fields.law')}
          description={t('privacy:portal.lawHint')}
          data={requestLaws.map((l) => ({ value: l, label: t(`privacy:laws.${l}`) }))}
          value={law}
          onChange={(v) => setLaw(v ?? 'pipl')}
          allowDeselect={false}
          data-testid="portal-law"
        />
        <TextInput
          label={t('privacy:fields.requesterEmail')}
          type="email"
          required
          autoComplete="email"
          value={email}
          onChange={(e) => setEmail(e.currentTarget.value)}
          data-testid="portal-email"
        />
        <TextInput label={t('privacy:fields.requesterName')} autoComplete="name" value={name} onChange={(e) => setName(e.currentTarget.value)} />
        <Textarea
          label={t('privacy:fields.details')}
          autosize
          minRows={3}
          maxLength={5000}
          value={details}
          onChange={(e) => setDetails(e.currentTarget.value)}
        />
        <Button type="submit" loading={submit.isPending} data-testid="portal-submit">
          {t('privacy:portal.submit')}
        </Button>
      </PortalForm>
    </PortalFrame>
  );
}
