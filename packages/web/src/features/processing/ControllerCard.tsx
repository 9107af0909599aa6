import { Button, Card, Group, Stack, Text, Textarea, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { request } from '../../api/client';
import { usePermissions } from '../../app/session';
import { ErrorNotice } from '../../components/ErrorNotice';
import type { Controller } from './processing-types';

/** The controller's name and country; its contact and DPO (sealed) for holders of records.manage, who may edit them. */
export function ControllerCard() {
  const { t } = useTranslation();
  const { can } = usePermissions();
  const client = useQueryClient();
  const controller = useQuery({ queryKey: ['records', 'controller'], queryFn: () => request<Controller>('GET', '/api/v1/processing-records/controller') });
  const [editing, setEditing] = useState(false);
  const [form, setForm] = useState({ name: '', country: 'CN', contact: '', dpo: '' });
  const save = useMutation({
    mutationFn: () => request<Controller>('PUT', '/api/v1/processing-records/controller', { body: form }),
    onSuccess: (data) => {
      client.setQueryData(['records', 'controller'], data);
      setEditing(false);
    },
  });
  const data = controller.data;
  const startEditing = () => {
    if (data) setForm({ name: data.revision ? data.name : '', country: data.country, contact: data.personal?.contact ?? '', dpo: data.personal?.dpo ?? '' });
    setEditing(true);
  };
  return (
    <Card withBorder>
      <Group justify="space-between" mb="xs">
        <Title order={2} size="h4">
          {t('processing:controller.title')}
        </Title>
        {can('records.manage') && !editing ? (
          <Button variant="light" size="xs" onClick={startEditing} data-testid="controller-edit">
            {t('processing:controller.edit')}
          </Button>
        ) : null}
      </Group>
      <ErrorNotice error={controller.error ?? save.error} />
      {data && !editing ? (
        <Stack gap={4}>
          <Text data-testid="controller-name">
            {data.revision ? data.name : t('processing:controller.notSet')} · {data.country}
          </Text>
          {data.personal ? (
            <>
              <Text size="sm">
                {t('processing:controller.contact')}: {data.personal.contact ?? '—'}
              </Text>
              <Text size="sm">
                {t('processing:controller.dpo')}: {data.personal.dpo ?? '—'}
              </Text>
            </>
          ) : (
            <Text size="sm" c="dimmed">
              {t('processing:controller.sealed')}
            </Text>
          )}
        </Stack>
      ) : null}
      {editing ? (
        <form
          onSubmit={(event) => {
            event.preventDefault();
            save.mutate();
          }}
        >
          <Stack>
            <TextInput label={t('processing:controller.name')} value={form.name} onChange={(e) => setForm({ ...form, name: e.currentTarget.value })} required />
            <TextInput
              label={t('processing:controller.country')}
              description={t('processing:controller.countryHint')}
              value={form.country}
              maxLength={2}
              onChange={(e) => setForm({ ...form, country: e.currentTarget.value })}
              required
            />
            <Textarea
              label={t('processing:controller.contact')}
              description={t('processing:sealedHint')}
              value={form.contact}
              onChange={(e) => setForm({ ...form, contact: e.currentTarget.value })}
            />
            <Textarea
              label={t('processing:controller.dpo')}
              description={t('processing:sealedHint')}
              value={form.dpo}
              onChange={(e) => setForm({ ...form, dpo: e.currentTarget.value })}
            />
            <Group justify="flex-end">
              <Button variant="default" onClick={() => setEditing(false)}>
                {t('processing:cancel')}
              </Button>
              <Button type="submit" loading={save.isPending} data-testid="controller-save">
                {t('processing:save')}
              </Button>
            </Group>
          </Stack>
        </form>
      ) : null}
    </Card>
  );
}
