import { Badge, Button, Code, Group, List, Stack, Table, Tabs, Text, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { usePermissions } from '../../app/session';
import { ErrorNotice } from '../../components/ErrorNotice';
import { Loading } from '../../components/Loading';
import { PageHeader } from '../../components/PageHeader';
import { useFormat } from '../../i18n/format';
import { type ComplianceCheck, type Framework, fetchChecks, fetchReport, frameworks, type ReportFormat, reportFormats, saveFile } from './compliance-api';

const showValue = (value: ComplianceCheck['evidence'][string], none: string): string =>
  Array.isArray(value) ? (value.length ? value.join(', ') : none) : value === null ? none : String(value);

/** /compliance: the automated checks grouped by framework, with status, evidence and control ids; the signed report. */
export function CompliancePage() {
  const { t } = useTranslation();
  const format = useFormat();
  const { can } = usePermissions();
  const client = useQueryClient();
  const checks = useQuery({ queryKey: ['compliance', 'checks'], queryFn: () => fetchChecks(false) });
  const refresh = useMutation({
    mutationFn: () => fetchChecks(true),
    onSuccess: (data) => client.setQueryData(['compliance', 'checks'], data),
  });
  const download = useMutation({
    mutationFn: (kind: ReportFormat) => fetchReport(kind),
    onSuccess: ({ blob, name }) => saveFile(blob, name),
  });
  const data = checks.data;
  const failing = data?.checks.filter((c) => c.status === 'failing').length ?? 0;

  return (
    <>
      <PageHeader
        title={t('compliance:title')}
        actions={
          <>
            <Button variant="default" onClick={() => refresh.mutate()} loading={refresh.isPending} data-testid="compliance-refresh">
              {t('compliance:refresh')}
            </Button>
            {can('compliance.report')
              ? reportFormats.map((kind) => (
                  <Button
                    key={kind}
                    onClick={() => download.mutate(kind)}
                    loading={download.isPending && download.variables === kind}
                    data-testid={`compliance-report-${kind}`}
                  >
                    {t(`compliance:report.${kind}`)}
                  </Button>
                ))
              : null}
          </>
        }
      />
      <ErrorNotice error={checks.error ?? refresh.error ?? download.error} />
      {checks.isLoading || !data ? (
        checks.isLoading ? (
          <Loading />
        ) : null
      ) : (
        <Stack>
          <Text data-testid="compliance-summary">
            {t('compliance:summary', { passing: data.checks.length - failing, total: data.checks.length, time: format.dateTime(data.computedAt) })}
          </Text>
          <Tabs defaultValue="GDPR" keepMounted={false}>
            <Tabs.List>
              {frameworks.map((fw) => (
                <Tabs.Tab key={fw} value={fw} data-testid={`compliance-tab-${fw}`}>
                  {t(`compliance:frameworks.${fw}`)}
                </Tabs.Tab>
              ))}
            </Tabs.List>
            {frameworks.map((fw) => (
              <Tabs.Panel key={fw} value={fw} pt="md">
                <FrameworkChecks framework={fw} checks={data.checks.filter((c) => c.controls.some((k) => k.framework === fw))} />
              </Tabs.Panel>
            ))}
          </Tabs>
        </Stack>
      )}
    </>
  );
}

function FrameworkChecks({ framework, checks }: { framework: Framework; checks: ComplianceCheck[] }) {
  const { t } = useTranslation();
  return (
    <>
      <Title order={2} size="h4" mb="sm">
        {t(`compliance:frameworks.${framework}`)}
      </Title>
      <Table.ScrollContainer minWidth={720}>
        <Table striped data-testid={`compliance-table-${framework}`}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th scope="col">{t('compliance:columns.check')}</Table.Th>
              <Table.Th scope="col">{t('compliance:columns.status')}</Table.Th>
              <Table.Th scope="col">{t('compliance:columns.evidence')}</Table.Th>
              <Table.Th scope="col">{t('compliance:columns.controls')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {checks.map((c) => (
              <Table.Tr key={c.id} data-testid={`compliance-check-${c.id}`} data-status={c.status}>
                <Table.Td>{t(`compliance:checks.${c.id}`)}</Table.Td>
                <Table.Td>
                  <Badge color={c.status === 'passing' ? 'teal.9' : 'red.9'} variant="filled">
                    {t(`compliance:status.${c.status}`)}
                  </Badge>
                </Table.Td>
                <Table.Td>
                  <List size="sm" spacing={2}>
                    {Object.entries(c.evidence).map(([key, value]) => (
                      <List.Item key={key}>
                        <Code>{key}</Code> {showValue(value, t('compliance:none'))}
                      </List.Item>
                    ))}
                  </List>
                </Table.Td>
                <Table.Td>
                  <Group gap={4}>
                    {c.controls
                      .filter((k) => k.framework === framework)
                      .map((k) => (
                        <Code key={k.id}>{k.id}</Code>
                      ))}
                  </Group>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </>
  );
}
