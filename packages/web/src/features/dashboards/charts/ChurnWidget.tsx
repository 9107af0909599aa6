import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { request } from '../../../api/client';
import { useFormat } from '../../../i18n/format';
import { monthLabel } from '../shape';
import { ChartCard } from './ChartCard';
import { LineChart } from './lazy-charts';

interface Month {
  month: string;
  activeAtStart: number;
  cancelled: number;
  churnRate: number | null;
}

/** Subscriber churn by month: the rate as a line; active and cancelled in the table. */
export default function ChurnWidget() {
  const { t } = useTranslation();
  const format = useFormat();
  const query = useQuery({
    queryKey: ['dashboards', 'churn'],
    queryFn: async () => (await request<{ months: Month[] }>('GET', '/api/v1/dashboards/churn')).months,
  });
  const months = query.data ?? [];
  const rate = t('dashboards:churn.rate');
  const data = months.map((m) => ({ month: monthLabel(m.month, format.locale), [rate]: m.churnRate ?? 0 }));
  return (
    <ChartCard
      id="churn"
      title={t('dashboards:churn.title')}
      description={t('dashboards:churn.description')}
      loading={query.isLoading}
      error={query.error}
      rows={months}
      rowKey={(m) => m.month}
      columns={[
        { header: t('dashboards:churn.month'), cell: (m) => monthLabel(m.month, format.locale) },
        { header: t('dashboards:churn.active'), cell: (m) => format.number(m.activeAtStart) },
        { header: t('dashboards:churn.cancelled'), cell: (m) => format.number(m.cancelled) },
        { header: rate, cell: (m) => (m.churnRate == null ? '—' : format.percent(m.churnRate)) },
      ]}
      chart={
        <LineChart
          h={260}
          data={data}
          dataKey="month"
          series={[{ name: rate, color: 'red.6' }]}
          valueFormatter={(v) => format.percent(v)}
          curveType="monotone"
        />
      }
    />
  );
}
