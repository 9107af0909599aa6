import { Button, Group, Select, Stack, Textarea, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { request } from '../../../api/client';
import { usePermissions } from '../../../app/session';
import { ErrorNotice } from '../../../components/ErrorNotice';
import { AccessPackageNotice, type BuiltPackage } from '../../subject-data/AccessPackageNotice';
import { isOpen, type PrivacyRequest } from '../request-options';

interface ExecutionResult {
  package?: BuiltPackage;
}

type Step = 'assign' | 'verify' | 'start' | 'pause' | 'resume' | 'extend' | 'respond' | 'complete' | 'refuse' | 'send-code' | 'execute';

/** The steps the officer may take now (the server decides again; a refused step shows why). */
export function RequestActions({ record }: { record: PrivacyRequest }) {
  const { t } = useTranslation();
  const { can, me } = usePermissions();
  const queryClient = useQueryClient();
  const [response, setResponse] = useState(record.response ?? '');
  const [reason, setReason] = useState('');
  const [method, setMethod] = useState('in_person');
  // What execute answered: an access package's passphrase is shown here once, like on the contact's panel.
  const [executed, setExecuted] = useState<ExecutionResult | null>(null);
  const step = useMutation({
    mutationFn: ({ name, body }: { name: Step; body?: unknown }) =>
      request('POST', `/api/v1/privacy-requests/${encodeURIComponent(record.id)}/${name}`, {
        body: body ?? (name === 'send-code' || name === 'execute' ? undefined : {}),
      }),
    onSuccess: (data, { name }) => {
      if (name === 'execute') setExecuted((data as ExecutionResult | undefined) ?? null);
      notifications.show({ color: 'green', message: t(`privacy:actions.done.${name}`), closeButtonProps: { 'aria-label': t('common:actions.close') } });
      void queryClient.invalidateQueries({ queryKey: ['privacy-requests'] });
    },
  });
  if (!isOpen(record.status)) return null;
  const run = (name: Step, body?: unknown) => step.mutate({ name, body });
  const s = record.status;
  return (
    <Stack gap="sm" data-testid="privacy-actions">
      <Title order={2} size="h4">
        {t('privacy:actions.title')}
      </Title>
      <ErrorNotice error={step.error} />
      {executed?.package ? <AccessPackageNotice built={executed.package} /> : null}
      <Group gap="xs">
        {can('privacy_requests.assign') && me && record.ownerId !== me.id ? (
          <Button variant="default" onClick={() => run('assign', { assigneeId: me.id })}>
            {t('privacy:actions.assignToMe')}
          </Button>
        ) : null}
        {s === 'unverified' && can('privacy_requests.verify') ? (
          <>
            <Button variant="default" onClick={() => run('send-code')} data-testid="privacy-send-code">
              {t('privacy:actions.sendCode')}
            </Button>
            <Select
              aria-label={t('privacy:actions.method')}
              data={['in_person', 'document', 'known_channel'].map((m) => ({ value: m, label: t(`privacy:methods.${m}`) }))}
              value={method}
              onChange={(v) => setMethod(v ?? 'in_person')}
              allowDeselect={false}
              w={220}
            />
            <Button onClick={() => run('verify', { method })} data-testid="privacy-verify">
              {t('privacy:actions.verify')}
            </Button>
          </>
        ) : null}
        {s === 'verified' && can('privacy_requests.update') ? (
          <Button onClick={() => run('start')} data-testid="privacy-start">
            {t('privacy:actions.start')}
          </Button>
        ) : null}
        {(s === 'verified' || s === 'in_progress') && can('privacy_requests.update') ? (
          <>
            <Button variant="default" onClick={() => run('pause')}>
              {t('privacy:actions.pause')}
            </Button>
            <Button variant="default" onClick={() => run('execute')} data-testid="privacy-execute">
              {t('privacy:actions.execute')}
            </Button>
          </>
        ) : null}
        {s === 'awaiting_requester' && can('privacy_requests.update') ? <Button onClick={() => run('resume')}>{t('privacy:actions.resume')}</Button> : null}
      </Group>
      {s !== 'unverified' && !record.extended && record.law !== 'pipl' && can('privacy_requests.extend') ? (
        <Group align="flex-end">
          <Textarea label={t('privacy:actions.extendReason')} value={reason} onChange={(e) => setReason(e.currentTarget.value)} autosize minRows={1} w={420} />
          <Button variant="default" disabled={!reason.trim()} onClick={() => run('extend', { reason: reason.trim() })} data-testid="privacy-extend">
            {t('privacy:actions.extend')}
          </Button>
        </Group>
      ) : null}
      {can('privacy_requests.respond') ? (
        <Stack gap="xs">
          <Textarea
            label={t('privacy:fields.response')}
            value={response}
            onChange={(e) => setResponse(e.currentTarget.value)}
            autosize
            minRows={3}
            data-testid="privacy-response"
          />
          <Group gap="xs">
            <Button variant="default" disabled={!response.trim()} onClick={() => run('respond', { response: response.trim() })} data-testid="privacy-respond">
              {t('privacy:actions.respond')}
            </Button>
            {can('privacy_requests.close') && (s === 'verified' || s === 'in_progress') ? (
              <Button color="teal.9" disabled={!record.response} onClick={() => run('complete')} data-testid="privacy-complete">
                {t('privacy:actions.complete')}
              </Button>
            ) : null}
            {can('privacy_requests.close') ? (
              <Button color="red.9" variant="outline" disabled={!response.trim()} onClick={() => run('refuse', { response: response.trim() })}>
                {t('privacy:actions.refuse')}
              </Button>
            ) : null}
          </Group>
        </Stack>
      ) : null}
    </Stack>
  );
}
