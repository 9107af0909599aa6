import { Badge, Card, Group, Select, Stack, Text, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useParams } from 'react-router';
import { request } from '../../api/client';
import { usePermissions } from '../../app/session';
import { ErrorNotice } from '../../components/ErrorNotice';
import { Loading } from '../../components/Loading';
import { PageHeader } from '../../components/PageHeader';
import { useFormat } from '../../i18n/format';
import { AffectedSubjects } from './AffectedSubjects';
import { ClockBadge, useNow } from './ClockBadge';
import { IncidentDrafts } from './IncidentDrafts';
import { grades, type Incident } from './incident-types';
import { RecordNotification } from './RecordNotification';

/** /incidents/:id: one incident's clocks, classification, notifications, affected subjects and drafts. */
export function IncidentDetailPage() {
  const { id = '' } = useParams();
  const { t } = useTranslation();
  const format = useFormat();
  const { can } = usePermissions();
  const now = useNow();
  const client = useQueryClient();
  const incident = useQuery({ queryKey: ['breaches', id], queryFn: () => request<Incident>('GET', `/api/v1/breaches/${id}`) });
  const patch = useMutation({
    mutationFn: (body: Record<string, unknown>) => request<Incident>('PATCH', `/api/v1/breaches/${id}`, { body }),
    onSuccess: (data) => {
      client.setQueryData(['breaches', id], data);
      void client.invalidateQueries({ queryKey: ['breaches'], exact: true });
    },
  });
  const data = incident.data;
  const manage = can('breaches.manage');

  return (
    <>
      <PageHeader title={t('incidents:detail.title')} />
      <ErrorNotice error={incident.error ?? patch.error} />
      {incident.isPending ? <Loading /> : null}
      {data ? (
        <Stack>
          <Card withBorder>
            <Title order={2} size="h4" mb="xs">
              {t('incidents:detail.clocks')}
            </Title>
            <Stack gap={6}>
              {data.clocks.map((clock) => (
                <ClockBadge key={clock.kind} clock={clock} now={now} />
              ))}
            </Stack>
            {data.escalations.length ? (
              <Text size="sm" c="dimmed" mt="xs">
                {t('incidents:detail.escalations', {
                  list: data.escalations.map((e) => `${t(`incidents:clock.${e.clock}`)} ${e.percent}%`).join(', '),
                })}
              </Text>
            ) : null}
          </Card>
          <Card withBorder>
            <Title order={2} size="h4" mb="xs">
              {t('incidents:detail.classification')}
            </Title>
            <Group>
              <Text size="sm">
                {t('incidents:fields.discoveredAt')}: {format.dateTime(data.discoveredAt)}
              </Text>
              <Text size="sm">
                {t('incidents:fields.peopleAffected')}: {format.number(data.peopleAffected)}
              </Text>
              {data.grade !== data.gradeInput ? <Badge color="red">{t('incidents:detail.raised')}</Badge> : null}
            </Group>
            <Group mt="sm" align="end">
              <Select
                label={t('incidents:fields.grade')}
                data={grades.map((g) => ({ value: g, label: t(`incidents:grade.${g}`) }))}
                value={data.gradeInput}
                disabled={!manage}
                allowDeselect={false}
                onChange={(grade) => grade && patch.mutate({ grade })}
                data-testid="incident-grade"
              />
              <Select
                label={t('incidents:columns.status')}
                data={(['open', 'contained', 'closed'] as const).map((s) => ({ value: s, label: t(`incidents:status.${s}`) }))}
                value={data.status}
                disabled={!manage}
                allowDeselect={false}
                onChange={(status) => status && patch.mutate({ status })}
              />
            </Group>
            <Text size="sm" mt="sm">
              {t('incidents:fields.categories')}:{' '}
              {data.categories.length
                ? data.categories.map((c) => t(`incidents:category.${c.category}`, { defaultValue: c.category })).join(', ')
                : t('incidents:detail.noCategories')}
            </Text>
            <Text size="sm" mt="sm" style={{ whiteSpace: 'pre-wrap' }} data-testid="incident-description-text">
              {data.personal ? data.personal.description : t('incidents:detail.sealed')}
            </Text>
          </Card>
          {manage ? <RecordNotification incident={data} onRecorded={(next) => client.setQueryData(['breaches', id], next)} /> : null}
          {can('breaches.personal') ? <AffectedSubjects incident={data} onFound={() => void client.invalidateQueries({ queryKey: ['breaches', id] })} /> : null}
          <IncidentDrafts id={data.id} />
        </Stack>
      ) : null}
    </>
  );
}
