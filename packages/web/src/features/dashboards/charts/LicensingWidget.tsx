import { Table, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { request } from '../../../api/client';
import { useFormat } from '../../../i18n/format';
import { type LicenceRevenue, licenceRevenueByYear } from '../shape';
import { ChartCard, palette } from './ChartCard';
import { BarChart } from './lazy-charts';

interface Money {
  currency: string;
  count: number;
  amountFen: number;
}
interface Licensing {
  asOf: string;
  revenue: LicenceRevenue[];
  payments: { due: Money[]; overdue: Money[]; paid: Money[] } | null;
}

/** Licence revenue by year signed (per currency) and payments due, overdue and paid. */
export default function LicensingWidget() {
  const { t, i18n } = useTranslation();
  const format = useFormat();
  const query = useQuery({ queryKey: ['dashboards', 'licensing'], queryFn: () => request<Licensing>('GET', '/api/v1/dashboards/licensing') });
  const revenue = query.data?.revenue ?? [];
  const { rows, currencies } = licenceRevenueByYear(revenue);
  const zh = (i18n.resolvedLanguage ?? 'en') === 'zh';
  const title = (r: LicenceRevenue) => (zh ? (r.titleZh ?? r.titleEn) : (r.titleEn ?? r.titleZh)) ?? r.titleId;
  const payments = query.data?.payments;
  const data = rows.map((r) => ({ ...r, year: String(r.year) }));
  return (
    <ChartCard
      id="licensing"
      title={t('dashboards:licensing.title')}
      description={t('dashboards:licensing.description')}
      loading={query.isLoading}
      error={query.error}
      rows={revenue}
      rowKey={(r) => `${r.titleId}:${r.year}:${r.currency}`}
      columns={[
        { header: t('dashboards:licensing.titleCol'), cell: title },
        { header: t('dashboards:licensing.year'), cell: (r) => String(r.year) },
        { header: t('dashboards:licensing.licences'), cell: (r) => format.number(r.licences) },
        { header: t('dashboards:licensing.fees'), cell: (r) => format.money(r.feeFen, r.currency) },
      ]}
      chart={
        currencies.length === 1 ? (
          <BarChart
            h={260}
            data={data}
            dataKey="year"
            series={currencies.map((name, i) => ({ name, color: palette[i % palette.length] }))}
            valueFormatter={(v) => format.money(v, currencies[0])}
            yAxisProps={{ width: 110 }}
          />
        ) : (
          <BarChart
            h={260}
            data={data}
            dataKey="year"
            series={currencies.map((name, i) => ({ name, color: palette[i % palette.length] }))}
            valueFormatter={(v) => format.number(v / 100)}
            withLegend
            yAxisProps={{ width: 90 }}
          />
        )
      }
      footer={
        payments ? (
          <Table withTableBorder data-testid="licensing-payments">
            <caption>{t('dashboards:licensing.payments', { date: format.date(query.data?.asOf) })}</caption>
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">{t('dashboards:licensing.status')}</Table.Th>
                <Table.Th scope="col">{t('dashboards:licensing.count')}</Table.Th>
                <Table.Th scope="col">{t('dashboards:licensing.amount')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {(['due', 'overdue', 'paid'] as const).map((status) => (
                <Table.Tr key={status}>
                  <Table.Th scope="row">{t(`dashboards:licensing.statuses.${status}`)}</Table.Th>
                  <Table.Td>{format.number(payments[status].reduce((n, m) => n + m.count, 0))}</Table.Td>
                  <Table.Td>
                    {payments[status].length ? payments[status].map((m) => format.money(m.amountFen, m.currency)).join(' · ') : <Text span>—</Text>}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        ) : null
      }
    />
  );
}
