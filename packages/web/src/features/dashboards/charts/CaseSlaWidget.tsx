import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { request } from '../../../api/client';
import { useFormat } from '../../../i18n/format';
import { ChartCard } from './ChartCard';
import { BarChart } from './lazy-charts';

interface Clock {
  met: number;
  breached: number;
  running: number;
  compliancePct: number | null;
}
interface Priority {
  priority: string;
  total: number;
  open: number;
  breached: number;
  withinSla: number;
  response: Clock;
  resolution: Clock;
}

/** Case SLA compliance by priority: within SLA, breached and open as stacked bars; response and resolution compliance in the table. */
export default function CaseSlaWidget() {
  const { t } = useTranslation();
  const format = useFormat();
  const query = useQuery({
    queryKey: ['dashboards', 'case-sla'],
    queryFn: async () => (await request<{ items: Priority[] }>('GET', '/api/v1/dashboards/case-sla')).items,
  });
  const items = query.data ?? [];
  const within = t('dashboards:caseSla.within');
  const breached = t('dashboards:caseSla.breached');
  const open = t('dashboards:caseSla.open');
  const priority = (p: string) => t(`dashboards:caseSla.priorities.${p}`, { defaultValue: p.toUpperCase() });
  const data = items.map((i) => ({ priority: priority(i.priority), [within]: i.withinSla, [breached]: i.breached, [open]: i.open }));
  const pct = (c: Clock) => (c.compliancePct == null ? '—' : format.percent(c.compliancePct / 100));
  return (
    <ChartCard
      id="caseSla"
      title={t('dashboards:caseSla.title')}
      description={t('dashboards:caseSla.description')}
      loading={query.isLoading}
      error={query.error}
      rows={items}
      rowKey={(i) => i.priority}
      columns={[
        { header: t('dashboards:caseSla.priority'), cell: (i) => priority(i.priority) },
        { header: t('dashboards:caseSla.total'), cell: (i) => format.number(i.total) },
        { header: within, cell: (i) => format.number(i.withinSla) },
        { header: breached, cell: (i) => format.number(i.breached) },
        { header: open, cell: (i) => format.number(i.open) },
        { header: t('dashboards:caseSla.response'), cell: (i) => pct(i.response) },
        { header: t('dashboards:caseSla.resolution'), cell: (i) => pct(i.resolution) },
      ]}
      chart={
        <BarChart
          h={260}
          data={data}
          dataKey="priority"
          type="stacked"
          series={[
            { name: within, color: 'teal.6' },
            { name: breached, color: 'red.6' },
            { name: open, color: 'gray.5' },
          ]}
          valueFormatter={(v) => format.number(v)}
          withLegend
        />
      }
    />
  );
}
