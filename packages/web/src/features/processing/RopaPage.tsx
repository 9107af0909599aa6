import { Anchor, Badge, Button, Card, Group, Stack, Table, Text, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { request } from '../../api/client';
import { usePermissions } from '../../app/session';
import { ErrorNotice } from '../../components/ErrorNotice';
import { Loading } from '../../components/Loading';
import { PageHeader } from '../../components/PageHeader';
import { useFormat } from '../../i18n/format';
import { ControllerCard } from './ControllerCard';
import type { RopaVersion, RopaVersionList } from './processing-types';
import { RopaActivities } from './RopaActivities';

/** /processing-records: the controller, the RoPA versions (outdated ones marked) and the chosen version's activities. */
export function RopaPage() {
  const { t } = useTranslation();
  const format = useFormat();
  const { can } = usePermissions();
  const client = useQueryClient();
  const [chosen, setChosen] = useState<number | null>(null);
  const versions = useQuery({ queryKey: ['records', 'ropa'], queryFn: () => request<RopaVersionList>('GET', '/api/v1/processing-records/versions') });
  const number = chosen ?? versions.data?.items[0]?.number ?? null;
  const version = useQuery({
    queryKey: ['records', 'ropa', number],
    queryFn: () => request<RopaVersion>('GET', `/api/v1/processing-records/versions/${number}`),
    enabled: number !== null,
  });
  const [notice, setNotice] = useState<string | null>(null);
  const generate = useMutation({
    mutationFn: () => request<{ created: boolean; version: RopaVersion }>('POST', '/api/v1/processing-records/versions'),
    onSuccess: async (result) => {
      setNotice(result.created ? t('processing:ropa.generated', { number: result.version.number }) : t('processing:ropa.unchanged'));
      setChosen(result.version.number);
      await client.invalidateQueries({ queryKey: ['records', 'ropa'] });
    },
  });

  return (
    <>
      <PageHeader
        title={t('processing:ropa.title')}
        actions={
          can('records.manage') ? (
            <Button onClick={() => generate.mutate()} loading={generate.isPending} data-testid="ropa-generate">
              {t('processing:ropa.generate')}
            </Button>
          ) : null
        }
      />
      <Stack>
        <Text c="dimmed">{t('processing:ropa.intro')}</Text>
        <ErrorNotice error={versions.error ?? generate.error ?? version.error} />
        {notice ? <Text data-testid="ropa-notice">{notice}</Text> : null}
        <ControllerCard />
        <Card withBorder>
          <Title order={2} size="h4" mb="xs">
            {t('processing:ropa.versions')}
          </Title>
          {versions.isPending ? <Loading /> : null}
          {versions.data && versions.data.items.length === 0 ? <Text c="dimmed">{t('processing:ropa.none')}</Text> : null}
          {versions.data?.items.length ? (
            <Table aria-label={t('processing:ropa.versions')}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('processing:ropa.columns.version')}</Table.Th>
                  <Table.Th>{t('processing:ropa.columns.created')}</Table.Th>
                  <Table.Th>{t('processing:ropa.columns.hash')}</Table.Th>
                  <Table.Th>{t('processing:ropa.columns.state')}</Table.Th>
                  <Table.Th>{t('processing:ropa.columns.export')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {versions.data.items.map((v) => (
                  <Table.Tr key={v.id} data-testid="ropa-version">
                    <Table.Td>
                      <Anchor component="button" type="button" onClick={() => setChosen(v.number)} fw={v.number === number ? 700 : 400}>
                        v{v.number}
                      </Anchor>
                    </Table.Td>
                    <Table.Td>{format.dateTime(v.createdAt)}</Table.Td>
                    <Table.Td>
                      <code>{v.contentHash.slice(0, 12)}</code>
                    </Table.Td>
                    <Table.Td>
                      <Group gap={4}>
                        {v.latest ? <Badge variant="light">{t('processing:ropa.latest')}</Badge> : null}
                        {v.outdated ? (
                          <Badge color="orange" data-testid="ropa-outdated">
                            {t('processing:outdated')}
                          </Badge>
                        ) : (
                          <Badge color="green" variant="light">
                            {t('processing:current')}
                          </Badge>
                        )}
                      </Group>
                    </Table.Td>
                    <Table.Td>
                      <Group gap="xs">
                        {(['json', 'csv', 'html'] as const).map((f) => (
                          <Anchor key={f} href={`/api/v1/processing-records/versions/${v.number}/export?format=${f}`} download>
                            {f.toUpperCase()}
                          </Anchor>
                        ))}
                      </Group>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          ) : null}
        </Card>
        {version.data ? (
          <Card withBorder>
            <Title order={2} size="h4" mb="xs">
              {t('processing:ropa.versionTitle', { number: version.data.number })}
            </Title>
            {version.data.content.retentionRegister === 'absent' ? (
              <Text size="sm" c="dimmed" mb="xs">
                {t('processing:ropa.noRetentionRegister')}
              </Text>
            ) : null}
            <RopaActivities activities={version.data.content.activities} />
          </Card>
        ) : null}
      </Stack>
    </>
  );
}
