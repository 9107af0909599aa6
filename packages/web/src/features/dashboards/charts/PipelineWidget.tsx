import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { request } from '../../../api/client';
import { useFormat } from '../../../i18n/format';
import { mainCurrency } from '../shape';
import { ChartCard } from './ChartCard';
import { BarChart } from './lazy-charts';

interface Stage {
  stageId: string;
  code: string | null;
  name: string | null;
  position: number | null;
  probability: number | null;
  isWon: boolean;
  isLost: boolean;
  count: number;
  amounts: { currency: string; count: number; amount: number; weightedAmount: number }[];
}

/** Deals by pipeline stage: the amount and weighted amount (main currency) as bars; every currency in the table. */
export default function PipelineWidget() {
  const { t } = useTranslation();
  const format = useFormat();
  const query = useQuery({
    queryKey: ['dashboards', 'pipeline'],
    queryFn: async () => (await request<{ items: Stage[] }>('GET', '/api/v1/dashboards/pipeline')).items,
  });
  const stages = query.data ?? [];
  const currency = mainCurrency(stages.flatMap((s) => s.amounts)) ?? 'CNY';
  const label = (s: Stage) => s.name ?? s.code ?? s.stageId;
  const amountKey = t('dashboards:pipeline.amount');
  const weightedKey = t('dashboards:pipeline.weighted');
  const data = stages.map((s) => {
    const money = s.amounts.find((a) => a.currency === currency);
    return { stage: label(s), [amountKey]: money?.amount ?? 0, [weightedKey]: money?.weightedAmount ?? 0 };
  });
  const money = (s: Stage, pick: 'amount' | 'weightedAmount') => s.amounts.map((a) => format.money(a[pick], a.currency)).join(' · ');
  return (
    <ChartCard
      id="pipeline"
      title={t('dashboards:pipeline.title')}
      description={t('dashboards:pipeline.description', { currency })}
      loading={query.isLoading}
      error={query.error}
      rows={stages}
      rowKey={(s) => s.stageId}
      columns={[
        { header: t('dashboards:pipeline.stage'), cell: label },
        { header: t('dashboards:pipeline.count'), cell: (s) => format.number(s.count) },
        { header: t('dashboards:pipeline.probability'), cell: (s) => (s.probability == null ? '' : format.percent(s.probability / 100)) },
        { header: amountKey, cell: (s) => money(s, 'amount') },
        { header: weightedKey, cell: (s) => money(s, 'weightedAmount') },
      ]}
      chart={
        <BarChart
          h={280}
          data={data}
          dataKey="stage"
          series={[
            { name: amountKey, color: 'indigo.6' },
            { name: weightedKey, color: 'teal.6' },
          ]}
          valueFormatter={(v) => format.money(v, currency)}
          withLegend
          yAxisProps={{ width: 110 }}
        />
      }
    />
  );
}
