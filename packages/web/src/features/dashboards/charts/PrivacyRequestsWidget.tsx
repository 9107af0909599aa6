import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { request } from '../../../api/client';
import { useFormat } from '../../../i18n/format';
import { ChartCard } from './ChartCard';
import { BarChart } from './lazy-charts';

interface Workload {
  law: string;
  open: number;
  overdue: number;
  dueWithinWeek: number;
  awaitingVerification: number;
  closed: number;
}

/** The privacy officer's workload per law: overdue, due within a week and other open requests as stacked bars; closed ones in the table. */
export default function PrivacyRequestsWidget() {
  const { t } = useTranslation();
  const format = useFormat();
  const query = useQuery({
    queryKey: ['dashboards', 'privacy-requests'],
    queryFn: async () => (await request<{ items: Workload[] }>('GET', '/api/v1/dashboards/privacy-requests')).items,
  });
  const items = query.data ?? [];
  const overdue = t('dashboards:privacyRequests.overdue');
  const dueSoon = t('dashboards:privacyRequests.dueWithinWeek');
  const otherOpen = t('dashboards:privacyRequests.otherOpen');
  const law = (l: string) => t(`privacy:laws.${l}`, { defaultValue: l.toUpperCase() });
  const data = items.map((i) => ({ law: law(i.law), [overdue]: i.overdue, [dueSoon]: i.dueWithinWeek, [otherOpen]: i.open - i.overdue - i.dueWithinWeek }));
  return (
    <ChartCard
      id="privacyRequests"
      title={t('dashboards:privacyRequests.title')}
      description={t('dashboards:privacyRequests.description')}
      loading={query.isLoading}
      error={query.error}
      rows={items}
      rowKey={(i) => i.law}
      columns={[
        { header: t('dashboards:privacyRequests.law'), cell: (i) => law(i.law) },
        { header: t('dashboards:privacyRequests.open'), cell: (i) => format.number(i.open) },
        { header: overdue, cell: (i) => format.number(i.overdue) },
        { header: dueSoon, cell: (i) => format.number(i.dueWithinWeek) },
        { header: t('dashboards:privacyRequests.awaitingVerification'), cell: (i) => format.number(i.awaitingVerification) },
        { header: t('dashboards:privacyRequests.closed'), cell: (i) => format.number(i.closed) },
      ]}
      chart={
        <BarChart
          h={220}
          data={data}
          dataKey="law"
          type="stacked"
          series={[
            { name: overdue, color: 'red.6' },
            { name: dueSoon, color: 'orange.6' },
            { name: otherOpen, color: 'gray.5' },
          ]}
          valueFormatter={(v) => format.number(v)}
          withLegend
        />
      }
    />
  );
}
