import { Group, Select, Text, TextInput } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { request } from '../../../api/client';
import { useFormat } from '../../../i18n/format';
import { localToday } from '../shape';
import { ChartCard } from './ChartCard';
import { BarChart } from './lazy-charts';

interface Channel {
  id: string;
  code?: string;
  name?: string;
}
interface Hour {
  hour: number;
  commercialSeconds: number;
  publicServiceSeconds: number;
  capSeconds: number;
  remainingSeconds: number;
}
interface Fill {
  channelId: string;
  channelCode: string;
  kind: string;
  date: string;
  hours: Hour[];
  primeTime: {
    from: string;
    to: string;
    commercialSeconds: number;
    capSeconds: number;
    remainingSeconds: number;
    publicServiceSpots: number;
    minimumPublicServiceSpots: number;
  } | null;
  publicService: { seconds: number; commercialSeconds: number; share: number | null; minimumShare: number; met: boolean };
}

/** A channel's day: commercial seconds per clock hour against the 12-minute cap, the prime-time window and the public-service share. */
export default function AirtimeFillWidget() {
  const { t } = useTranslation();
  const format = useFormat();
  const [channelId, setChannelId] = useState<string | null>(null);
  const [date, setDate] = useState(localToday);
  const channels = useQuery({
    queryKey: ['dashboards', 'channels'],
    queryFn: async () => (await request<{ items: Channel[] }>('GET', '/api/v1/channels', { query: { limit: 200 } })).items,
  });
  const chosen = channelId ?? channels.data?.[0]?.id ?? null;
  const fill = useQuery({
    queryKey: ['dashboards', 'airtime-fill', chosen, date],
    enabled: Boolean(chosen && /^\d{4}-\d{2}-\d{2}$/.test(date)),
    queryFn: () => request<Fill>('GET', '/api/v1/dashboards/airtime-fill', { query: { channelId: chosen, date } }),
  });
  const hours = fill.data?.hours ?? [];
  const commercial = t('dashboards:airtimeFill.commercial');
  const publicService = t('dashboards:airtimeFill.publicService');
  const data = hours.map((h) => ({
    hour: `${String(h.hour).padStart(2, '0')}:00`,
    [commercial]: h.commercialSeconds,
    [publicService]: h.publicServiceSeconds,
  }));
  const prime = fill.data?.primeTime;
  const share = fill.data?.publicService;
  return (
    <ChartCard
      id="airtimeFill"
      title={t('dashboards:airtimeFill.title')}
      description={t('dashboards:airtimeFill.description')}
      controls={
        <Group gap="sm" align="flex-end">
          <Select
            label={t('dashboards:airtimeFill.channel')}
            data={(channels.data ?? []).map((c) => ({ value: c.id, label: [c.code, c.name].filter(Boolean).join(' · ') || c.id }))}
            value={chosen}
            onChange={setChannelId}
            allowDeselect={false}
            searchable
            w={220}
            size="xs"
          />
          <TextInput type="date" label={t('dashboards:airtimeFill.date')} value={date} onChange={(e) => setDate(e.currentTarget.value)} size="xs" w={160} />
        </Group>
      }
      loading={channels.isLoading || fill.isLoading}
      error={channels.error ?? fill.error}
      rows={hours}
      rowKey={(h) => String(h.hour)}
      columns={[
        { header: t('dashboards:airtimeFill.hour'), cell: (h) => `${String(h.hour).padStart(2, '0')}:00` },
        { header: commercial, cell: (h) => format.duration(h.commercialSeconds) },
        { header: publicService, cell: (h) => format.duration(h.publicServiceSeconds) },
        { header: t('dashboards:airtimeFill.cap'), cell: (h) => format.duration(h.capSeconds) },
        { header: t('dashboards:airtimeFill.remaining'), cell: (h) => format.duration(h.remainingSeconds) },
      ]}
      chart={
        <BarChart
          h={280}
          data={data}
          dataKey="hour"
          type="stacked"
          series={[
            { name: commercial, color: 'indigo.6' },
            { name: publicService, color: 'teal.6' },
          ]}
          referenceLines={[{ y: 720, color: 'red.7', label: t('dashboards:airtimeFill.capLine') }]}
          valueFormatter={(v) => format.duration(v)}
          yAxisProps={{ domain: [0, (max: number) => Math.max(max, 780)] }}
          withLegend
        />
      }
      footer={
        fill.data ? (
          <Text size="sm" data-testid="airtime-summary">
            {prime
              ? t('dashboards:airtimeFill.prime', {
                  from: prime.from,
                  to: prime.to,
                  used: format.duration(prime.commercialSeconds),
                  cap: format.duration(prime.capSeconds),
                })
              : ''}{' '}
            {share
              ? t(share.met ? 'dashboards:airtimeFill.shareMet' : 'dashboards:airtimeFill.shareNotMet', {
                  share: format.percent(share.share ?? 0),
                  minimum: format.percent(share.minimumShare),
                })
              : ''}
          </Text>
        ) : null
      }
    />
  );
}
