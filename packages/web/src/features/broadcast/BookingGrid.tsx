import { Alert, Box, Button, Checkbox, Grid, Group, NumberInput, Paper, Select, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { TFunction } from 'i18next';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { ApiError } from '../../api/api-error';
import { newIdempotencyKey, request } from '../../api/client';
import { usePermissions } from '../../app/session';
import { ErrorNotice } from '../../components/ErrorNotice';
import { Loading } from '../../components/Loading';
import { PageHeader } from '../../components/PageHeader';
import { type Format, useFormat } from '../../i18n/format';
import {
  type CapRefusal,
  capRefusal,
  clock,
  type FillLevel,
  HOUR_CAP_SECONDS,
  hourOfTime,
  levelOf,
  PEAK_CAP_SECONDS,
  peakHoursOf,
  secondsOf,
} from './airtime-caps';
import { type Row, text, today, useList } from './data';
import { ToneBadge } from './ToneBadge';

interface Fill {
  channelId: string;
  channelCode: string;
  kind: string;
  date: string;
  hours: { hour: number; commercialSeconds: number; publicServiceSeconds: number; capSeconds: number; remainingSeconds: number }[];
  primeTime: { from: string; to: string; commercialSeconds: number; capSeconds: number; remainingSeconds: number } | null;
}

const levelColour: Record<FillLevel, string> = { ok: 'teal', near: 'yellow', full: 'orange', over: 'red' };
const spotLengths = ['5', '10', '15', '30'];

/** The refusal of a planned booking in words: the hour (or window) and the minutes. */
export function refusalText(t: TFunction, format: Format, refusal: CapRefusal): string {
  const minutes = {
    used: format.duration(refusal.usedSeconds),
    add: format.duration(refusal.addSeconds),
    total: format.duration(refusal.totalSeconds),
    cap: format.duration(refusal.capSeconds),
  };
  return refusal.kind === 'hour'
    ? t('broadcast:grid.refuseHour', { from: clock(refusal.hour), to: clock(refusal.hour + 1), ...minutes })
    : t('broadcast:grid.refusePeak', { from: clock(refusal.fromHour), to: clock(refusal.toHour), ...minutes });
}

function LevelBadge({ level }: { level: FillLevel }) {
  const { t } = useTranslation();
  return (
    <ToneBadge tone={levelColour[level]} strong={level === 'over'} data-testid="fill-level" data-level={level}>
      {t(`broadcast:grid.level.${level}`)}
    </ToneBadge>
  );
}

/** A channel's day as a grid of clock hours: commercial minutes used against the caps, and booking spots into an hour. */
export function BookingGrid() {
  const { t } = useTranslation();
  const format = useFormat();
  const { can } = usePermissions();
  const channels = useList('/api/v1/channels', { sort: 'code', order: 'asc' });
  const [channelId, setChannelId] = useState<string | null>(null);
  const [date, setDate] = useState(today());
  const [hour, setHour] = useState<number | null>(null);
  const channel = channels.data?.items.find((c) => c.id === channelId) ?? null;
  const validDate = /^\d{4}-\d{2}-\d{2}$/.test(date);
  const fill = useQuery({
    queryKey: ['broadcast', 'airtime-fill', channelId, date],
    queryFn: () => request<Fill>('GET', '/api/v1/dashboards/airtime-fill', { query: { channelId, date } }),
    enabled: Boolean(channelId) && validDate,
  });

  if (channels.isPending) return <Loading />;
  if (channels.error) return <ErrorNotice error={channels.error} />;
  const kind = text(fill.data?.kind ?? channel?.kind);
  const peak = peakHoursOf(kind);

  return (
    <>
      <PageHeader title={t('broadcast:grid.title')} />
      <Group align="flex-end" mb="md">
        <Select
          label={t('broadcast:grid.channel')}
          placeholder={t('broadcast:grid.channelPick')}
          searchable
          value={channelId}
          onChange={(v) => {
            setChannelId(v);
            setHour(null);
          }}
          data={channels.data.items.map((c) => ({ value: c.id, label: `${text(c.code)} · ${text(c.name)}` }))}
          w={280}
          data-testid="grid-channel"
        />
        <TextInput
          type="date"
          label={t('broadcast:grid.date')}
          value={date}
          onChange={(e) => {
            setDate(e.currentTarget.value);
            setHour(null);
          }}
          w={180}
          data-testid="grid-date"
        />
      </Group>
      <Text size="sm" c="dimmed" mb="md">
        {t('broadcast:grid.rules', { hourCap: format.duration(HOUR_CAP_SECONDS), peakCap: format.duration(PEAK_CAP_SECONDS) })}
      </Text>
      {!channelId ? (
        <Text>{t('broadcast:grid.pickFirst')}</Text>
      ) : fill.isPending ? (
        <Loading />
      ) : fill.error ? (
        <ErrorNotice error={fill.error} />
      ) : (
        <Grid>
          <Grid.Col span={{ base: 12, md: 7 }}>
            {fill.data.primeTime ? (
              <Paper withBorder p="xs" mb="sm" data-testid="prime-time">
                <Group justify="space-between">
                  <Text size="sm">
                    {t('broadcast:grid.peak', {
                      from: fill.data.primeTime.from,
                      to: fill.data.primeTime.to,
                      used: format.duration(fill.data.primeTime.commercialSeconds),
                      cap: format.duration(fill.data.primeTime.capSeconds),
                    })}
                  </Text>
                  <LevelBadge level={levelOf(fill.data.primeTime.commercialSeconds, fill.data.primeTime.capSeconds)} />
                </Group>
              </Paper>
            ) : null}
            <Table striped highlightOnHover withTableBorder data-testid="booking-grid" captionSide="top">
              <Table.Caption>{t('broadcast:grid.caption', { channel: fill.data.channelCode, date: format.date(`${date}T00:00:00`) })}</Table.Caption>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th scope="col">{t('broadcast:grid.hour')}</Table.Th>
                  <Table.Th scope="col">{t('broadcast:grid.used')}</Table.Th>
                  <Table.Th scope="col">{t('broadcast:grid.remaining')}</Table.Th>
                  <Table.Th scope="col">{t('broadcast:grid.publicService')}</Table.Th>
                  <Table.Th scope="col">{t('broadcast:grid.state')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {fill.data.hours.map((h) => (
                  <Table.Tr key={h.hour} data-testid={`hour-${h.hour}`} bg={hour === h.hour ? 'blue.0' : undefined}>
                    <Table.Th scope="row">
                      <Button
                        size="compact-sm"
                        variant={hour === h.hour ? 'filled' : 'subtle'}
                        onClick={() => setHour(h.hour)}
                        aria-pressed={hour === h.hour}
                        aria-label={t('broadcast:grid.selectHour', { from: clock(h.hour), to: clock(h.hour + 1) })}
                      >
                        {clock(h.hour)}
                        {peak.includes(h.hour) ? ` ★` : ''}
                      </Button>
                    </Table.Th>
                    <Table.Td data-testid="hour-used">
                      {format.duration(h.commercialSeconds)} / {format.duration(h.capSeconds)}
                    </Table.Td>
                    <Table.Td>{format.duration(h.remainingSeconds)}</Table.Td>
                    <Table.Td>{format.duration(h.publicServiceSeconds)}</Table.Td>
                    <Table.Td>
                      <LevelBadge level={levelOf(h.commercialSeconds, h.capSeconds)} />
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
            {peak.length ? (
              <Text size="xs" c="dimmed" mt="xs">
                {t('broadcast:grid.peakMark', { from: clock(peak[0] as number), to: clock((peak[peak.length - 1] as number) + 1) })}
              </Text>
            ) : null}
          </Grid.Col>
          <Grid.Col span={{ base: 12, md: 5 }}>
            {hour === null ? (
              <Text>{t('broadcast:grid.pickHour')}</Text>
            ) : can('bookings.create') ? (
              <BookingForm key={`${channelId}-${date}-${hour}`} channelId={channelId} date={date} hour={hour} kind={kind} fill={fill.data} />
            ) : (
              <Text>{t('broadcast:grid.readOnly')}</Text>
            )}
          </Grid.Col>
        </Grid>
      )}
    </>
  );
}

function BookingForm({ channelId, date, hour, kind, fill }: { channelId: string; date: string; hour: number; kind: string; fill: Fill }) {
  const { t } = useTranslation();
  const format = useFormat();
  const queryClient = useQueryClient();
  const [idempotencyKey, setIdempotencyKey] = useState(newIdempotencyKey);
  const breaks = useList('/api/v1/breaks', { channelId });
  const dayparts = useList('/api/v1/dayparts', { channelId });
  const deals = useList('/api/v1/deals', { sort: 'updatedAt', order: 'desc' });
  const [dealId, setDealId] = useState<string | null>(null);
  const [breakId, setBreakId] = useState<string | null>(null);
  const [spotLength, setSpotLength] = useState<string>('30');
  const [count, setCount] = useState<number | string>(1);
  const [publicService, setPublicService] = useState(false);
  const [made, setMade] = useState<Row | null>(null);
  const inHour = useMemo(
    () => (breaks.data?.items ?? []).filter((b) => hourOfTime(text(b.startTime)) === hour).sort((a, b) => text(a.startTime).localeCompare(text(b.startTime))),
    [breaks.data, hour],
  );
  const daypartName = new Map((dayparts.data?.items ?? []).map((d) => [d.id, text(d.name)]));
  const planned = { hour, spotLength: Number(spotLength), count: typeof count === 'number' ? count : Number(count) || 0, publicService };
  const adds = secondsOf(planned);
  const refusal = capRefusal(kind, fill.hours, planned);

  const book = useMutation({
    mutationFn: () =>
      request<Row>('POST', '/api/v1/bookings', {
        body: { dealId, channelId, breakId, airDate: date, spotLength: planned.spotLength, count: planned.count, publicService },
        headers: { 'idempotency-key': idempotencyKey },
      }),
    onSuccess: (booking) => {
      setMade(booking);
      setIdempotencyKey(newIdempotencyKey());
    },
    onSettled: () => void queryClient.invalidateQueries({ queryKey: ['broadcast', 'airtime-fill', channelId, date] }),
  });
  const fieldErrors = book.error instanceof ApiError ? book.error.fieldErrors() : {};
  const ready = Boolean(dealId && breakId) && planned.count > 0;

  return (
    <Paper withBorder p="md" component="section" aria-labelledby="booking-form-title" data-testid="booking-form">
      <Title order={2} size="h4" id="booking-form-title" mb="sm">
        {t('broadcast:grid.formTitle', { from: clock(hour), to: clock(hour + 1) })}
      </Title>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          setMade(null);
          if (refusal || !ready) return;
          book.mutate();
        }}
      >
        <Stack gap="sm">
          <Select
            label={t('broadcast:grid.deal')}
            required
            searchable
            value={dealId}
            onChange={setDealId}
            data={(deals.data?.items ?? []).map((d) => ({ value: d.id, label: text(d.name) }))}
            error={fieldErrors.dealId}
            data-testid="booking-deal"
          />
          <Select
            label={t('broadcast:grid.break')}
            required
            value={breakId}
            onChange={setBreakId}
            nothingFoundMessage={t('broadcast:grid.noBreaks')}
            data={inHour.map((b) => ({
              value: b.id,
              label: t('broadcast:grid.breakOption', {
                time: text(b.startTime),
                name: text(b.name) || text(b.startTime),
                daypart: daypartName.get(text(b.daypartId)) ?? '',
                capacity: format.duration(Number(b.maxDuration ?? 0)),
              }),
            }))}
            error={fieldErrors.breakId}
            data-testid="booking-break"
          />
          {breaks.data && inHour.length === 0 ? <Text size="sm">{t('broadcast:grid.noBreaks')}</Text> : null}
          <Group grow>
            <Select
              label={t('broadcast:grid.spotLength')}
              required
              allowDeselect={false}
              value={spotLength}
              onChange={(v) => setSpotLength(v ?? '30')}
              data={spotLengths.map((s) => ({ value: s, label: t('broadcast:grid.seconds', { n: s }) }))}
              error={fieldErrors.spotLength}
              data-testid="booking-length"
            />
            <NumberInput
              label={t('broadcast:grid.count')}
              required
              min={1}
              max={100}
              value={count}
              onChange={setCount}
              error={fieldErrors.count}
              data-testid="booking-count"
            />
          </Group>
          <Checkbox label={t('broadcast:grid.publicServiceSpots')} checked={publicService} onChange={(e) => setPublicService(e.currentTarget.checked)} />
          <Text size="sm" data-testid="booking-adds">
            {publicService
              ? t('broadcast:grid.addsPublic', { add: format.duration(adds) })
              : t('broadcast:grid.adds', { add: format.duration(adds), from: clock(hour), to: clock(hour + 1) })}
          </Text>
          {refusal ? (
            <Alert color="red" role="alert" title={t('broadcast:grid.refusedTitle')} data-testid="cap-refusal">
              {refusalText(t, format, refusal)}
            </Alert>
          ) : null}
          {book.error ? (
            <Box data-testid="booking-api-refusal">
              <ErrorNotice error={book.error} />
            </Box>
          ) : null}
          {made ? (
            <Alert color="teal" role="status" data-testid="booking-made">
              {t('broadcast:grid.booked')} <Link to={`/bookings/${made.id}`}>{t('broadcast:grid.openBooking')}</Link>
            </Alert>
          ) : null}
          <Group justify="flex-end">
            <Button type="submit" loading={book.isPending} disabled={Boolean(refusal) || !ready} data-testid="booking-submit">
              {t('broadcast:grid.book')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Paper>
  );
}
