import { Alert, Button, Group, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { isApiError } from '../../api/api-error';
import { request } from '../../api/client';
import { ErrorNotice } from '../../components/ErrorNotice';
import { Loading } from '../../components/Loading';
import { NotFound } from '../../components/NotFound';
import { PageHeader } from '../../components/PageHeader';
import { useFormat } from '../../i18n/format';

interface Problem {
  line: number;
  kind: 'invalid' | 'duplicate' | 'refused';
  column: string | null;
  reason: string;
}

interface ImportReport {
  id: string;
  object: string;
  state: 'validating' | 'importing' | 'done' | 'rejected' | 'failed';
  rowsRead: number;
  rowsValid: number;
  rowsInvalid: number;
  rowsDuplicate: number;
  rowsImported: number;
  updatedAt: string;
  problems: Problem[];
  nextProblemsAfter: number | null;
}

const finished = (state: ImportReport['state'] | undefined) => state === 'done' || state === 'rejected';
const stalledAfterMs = 30_000;

/**
 * An import's live progress (polled every second until it ends) and its report of bad rows: line,
 * column and reason, never the value. A stopped import can be resumed from where it stopped.
 */
export function ImportProgressPage() {
  const { id = '' } = useParams();
  const { t } = useTranslation();
  const format = useFormat();
  const queryClient = useQueryClient();
  const [extra, setExtra] = useState<Problem[]>([]);
  const [after, setAfter] = useState<number | null>(null);
  const [resumeError, setResumeError] = useState<unknown>(null);
  const [resuming, setResuming] = useState(false);
  const report = useQuery({
    queryKey: ['data', 'import', id],
    queryFn: () => request<ImportReport>('GET', `/api/v1/imports/${id}`, { query: { problemsLimit: 200 } }),
    refetchInterval: (query) => (finished(query.state.data?.state) || query.state.data?.state === 'failed' ? false : 1000),
  });

  if (report.isPending) return <Loading />;
  if (report.error) return isApiError(report.error, 'not_found') ? <NotFound /> : <ErrorNotice error={report.error} />;
  const job = report.data;
  const stalled = !finished(job.state) && job.state !== 'failed' && Date.now() - Date.parse(job.updatedAt) > stalledAfterMs;
  const problems = [...job.problems, ...extra];
  const nextAfter = after === null ? job.nextProblemsAfter : after;

  const resume = async () => {
    setResuming(true);
    setResumeError(null);
    try {
      await request('POST', `/api/v1/imports/${id}/resume`);
      await queryClient.invalidateQueries({ queryKey: ['data', 'import', id] });
    } catch (failure) {
      setResumeError(failure);
    } finally {
      setResuming(false);
    }
  };

  const more = async () => {
    if (nextAfter === null) return;
    const page = await request<ImportReport>('GET', `/api/v1/imports/${id}`, { query: { problemsAfter: nextAfter, problemsLimit: 200 } });
    setExtra((current) => [...current, ...page.problems]);
    setAfter(page.nextProblemsAfter ?? -1);
  };

  const counts: [keyof ImportReport, string][] = [
    ['rowsRead', 'data:progress.rowsRead'],
    ['rowsValid', 'data:progress.rowsValid'],
    ['rowsInvalid', 'data:progress.rowsInvalid'],
    ['rowsDuplicate', 'data:progress.rowsDuplicate'],
    ['rowsImported', 'data:progress.rowsImported'],
  ];

  return (
    <>
      <PageHeader
        title={t('data:progress.title')}
        actions={
          <Button component={Link} to="/data/import" variant="default">
            {t('data:progress.another')}
          </Button>
        }
      />
      <Stack gap="lg" maw={900}>
        <Group>
          <Text>{t('data:progress.object', { object: t(`data:objects.${job.object}`, { defaultValue: job.object }) })}</Text>
          <Text>{t('data:progress.state')}:</Text>
          <Text component="span" fw={700} data-testid="import-state" data-state={job.state}>
            {t(`data:progress.states.${job.state}`)}
          </Text>
        </Group>
        <section aria-labelledby="import-counts">
          <Title order={2} size="h4" id="import-counts" mb="xs">
            {t('data:progress.counts')}
          </Title>
          <SimpleGrid cols={5} spacing="sm" component="dl">
            {counts.map(([key, label]) => (
              <div key={key}>
                <Text component="dt" size="sm" c="dark.5">
                  {t(label)}
                </Text>
                <Text component="dd" size="xl" fw={700} m={0} data-testid={`import-${key}`}>
                  {format.number(job[key] as number)}
                </Text>
              </div>
            ))}
          </SimpleGrid>
        </section>
        {job.state === 'failed' || stalled ? (
          <Alert color="orange" role="status" title={job.state === 'failed' ? t('data:progress.failed') : t('data:progress.stalled')}>
            <ErrorNotice error={resumeError} />
            <Button mt="sm" onClick={() => void resume()} loading={resuming} data-testid="import-resume">
              {t('data:progress.resume')}
            </Button>
          </Alert>
        ) : null}
        <section aria-labelledby="import-report">
          <Title order={2} size="h4" id="import-report" mb="xs">
            {t('data:progress.report')}
          </Title>
          {problems.length === 0 ? (
            <Text>{finished(job.state) ? t('data:progress.reportEmpty') : null}</Text>
          ) : (
            <Table withTableBorder striped data-testid="import-report">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th scope="col">{t('data:progress.line')}</Table.Th>
                  <Table.Th scope="col">{t('data:progress.column')}</Table.Th>
                  <Table.Th scope="col">{t('data:progress.kind')}</Table.Th>
                  <Table.Th scope="col">{t('data:progress.reason')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {problems.map((p) => (
                  <Table.Tr key={`${p.line}-${p.column ?? ''}-${p.kind}-${p.reason}`}>
                    <Table.Td>{format.number(p.line)}</Table.Td>
                    <Table.Td>{p.column ?? t('data:progress.noColumn')}</Table.Td>
                    <Table.Td>{t(`data:progress.kinds.${p.kind}`)}</Table.Td>
                    <Table.Td>{p.reason}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          )}
          {nextAfter !== null && nextAfter >= 0 ? (
            <Button variant="default" mt="sm" onClick={() => void more()}>
              {t('data:progress.more')}
            </Button>
          ) : null}
        </section>
      </Stack>
    </>
  );
}
