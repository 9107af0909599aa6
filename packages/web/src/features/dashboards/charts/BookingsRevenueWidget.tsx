import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { request } from '../../../api/client';
import { useFormat } from '../../../i18n/format';
import { monthLabel, type RevenueItem, revenueByMonth } from '../shape';
import { ChartCard, palette } from './ChartCard';
import { BarChart } from './lazy-charts';

/** Net bookings revenue by channel and month of air date (CNY, fen), stacked per channel. */
export default function BookingsRevenueWidget() {
  const { t } = useTranslation();
  const format = useFormat();
  const query = useQuery({
    queryKey: ['dashboards', 'bookings-revenue'],
    queryFn: async () => (await request<{ items: RevenueItem[] }>('GET', '/api/v1/dashboards/bookings-revenue')).items,
  });
  const items = query.data ?? [];
  const { rows, channels } = revenueByMonth(items);
  // Series keys without dots (a channel code such as FM101.8 would read as a path in the chart library).
  const data = rows.map((r) => ({ month: monthLabel(String(r.month), format.locale), ...Object.fromEntries(channels.map((c, i) => [`c${i}`, r[c] ?? 0])) }));
  return (
    <ChartCard
      id="bookingsRevenue"
      title={t('dashboards:bookingsRevenue.title')}
      description={t('dashboards:bookingsRevenue.description')}
      loading={query.isLoading}
      error={query.error}
      rows={items}
      rowKey={(i) => `${i.channelId}:${i.month}`}
      columns={[
        { header: t('dashboards:bookingsRevenue.month'), cell: (i) => monthLabel(i.month, format.locale) },
        { header: t('dashboards:bookingsRevenue.channel'), cell: (i) => i.channelCode ?? i.channelId },
        { header: t('dashboards:bookingsRevenue.bookings'), cell: (i) => format.number(i.bookings) },
        { header: t('dashboards:bookingsRevenue.net'), cell: (i) => format.money(i.netAmount, 'CNY') },
      ]}
      chart={
        <BarChart
          h={280}
          data={data}
          dataKey="month"
          type="stacked"
          series={channels.map((label, i) => ({ name: `c${i}`, label, color: palette[i % palette.length] }))}
          valueFormatter={(v) => format.money(v, 'CNY')}
          withLegend
          yAxisProps={{ width: 110 }}
        />
      }
    />
  );
}
