import { Button, Group, Modal, MultiSelect, NumberInput, Select, Stack, TextInput } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { request } from '../../api/client';
import { ErrorNotice } from '../../components/ErrorNotice';
import { objectName } from './object-name';
import { type ActivityList, mechanisms, type PipiaList, type Transfer, transferStatuses } from './processing-types';

const today = () => new Date().toISOString().slice(0, 10);

/** Registers a transfer: recipient, country, activity and its categories, yearly volume, mechanism, PIPIA, status. */
export function TransferModal({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const activities = useQuery({
    queryKey: ['records', 'activities'],
    queryFn: () => request<ActivityList>('GET', '/api/v1/processing-records/activities'),
    enabled: opened,
  });
  const pipias = useQuery({ queryKey: ['records', 'pipias'], queryFn: () => request<PipiaList>('GET', '/api/v1/pipias'), enabled: opened });
  const [form, setForm] = useState({
    recipient: '',
    country: '',
    activity: '',
    categories: [] as string[],
    subjectsPerYear: 0,
    mechanism: '',
    pipiaId: '',
    startDate: today(),
    status: 'planned',
  });
  const set = (change: Partial<typeof form>) => setForm({ ...form, ...change });
  const chosen = activities.data?.items.find((a) => a.key === form.activity);
  const create = useMutation({
    mutationFn: () =>
      request<Transfer>('POST', '/api/v1/transfers', {
        body: { ...form, mechanism: form.mechanism || null, pipiaId: form.pipiaId || null },
      }),
    onSuccess: async () => {
      await client.invalidateQueries({ queryKey: ['records', 'transfers'] });
      onClose();
    },
  });
  return (
    <Modal opened={opened} onClose={onClose} title={t('processing:transfer.create')} size="lg">
      <form
        onSubmit={(event) => {
          event.preventDefault();
          create.mutate();
        }}
      >
        <Stack>
          <TextInput
            label={t('processing:transfer.recipient')}
            description={t('processing:transfer.recipientHint')}
            value={form.recipient}
            onChange={(e) => set({ recipient: e.currentTarget.value })}
            required
            data-testid="transfer-recipient"
          />
          <TextInput
            label={t('processing:transfer.country')}
            description={t('processing:controller.countryHint')}
            value={form.country}
            maxLength={2}
            onChange={(e) => set({ country: e.currentTarget.value })}
            required
            data-testid="transfer-country"
          />
          <Select
            label={t('processing:transfer.activity')}
            data={(activities.data?.items ?? []).map((a) => ({ value: a.key, label: objectName(t, a.key) }))}
            value={form.activity || null}
            onChange={(v) => set({ activity: v ?? '', categories: [], pipiaId: '' })}
            required
            data-testid="transfer-activity"
          />
          <MultiSelect
            label={t('processing:transfer.categories')}
            data={(chosen?.categories ?? []).map((c) => ({
              value: c.category,
              label: `${t(`incidents:category.${c.category}`, { defaultValue: c.category })}${c.sensitive ? ` (${t('processing:sensitive')})` : ''}`,
            }))}
            value={form.categories}
            onChange={(categories) => set({ categories })}
            data-testid="transfer-categories"
          />
          <NumberInput
            label={t('processing:transfer.subjectsPerYear')}
            min={0}
            value={form.subjectsPerYear}
            onChange={(v) => set({ subjectsPerYear: Number(v) || 0 })}
          />
          <Select
            label={t('processing:transfer.mechanism')}
            description={t('processing:transfer.mechanismHint')}
            data={mechanisms.map((m) => ({ value: m, label: t(`processing:mechanism.${m}`) }))}
            value={form.mechanism || null}
            onChange={(v) => set({ mechanism: v ?? '' })}
            clearable
            data-testid="transfer-mechanism"
          />
          <Select
            label={t('processing:transfer.pipia')}
            data={(pipias.data?.items ?? [])
              .filter((p) => p.activity === form.activity)
              .map((p) => ({ value: p.id, label: `${objectName(t, p.activity)} v${p.latestVersion}` }))}
            value={form.pipiaId || null}
            onChange={(v) => set({ pipiaId: v ?? '' })}
            clearable
          />
          <TextInput
            type="date"
            label={t('processing:transfer.startDate')}
            value={form.startDate}
            onChange={(e) => set({ startDate: e.currentTarget.value })}
            required
          />
          <Select
            label={t('processing:transfer.status')}
            data={transferStatuses.map((s) => ({ value: s, label: t(`processing:transferStatus.${s}`) }))}
            value={form.status}
            onChange={(v) => set({ status: v ?? 'planned' })}
            allowDeselect={false}
          />
          <ErrorNotice error={create.error} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t('processing:cancel')}
            </Button>
            <Button type="submit" loading={create.isPending} data-testid="transfer-save">
              {t('processing:save')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
