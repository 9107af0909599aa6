import { Button, Card, Group, Select, TextInput, Title } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { request } from '../../api/client';
import { ErrorNotice } from '../../components/ErrorNotice';
import type { Incident } from './incident-types';

/** Records when an authority or the data subjects were notified: that clock stops. */
export function RecordNotification({ incident, onRecorded }: { incident: Incident; onRecorded: (next: Incident) => void }) {
  const { t } = useTranslation();
  const open = incident.clocks.filter((c) => c.status !== 'reported');
  const [clock, setClock] = useState<string | null>(null);
  const [at, setAt] = useState('');
  const record = useMutation({
    mutationFn: () =>
      request<Incident>('POST', `/api/v1/breaches/${incident.id}/notifications`, { body: { clock, notifiedAt: at ? new Date(at).toISOString() : '' } }),
    onSuccess: (next) => {
      setClock(null);
      setAt('');
      onRecorded(next);
    },
  });
  if (!open.length) return null;
  return (
    <Card withBorder>
      <Title order={2} size="h4" mb="xs">
        {t('incidents:notify.title')}
      </Title>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          record.mutate();
        }}
      >
        <Group align="end">
          <Select
            label={t('incidents:notify.clock')}
            data={open.map((c) => ({ value: c.kind, label: t(`incidents:clock.${c.kind}`) }))}
            value={clock}
            onChange={setClock}
            data-testid="notify-clock"
          />
          <TextInput type="datetime-local" label={t('incidents:notify.at')} value={at} onChange={(e) => setAt(e.currentTarget.value)} data-testid="notify-at" />
          <Button type="submit" loading={record.isPending} disabled={!clock || !at} data-testid="notify-save">
            {t('incidents:notify.save')}
          </Button>
        </Group>
      </form>
      <ErrorNotice error={record.error} />
    </Card>
  );
}
