import { Alert, Table } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useFormat } from '../../i18n/format';
import type { RetentionRun } from './retention-api';

/** What a run did (or, for a dry run, would do) per rule: counts only. */
export function DryRunPreview({ run }: { run: RetentionRun }) {
  const { t } = useTranslation();
  const format = useFormat();
  return (
    <Alert
      color={run.dryRun ? 'blue' : 'teal'}
      title={t(run.dryRun ? 'retention:preview.dryTitle' : 'retention:preview.realTitle')}
      data-testid="retention-preview"
    >
      <Table aria-label={t('retention:preview.table')}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('retention:fields.object')}</Table.Th>
            <Table.Th>{t('retention:fields.action')}</Table.Th>
            <Table.Th>{t('retention:counts.due')}</Table.Th>
            <Table.Th>{t(run.dryRun ? 'retention:counts.wouldChange' : 'retention:counts.changed')}</Table.Th>
            <Table.Th>{t('retention:counts.held')}</Table.Th>
            <Table.Th>{t('retention:counts.restricted')}</Table.Th>
            <Table.Th>{t('retention:counts.referenced')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {run.rules.map((r) => (
            <Table.Tr key={r.ruleId}>
              <Table.Td>{t(`retention:object.${r.object}`, { defaultValue: r.object })}</Table.Td>
              <Table.Td>{t(`retention:action.${r.action}`)}</Table.Td>
              <Table.Td>{format.number(r.due)}</Table.Td>
              <Table.Td>{format.number(r.removed + r.anonymised)}</Table.Td>
              <Table.Td>{format.number(r.held)}</Table.Td>
              <Table.Td>{format.number(r.restricted)}</Table.Td>
              <Table.Td>{format.number(r.referenced)}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Alert>
  );
}
