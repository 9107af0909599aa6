import { Button, Group, Modal, MultiSelect, NumberInput, Select, Stack, Textarea, TextInput } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { request } from '../../api/client';
import { ErrorNotice } from '../../components/ErrorNotice';
import { grades, type Incident } from './incident-types';

const localNow = () => {
  const d = new Date();
  d.setSeconds(0, 0);
  return new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
};

/** Records a new incident: discovery time (its clocks start there), grade, people, categories, description. */
export function CreateIncidentModal({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const client = useQueryClient();
  const [discoveredAt, setDiscoveredAt] = useState(localNow);
  const [grade, setGrade] = useState<string>('general');
  const [people, setPeople] = useState<number>(0);
  const [categories, setCategories] = useState<string[]>([]);
  const [description, setDescription] = useState('');
  const catalogue = useQuery({
    queryKey: ['breaches', 'categories'],
    queryFn: () => request<{ items: { category: string; sensitive: boolean }[]; operatorKind: string }>('GET', '/api/v1/breaches/categories'),
    enabled: opened,
  });
  const create = useMutation({
    mutationFn: () =>
      request<Incident>('POST', '/api/v1/breaches', {
        body: { discoveredAt: new Date(discoveredAt).toISOString(), grade, peopleAffected: people, categories, description },
      }),
    onSuccess: async (incident) => {
      await client.invalidateQueries({ queryKey: ['breaches'] });
      onClose();
      navigate(`/incidents/${incident.id}`);
    },
  });
  return (
    <Modal opened={opened} onClose={onClose} title={t('incidents:create.title')}>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          create.mutate();
        }}
      >
        <Stack>
          <TextInput
            type="datetime-local"
            label={t('incidents:fields.discoveredAt')}
            value={discoveredAt}
            onChange={(e) => setDiscoveredAt(e.currentTarget.value)}
            required
          />
          <Select
            label={t('incidents:fields.grade')}
            description={t('incidents:fields.gradeHint')}
            data={grades.map((g) => ({ value: g, label: t(`incidents:grade.${g}`) }))}
            value={grade}
            onChange={(v) => setGrade(v ?? 'general')}
            allowDeselect={false}
          />
          <NumberInput label={t('incidents:fields.peopleAffected')} min={0} value={people} onChange={(v) => setPeople(Number(v) || 0)} />
          <MultiSelect
            label={t('incidents:fields.categories')}
            data={(catalogue.data?.items ?? []).map((c) => ({
              value: c.category,
              label: `${t(`incidents:category.${c.category}`, { defaultValue: c.category })}${c.sensitive ? ` (${t('incidents:sensitive')})` : ''}`,
            }))}
            value={categories}
            onChange={setCategories}
          />
          <Textarea
            label={t('incidents:fields.description')}
            description={t('incidents:fields.sealedHint')}
            value={description}
            onChange={(e) => setDescription(e.currentTarget.value)}
            required
            autosize
            minRows={3}
            data-testid="incident-description"
          />
          <ErrorNotice error={create.error} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t('incidents:cancel')}
            </Button>
            <Button type="submit" loading={create.isPending} data-testid="incident-save">
              {t('incidents:create.save')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
