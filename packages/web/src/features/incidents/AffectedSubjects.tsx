import { Button, Card, Code, Group, Stack, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { request } from '../../api/client';
import { ErrorNotice } from '../../components/ErrorNotice';
import { useFormat } from '../../i18n/format';
import type { Incident } from './incident-types';

/** Finds the affected data subjects from the audit trail (a compromised account and/or a window); ids only. */
export function AffectedSubjects({ incident, onFound }: { incident: Incident; onFound: () => void }) {
  const { t } = useTranslation();
  const format = useFormat();
  const [account, setAccount] = useState(incident.affected.compromisedUserId ?? '');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const list = useQuery({
    queryKey: ['breaches', incident.id, 'subjects', incident.affected.foundAt],
    queryFn: () => request<{ count: number; subjectIds: string[]; nextCursor: string | null }>('GET', `/api/v1/breaches/${incident.id}/affected-subjects`),
    enabled: incident.affected.foundAt !== null,
  });
  const find = useMutation({
    mutationFn: () =>
      request<{ count: number; events: number }>('POST', `/api/v1/breaches/${incident.id}/affected-subjects`, {
        body: {
          ...(account ? { compromisedUserId: account.trim() } : {}),
          ...(from ? { from: new Date(from).toISOString() } : {}),
          ...(to ? { to: new Date(to).toISOString() } : {}),
        },
      }),
    onSuccess: onFound,
  });
  return (
    <Card withBorder>
      <Title order={2} size="h4" mb="xs">
        {t('incidents:affected.title')}
      </Title>
      <Text size="sm" c="dimmed" mb="xs">
        {t('incidents:affected.hint')}
      </Text>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          find.mutate();
        }}
      >
        <Group align="end">
          <TextInput
            label={t('incidents:affected.account')}
            value={account}
            onChange={(e) => setAccount(e.currentTarget.value)}
            data-testid="affected-account"
          />
          <TextInput type="datetime-local" label={t('incidents:affected.from')} value={from} onChange={(e) => setFrom(e.currentTarget.value)} />
          <TextInput type="datetime-local" label={t('incidents:affected.to')} value={to} onChange={(e) => setTo(e.currentTarget.value)} />
          <Button type="submit" loading={find.isPending} data-testid="affected-find">
            {t('incidents:affected.find')}
          </Button>
        </Group>
      </form>
      <ErrorNotice error={find.error ?? list.error} />
      {incident.affected.count !== null ? (
        <Stack gap={4} mt="sm">
          <Text size="sm" data-testid="affected-count">
            {t('incidents:affected.count', { count: incident.affected.count, at: format.dateTime(incident.affected.foundAt) })}
          </Text>
          {list.data?.subjectIds.map((subjectId) => (
            <Code key={subjectId} data-testid="affected-subject">
              {subjectId}
            </Code>
          ))}
          {list.data?.nextCursor ? <Text size="sm">{t('incidents:affected.more')}</Text> : null}
        </Stack>
      ) : null}
    </Card>
  );
}
