import { Button, Group, Paper, Select, Stack, Textarea, TextInput } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { request } from '../../../api/client';
import { ErrorNotice } from '../../../components/ErrorNotice';
import { type PrivacyRequest, requestKinds, requestLaws } from '../request-options';

/** A request received by letter, phone or in person, entered by the officer (verified when they checked the person). */
export function NewRequestForm({ onDone }: { onDone(): void }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [kind, setKind] = useState('access');
  const [law, setLaw] = useState('pipl');
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [details, setDetails] = useState('');
  const [verified, setVerified] = useState('unverified');
  const create = useMutation({
    mutationFn: () =>
      request<PrivacyRequest>('POST', '/api/v1/privacy-requests', {
        body: { kind, law, requesterEmail: email.trim(), requesterName: name.trim() || null, details: details.trim() || null, status: verified },
      }),
    onSuccess: (created) => {
      void queryClient.invalidateQueries({ queryKey: ['privacy-requests'] });
      onDone();
      navigate(`/privacy-requests/${created.id}`);
    },
  });
  return (
    <Paper withBorder p="md">
      <form
        onSubmit={(event) => {
          event.preventDefault();
          create.mutate();
        }}
      >
        <Stack gap="sm">
          <ErrorNotice error={create.error} />
          <Group grow align="flex-start">
            <Select
              label={t('privacy:fields.kind')}
              data={requestKinds.map((k) => ({ value: k, label: t(`privacy:kinds.${k}`) }))}
              value={kind}
              onChange={(v) => setKind(v ?? 'access')}
              allowDeselect={false}
            />
            <Select
              label={t('privacy:fields.law')}
              data={requestLaws.map((l) => ({ value: l, label: t(`privacy:laws.${l}`) }))}
              value={law}
              onChange={(v) => setLaw(v ?? 'pipl')}
              allowDeselect={false}
            />
            <Select
              label={t('privacy:fields.status')}
              data={['unverified', 'verified'].map((s) => ({ value: s, label: t(`privacy:statuses.${s}`) }))}
              value={verified}
              onChange={(v) => setVerified(v ?? 'unverified')}
              allowDeselect={false}
            />
          </Group>
          <Group grow align="flex-start">
            <TextInput label={t('privacy:fields.requesterEmail')} type="email" required value={email} onChange={(e) => setEmail(e.currentTarget.value)} />
            <TextInput label={t('privacy:fields.requesterName')} value={name} onChange={(e) => setName(e.currentTarget.value)} />
          </Group>
          <Textarea label={t('privacy:fields.details')} autosize minRows={2} value={details} onChange={(e) => setDetails(e.currentTarget.value)} />
          <Group>
            <Button type="submit" loading={create.isPending}>
              {t('privacy:workspace.record')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Paper>
  );
}
