import { Badge, Group, Text } from '@mantine/core';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useFormat } from '../../i18n/format';
import type { IncidentClock } from './incident-types';

/** Ticks once a second so the clocks count down live. */
export function useNow(): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  return now;
}

function span(ms: number): { h: number; m: number; s: number } {
  const total = Math.floor(Math.abs(ms) / 1000);
  return { h: Math.floor(total / 3600), m: Math.floor((total % 3600) / 60), s: total % 60 };
}

/** One clock: its law, its state and the time left (or over), counted live from its due time. */
export function ClockBadge({ clock, now }: { clock: IncidentClock; now: number }) {
  const { t } = useTranslation();
  const format = useFormat();
  const remaining = Date.parse(clock.dueAt) - now;
  const status = clock.status === 'reported' ? 'reported' : clock.windowMs === 0 || remaining < 0 ? 'overdue' : 'open';
  const color = status === 'reported' ? 'teal' : status === 'overdue' ? 'red' : (clock.escalation ?? 0) >= 75 ? 'orange' : 'blue';
  const left = span(remaining);
  return (
    <Group gap="xs" wrap="nowrap" data-testid={`clock-${clock.kind}`} data-status={status}>
      <Text size="sm" fw={500}>
        {t(`incidents:clock.${clock.kind}`)}
      </Text>
      <Badge color={color} variant="light">
        {t(`incidents:clockStatus.${status}`)}
      </Badge>
      <Text size="sm" c="dimmed">
        {status === 'reported'
          ? t('incidents:reportedAt', { at: format.dateTime(clock.reportedAt) })
          : clock.windowMs === 0
            ? t('incidents:immediately')
            : t(remaining < 0 ? 'incidents:overBy' : 'incidents:timeLeft', left)}
      </Text>
    </Group>
  );
}
