import '@mantine/charts/styles.css';
import { Box, Card, Group, SegmentedControl, Stack, Table, Text, Title } from '@mantine/core';
import { type ReactNode, useContext, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorNotice } from '../../../components/ErrorNotice';
import { LoadBoundary } from '../../../components/LoadBoundary';
import { Loading } from '../../../components/Loading';
import { InitialDashboardView } from './initial-view';

export interface Column<Row> {
  header: string;
  cell: (row: Row) => ReactNode;
}

interface Props<Row> {
  id: string;
  title: string;
  description?: string;
  controls?: ReactNode;
  loading: boolean;
  error: unknown;
  rows: Row[];
  columns: Column<Row>[];
  rowKey: (row: Row) => string;
  chart: ReactNode;
  footer?: ReactNode;
}

/**
 * One dashboard: its title, the chart, and the same numbers as a table (a switch between the two;
 * the table is what a screen reader or a keyboard user reads).
 */
export function ChartCard<Row>({ id, title, description, controls, loading, error, rows, columns, rowKey, chart, footer }: Props<Row>) {
  const { t } = useTranslation();
  const [view, setView] = useState<'chart' | 'table'>(useContext(InitialDashboardView));
  const headingId = useId();
  return (
    <Card withBorder padding="md" radius="md" component="section" aria-labelledby={headingId} data-testid={`dashboard-${id}`}>
      <Stack gap="sm">
        <Group justify="space-between" align="flex-start" wrap="nowrap">
          <div>
            <Title order={2} size="h4" id={headingId}>
              {title}
            </Title>
            {description ? (
              <Text size="sm" c="dark.4">
                {description}
              </Text>
            ) : null}
          </div>
          <SegmentedControl
            size="xs"
            aria-label={t('dashboards:view', { title })}
            value={view}
            onChange={(v) => setView(v as 'chart' | 'table')}
            data={[
              { value: 'chart', label: t('dashboards:chart') },
              { value: 'table', label: t('dashboards:table') },
            ]}
            data-testid={`dashboard-${id}-view`}
          />
        </Group>
        {controls}
        <ErrorNotice error={error} />
        {loading ? (
          <Loading />
        ) : !rows.length ? (
          <Text c="dark.4">{t('dashboards:noData')}</Text>
        ) : view === 'chart' ? (
          <div data-testid={`dashboard-${id}-chart`}>
            <LoadBoundary fallback={<Loading />}>{chart}</LoadBoundary>
          </div>
        ) : (
          // A scrollable region must be reachable by keyboard (WCAG 2.1.1)
          <Box role="region" aria-label={title} tabIndex={0} style={{ overflowX: 'auto' }}>
            <Table striped data-testid={`dashboard-${id}-table`}>
              <caption>{title}</caption>
              <Table.Thead>
                <Table.Tr>
                  {columns.map((c) => (
                    <Table.Th key={c.header} scope="col">
                      {c.header}
                    </Table.Th>
                  ))}
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {rows.map((row) => (
                  <Table.Tr key={rowKey(row)}>
                    {columns.map((c) => (
                      <Table.Td key={c.header}>{c.cell(row)}</Table.Td>
                    ))}
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Box>
        )}
        {footer}
      </Stack>
    </Card>
  );
}

/** Colours for series, in order. */
export const palette = ['indigo.6', 'teal.6', 'orange.6', 'grape.6', 'cyan.6', 'red.6', 'lime.7', 'pink.6', 'blue.6', 'yellow.7'];
