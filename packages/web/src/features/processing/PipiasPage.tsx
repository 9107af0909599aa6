import { Anchor, Badge, Button, Card, Group, Stack, Table, Text, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { request } from '../../api/client';
import { usePermissions } from '../../app/session';
import { ErrorNotice } from '../../components/ErrorNotice';
import { Loading } from '../../components/Loading';
import { PageHeader } from '../../components/PageHeader';
import { useFormat } from '../../i18n/format';
import { objectName } from './object-name';
import type { Pipia, PipiaList, PipiaRequirements } from './processing-types';
import { StateBadge } from './StateBadge';

/** /pipias: what PIPL Art. 55 requires an assessment of and the state of each, then every assessment. */
export function PipiasPage() {
  const { t } = useTranslation();
  const format = useFormat();
  const { can } = usePermissions();
  const navigate = useNavigate();
  const client = useQueryClient();
  const requirements = useQuery({
    queryKey: ['records', 'pipias', 'requirements'],
    queryFn: () => request<PipiaRequirements>('GET', '/api/v1/pipias/requirements'),
  });
  const list = useQuery({ queryKey: ['records', 'pipias'], queryFn: () => request<PipiaList>('GET', '/api/v1/pipias') });
  const start = useMutation({
    mutationFn: (activity: string) => request<Pipia>('POST', '/api/v1/pipias', { body: { activity } }),
    onSuccess: async (pipia) => {
      await client.invalidateQueries({ queryKey: ['records', 'pipias'] });
      navigate(`/pipias/${pipia.id}`);
    },
  });

  return (
    <>
      <PageHeader title={t('processing:pipia.title')} />
      <Stack>
        <Text c="dimmed">{t('processing:pipia.intro')}</Text>
        <ErrorNotice error={requirements.error ?? list.error ?? start.error} />
        <Card withBorder>
          <Title order={2} size="h4" mb="xs">
            {t('processing:pipia.required')}
          </Title>
          {requirements.isPending ? <Loading /> : null}
          {requirements.data?.items.length === 0 ? <Text c="dimmed">{t('processing:pipia.noneRequired')}</Text> : null}
          {requirements.data?.items.length ? (
            <Table aria-label={t('processing:pipia.required')}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('processing:pipia.columns.activity')}</Table.Th>
                  <Table.Th>{t('processing:pipia.columns.triggers')}</Table.Th>
                  <Table.Th>{t('processing:pipia.columns.state')}</Table.Th>
                  <Table.Th />
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {requirements.data.items.map((r) => (
                  <Table.Tr key={r.activity} data-testid="pipia-requirement">
                    <Table.Td>{objectName(t, r.activity)}</Table.Td>
                    <Table.Td>
                      <Group gap={4}>
                        {r.triggers.map((trigger, i) => (
                          <Badge key={trigger} size="sm" variant="light" color="orange" title={r.articles[i]}>
                            {t(`processing:trigger.${trigger}`)}
                          </Badge>
                        ))}
                      </Group>
                    </Table.Td>
                    <Table.Td>
                      <StateBadge state={r.state} />
                    </Table.Td>
                    <Table.Td>
                      {r.pipiaId ? (
                        <Anchor component={Link} to={`/pipias/${r.pipiaId}`}>
                          {t('processing:pipia.open')}
                        </Anchor>
                      ) : can('records.manage') ? (
                        <Button size="xs" onClick={() => start.mutate(r.activity)} loading={start.isPending} data-testid={`pipia-start-${r.activity}`}>
                          {t('processing:pipia.start')}
                        </Button>
                      ) : null}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          ) : null}
        </Card>
        <Card withBorder>
          <Title order={2} size="h4" mb="xs">
            {t('processing:pipia.all')}
          </Title>
          {list.data?.items.length === 0 ? <Text c="dimmed">{t('processing:pipia.none')}</Text> : null}
          {list.data?.items.length ? (
            <Table aria-label={t('processing:pipia.all')}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('processing:pipia.columns.activity')}</Table.Th>
                  <Table.Th>{t('processing:pipia.columns.version')}</Table.Th>
                  <Table.Th>{t('processing:pipia.columns.state')}</Table.Th>
                  <Table.Th>{t('processing:pipia.columns.retained')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {list.data.items.map((p) => (
                  <Table.Tr key={p.id} data-testid="pipia-row">
                    <Table.Td>
                      <Anchor component={Link} to={`/pipias/${p.id}`}>
                        {objectName(t, p.activity)}
                      </Anchor>
                    </Table.Td>
                    <Table.Td>v{p.latestVersion}</Table.Td>
                    <Table.Td>
                      <Group gap={4}>
                        <StateBadge state={p.status} />
                        {p.outdated ? <StateBadge state="outdated" /> : null}
                        {p.current ? <StateBadge state="current" /> : null}
                      </Group>
                    </Table.Td>
                    <Table.Td>{format.date(p.retainedUntil)}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          ) : null}
        </Card>
      </Stack>
    </>
  );
}
