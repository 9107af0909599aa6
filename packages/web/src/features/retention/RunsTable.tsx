import { Badge, Button, Table, Text } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { ErrorNotice } from '../../components/ErrorNotice';
import { useFormat } from '../../i18n/format';
import { saveFile } from '../compliance/compliance-api';
import { fetchCertificate, type RetentionRun, sum } from './retention-api';

/** The latest runs with their totals; a real run's signed certificate can be downloaded. */
export function RunsTable({ runs }: { runs: RetentionRun[] }) {
  const { t } = useTranslation();
  const format = useFormat();
  const download = useMutation({
    mutationFn: (id: string) => fetchCertificate(id),
    onSuccess: ({ blob, name }) => saveFile(blob, name),
  });
  if (!runs.length) return <Text c="dimmed">{t('retention:runs.none')}</Text>;
  return (
    <>
      <ErrorNotice error={download.error} />
      <Table.ScrollContainer minWidth={720}>
        <Table striped aria-label={t('retention:runs.title')}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('retention:runs.started')}</Table.Th>
              <Table.Th>{t('retention:runs.kind')}</Table.Th>
              <Table.Th>{t('retention:runs.state')}</Table.Th>
              <Table.Th>{t('retention:counts.due')}</Table.Th>
              <Table.Th>{t('retention:counts.removed')}</Table.Th>
              <Table.Th>{t('retention:counts.anonymised')}</Table.Th>
              <Table.Th>{t('retention:counts.held')}</Table.Th>
              <Table.Th>{t('retention:runs.certificate')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {runs.map((run) => (
              <Table.Tr key={run.id} data-testid="retention-run-row">
                <Table.Td>{format.dateTime(run.startedAt)}</Table.Td>
                <Table.Td>
                  {t(`retention:runs.${run.kind}`)} {run.dryRun ? <Badge variant="outline">{t('retention:runs.dryRun')}</Badge> : null}
                </Table.Td>
                <Table.Td>{t(`retention:runs.states.${run.state}`)}</Table.Td>
                <Table.Td>{format.number(sum(run, 'due'))}</Table.Td>
                <Table.Td>{format.number(sum(run, 'removed'))}</Table.Td>
                <Table.Td>{format.number(sum(run, 'anonymised'))}</Table.Td>
                <Table.Td>{format.number(sum(run, 'held') + sum(run, 'restricted') + sum(run, 'referenced'))}</Table.Td>
                <Table.Td>
                  {run.certificate ? (
                    <Button
                      size="xs"
                      variant="light"
                      onClick={() => download.mutate(run.id)}
                      loading={download.isPending && download.variables === run.id}
                      data-testid="retention-certificate"
                    >
                      {t('retention:runs.download')}
                    </Button>
                  ) : (
                    <Text size="sm" c="dimmed">
                      —
                    </Text>
                  )}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </>
  );
}
