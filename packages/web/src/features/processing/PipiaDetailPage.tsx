import { Badge, Button, Card, Group, List, Stack, Text, Textarea, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useParams } from 'react-router';
import { request } from '../../api/client';
import { usePermissions } from '../../app/session';
import { ErrorNotice } from '../../components/ErrorNotice';
import { Loading } from '../../components/Loading';
import { PageHeader } from '../../components/PageHeader';
import { useFormat } from '../../i18n/format';
import { objectName } from './object-name';
import type { Pipia } from './processing-types';
import { StateBadge } from './StateBadge';

/** /pipias/:id: the assessment's draft (from the catalogue), the assessor's findings, approval and revisions, every version. */
export function PipiaDetailPage() {
  const { id = '' } = useParams();
  const { t, i18n } = useTranslation();
  const zh = (i18n.resolvedLanguage ?? 'en').startsWith('zh');
  const format = useFormat();
  const { can } = usePermissions();
  const client = useQueryClient();
  const pipia = useQuery({ queryKey: ['records', 'pipias', id], queryFn: () => request<Pipia>('GET', `/api/v1/pipias/${id}`) });
  const onSuccess = async (data: Pipia) => {
    client.setQueryData(['records', 'pipias', id], data);
    await client.invalidateQueries({ queryKey: ['records', 'pipias'], exact: true });
  };
  const [findings, setFindings] = useState('');
  const latest = pipia.data?.versions[0];
  useEffect(() => setFindings(latest?.findings ?? ''), [latest?.findings]);
  const save = useMutation({ mutationFn: () => request<Pipia>('PATCH', `/api/v1/pipias/${id}`, { body: { findings } }), onSuccess });
  const approve = useMutation({ mutationFn: () => request<Pipia>('POST', `/api/v1/pipias/${id}/approve`), onSuccess });
  const revise = useMutation({ mutationFn: () => request<Pipia>('POST', `/api/v1/pipias/${id}/revisions`), onSuccess });
  const manage = can('records.manage');
  const data = pipia.data;

  return (
    <>
      <PageHeader
        title={t('processing:pipia.detailTitle', { activity: data ? objectName(t, data.activity) : '' })}
        actions={
          manage && data ? (
            <Button variant="light" onClick={() => revise.mutate()} loading={revise.isPending} data-testid="pipia-revise">
              {t('processing:pipia.revise')}
            </Button>
          ) : null
        }
      />
      <ErrorNotice error={pipia.error ?? save.error ?? approve.error ?? revise.error} />
      {pipia.isPending ? <Loading /> : null}
      {data && latest ? (
        <Stack>
          <Group gap="xs">
            <StateBadge state={data.status} />
            {data.outdated ? <StateBadge state="outdated" /> : null}
            {data.current ? <StateBadge state="current" /> : null}
            {data.uncovered.length ? <StateBadge state="uncovered" /> : null}
            <Text size="sm" c="dimmed">
              {t('processing:pipia.retainedUntil', { date: format.date(data.retainedUntil) })}
            </Text>
          </Group>
          <Card withBorder>
            <Title order={2} size="h4" mb="xs">
              {t('processing:pipia.draft', { version: latest.version })}
            </Title>
            <Text size="sm">{latest.content.purpose ? (zh ? latest.content.purpose.zh : latest.content.purpose.en) : t('processing:ropa.undeclared')}</Text>
            <Group gap={4} my="xs">
              {latest.content.triggers.map((trigger, i) => (
                <Badge key={trigger} color="orange" variant="light">
                  {t(`processing:trigger.${trigger}`)} · {latest.content.articles[i]}
                </Badge>
              ))}
            </Group>
            <Text size="sm" fw={600}>
              {t('processing:pipia.sensitiveFields')}
            </Text>
            <List size="sm" mb="xs">
              {latest.content.fields
                .filter((f) => f.classification === 'sensitive' || f.piCategory === 'minor')
                .map((f) => (
                  <List.Item key={f.field}>
                    <code>{f.field}</code> · {t(`incidents:category.${f.piCategory}`, { defaultValue: f.piCategory })}
                  </List.Item>
                ))}
            </List>
            {latest.content.recipients.length ? (
              <Text size="sm">
                {t('processing:pipia.recipients')}: {latest.content.recipients.map((r) => `${r.recipient} (${r.country})`).join(', ')}
              </Text>
            ) : null}
            {latest.content.consentPurposes.length ? (
              <Text size="sm">
                {t('processing:pipia.purposes')}: {latest.content.consentPurposes.join(', ')}
              </Text>
            ) : null}
            <Text size="sm" fw={600} mt="xs">
              {t('processing:pipia.questions')}
            </Text>
            <List size="sm">
              {latest.content.questions.map((q) => (
                <List.Item key={q.en}>{zh ? q.zh : q.en}</List.Item>
              ))}
            </List>
          </Card>
          <Card withBorder>
            <Title order={2} size="h4" mb="xs">
              {t('processing:pipia.findings')}
            </Title>
            {manage && latest.status === 'draft' ? (
              <form
                onSubmit={(event) => {
                  event.preventDefault();
                  save.mutate();
                }}
              >
                <Stack>
                  <Textarea
                    label={t('processing:pipia.findings')}
                    description={t('processing:sealedHint')}
                    value={findings}
                    onChange={(e) => setFindings(e.currentTarget.value)}
                    autosize
                    minRows={4}
                    required
                    data-testid="pipia-findings"
                  />
                  <Group justify="flex-end">
                    <Button type="submit" variant="light" loading={save.isPending} data-testid="pipia-save">
                      {t('processing:save')}
                    </Button>
                    <Button onClick={() => approve.mutate()} loading={approve.isPending} disabled={!latest.hasFindings} data-testid="pipia-approve">
                      {t('processing:pipia.approve')}
                    </Button>
                  </Group>
                </Stack>
              </form>
            ) : latest.findings !== null ? (
              <Text size="sm" data-testid="pipia-findings-text">
                {latest.findings}
              </Text>
            ) : (
              <Text size="sm" c="dimmed" data-testid="pipia-findings-sealed">
                {latest.hasFindings ? t('processing:pipia.findingsSealed') : t('processing:pipia.noFindings')}
              </Text>
            )}
          </Card>
          <Card withBorder>
            <Title order={2} size="h4" mb="xs">
              {t('processing:pipia.versions')}
            </Title>
            <Stack gap={4}>
              {data.versions.map((v) => (
                <Group key={v.version} gap="xs" data-testid="pipia-version">
                  <Text size="sm">v{v.version}</Text>
                  <StateBadge state={v.status} />
                  {v.outdated ? <StateBadge state="outdated" /> : null}
                  <Text size="sm" c="dimmed">
                    {format.dateTime(v.createdAt)}
                    {v.approvedAt ? ` · ${t('processing:pipia.approvedAt', { at: format.dateTime(v.approvedAt) })}` : ''}
                  </Text>
                </Group>
              ))}
            </Stack>
          </Card>
        </Stack>
      ) : null}
    </>
  );
}
