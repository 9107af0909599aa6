import { Button, Group, Modal, Select, Stack, Text, Textarea } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api/api-error';
import { request } from '../../api/client';
import type { RecordExtensionProps } from '../../app/record-extensions';
import { usePermissions } from '../../app/session';
import { ErrorNotice } from '../../components/ErrorNotice';
import { useFormat } from '../../i18n/format';
import { type Row, text } from './data';
import { caseMay, countdown, type SlaState, slaClock } from './rules';
import { ToneBadge } from './ToneBadge';

interface Sla {
  responseDueAt: string;
  resolutionDueAt: string;
  responseBreached: boolean;
  resolutionBreached: boolean;
  responded: boolean;
  resolved: boolean;
  paused: boolean;
  pausedSeconds: number;
  escalationDue: number;
}

const colour: Record<SlaState, string> = { met: 'teal', within: 'blue', at_risk: 'yellow', breached: 'red', paused: 'gray' };

/** Re-renders every second while mounted (the live SLA timers). */
function useNow(): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = window.setInterval(() => setNow(Date.now()), 1000);
    return () => window.clearInterval(timer);
  }, []);
  return now;
}

/** One SLA clock as a badge: its state in words and the time left (or over) ticking live. */
export function SlaBadge({ record, clock }: { record: Record<string, unknown>; clock: 'response' | 'resolution' }) {
  const { t } = useTranslation();
  const now = useNow();
  const [frozenAt] = useState(() => Date.now());
  const sla = record.sla as Sla | undefined;
  if (!sla) return null;
  const response = clock === 'response';
  const paused = !response && sla.paused;
  const { state, leftMs } = slaClock({
    dueAt: response ? sla.responseDueAt : sla.resolutionDueAt,
    startedAt: text(record.createdAt),
    done: response ? sla.responded : sla.resolved,
    breached: response ? sla.responseBreached : sla.resolutionBreached,
    paused,
    // A paused clock stands still: its time left is the one the API answered.
    now: paused ? frozenAt : now,
  });
  const time = countdown(leftMs);
  const label =
    state === 'met'
      ? t('broadcast:sla.met')
      : state === 'breached'
        ? t('broadcast:sla.breachedBy', { time })
        : state === 'paused'
          ? t('broadcast:sla.pausedLeft', { time })
          : t(`broadcast:sla.${state}Left`, { time });
  return (
    <ToneBadge tone={colour[state]} strong={state === 'breached'} data-testid={`sla-${clock}`} data-state={state}>
      {t(`broadcast:sla.clock.${clock}`)}: {label}
    </ToneBadge>
  );
}

export function ResponseSlaCell({ record }: RecordExtensionProps) {
  return <SlaBadge record={record} clock="response" />;
}
export function ResolutionSlaCell({ record }: RecordExtensionProps) {
  return <SlaBadge record={record} clock="resolution" />;
}

/** The SLA panel of a case: both clocks, whether the clock is paused while waiting on the customer, the escalation. */
export function CaseSlaPanel({ record }: RecordExtensionProps) {
  const { t } = useTranslation();
  const format = useFormat();
  const sla = record.sla as Sla | undefined;
  if (!sla) return null;
  return (
    <Stack gap="xs" data-testid="case-sla">
      <Group gap="xs">
        <SlaBadge record={record} clock="response" />
        <SlaBadge record={record} clock="resolution" />
      </Group>
      <Text size="sm">{t('broadcast:sla.responseDue', { at: format.dateTime(sla.responseDueAt) })}</Text>
      <Text size="sm">{t('broadcast:sla.resolutionDue', { at: format.dateTime(sla.resolutionDueAt) })}</Text>
      {sla.paused ? (
        <Text size="sm" fw={500} data-testid="sla-paused">
          {t('broadcast:sla.paused')}
        </Text>
      ) : null}
      {sla.pausedSeconds > 0 ? <Text size="sm">{t('broadcast:sla.pausedFor', { time: countdown(sla.pausedSeconds * 1000) })}</Text> : null}
      <Text size="sm">
        {t('broadcast:sla.escalation', { level: format.number(Number(record.escalationLevel ?? 0)), due: format.number(sla.escalationDue) })}
      </Text>
    </Stack>
  );
}

type CaseStep = 'resolve' | 'close' | 'wait' | 'reopen' | 'satisfaction';

function CaseDialog({ step, record, onClose, onDone }: { step: CaseStep; record: Record<string, unknown>; onClose: () => void; onDone: () => void }) {
  const { t } = useTranslation();
  const [resolution, setResolution] = useState('');
  const [satisfaction, setSatisfaction] = useState<string | null>(null);
  const needsResolution = step === 'resolve' || (step === 'close' && record.hasResolution !== true);
  const run = useMutation({
    mutationFn: () => {
      const body: Record<string, unknown> =
        step === 'satisfaction'
          ? { satisfaction: Number(satisfaction) }
          : { status: step === 'resolve' ? 'resolved' : step === 'close' ? 'closed' : step === 'wait' ? 'waiting_customer' : 'open' };
      if (needsResolution) body.resolution = resolution.trim();
      return request<Row>('PATCH', `/api/v1/cases/${text(record.id)}`, { body });
    },
    onSuccess: onDone,
  });
  const errors = run.error instanceof ApiError ? run.error.fieldErrors() : {};
  const [tried, setTried] = useState(false);
  const missing = needsResolution && !resolution.trim();
  return (
    <Modal
      opened
      onClose={onClose}
      title={t(`broadcast:case.${step}`)}
      centered
      closeButtonProps={{ 'aria-label': t('common:actions.close') }}
      lockScroll={false}
      data-testid="case-dialog"
    >
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          setTried(true);
          if (missing || (step === 'satisfaction' && !satisfaction)) return;
          run.mutate();
        }}
      >
        <Stack>
          {needsResolution ? (
            <Textarea
              label={t('broadcast:case.resolution')}
              required
              autosize
              minRows={3}
              value={resolution}
              onChange={(e) => setResolution(e.currentTarget.value)}
              error={errors.resolution ?? (tried && missing ? t('broadcast:case.resolutionRequired') : undefined)}
              data-testid="case-resolution"
            />
          ) : null}
          {step === 'satisfaction' ? (
            <Select
              label={t('broadcast:case.satisfactionLabel')}
              required
              value={satisfaction}
              onChange={setSatisfaction}
              data={['1', '2', '3', '4', '5'].map((v) => ({ value: v, label: t(`broadcast:case.score.${v}`) }))}
              error={errors.satisfaction}
            />
          ) : (
            <Text size="sm">{t(`broadcast:case.explain.${step}`)}</Text>
          )}
          <ErrorNotice error={run.error} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t('common:actions.cancel')}
            </Button>
            <Button type="submit" loading={run.isPending} data-testid="case-confirm">
              {t(`broadcast:case.${step}`)}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

/** Resolve (with its resolution), close, wait for the customer, reopen, record satisfaction: as the case's status allows. */
export function CaseActions({ record, onChanged }: RecordExtensionProps) {
  const { t } = useTranslation();
  const { can } = usePermissions();
  const [open, setOpen] = useState<CaseStep | null>(null);
  if (!can('cases.update')) return null;
  const status = text(record.status);
  const steps: CaseStep[] = [];
  if (caseMay(status, 'waiting_customer')) steps.push('wait');
  if (caseMay(status, 'open') && status !== 'new') steps.push('reopen');
  if (caseMay(status, 'resolved')) steps.push('resolve');
  if (caseMay(status, 'closed')) steps.push('close');
  if ((status === 'resolved' || status === 'closed') && record.satisfaction == null) steps.push('satisfaction');
  return (
    <>
      {steps.map((step) => (
        <Button key={step} variant="light" onClick={() => setOpen(step)} data-testid={`case-${step}`}>
          {t(`broadcast:case.${step}`)}
        </Button>
      ))}
      {open ? (
        <CaseDialog
          step={open}
          record={record}
          onClose={() => setOpen(null)}
          onDone={() => {
            setOpen(null);
            onChanged();
          }}
        />
      ) : null}
    </>
  );
}

/** Raise the escalation of the breached cases in scope (POST /api/v1/cases/escalate-breached). */
export function EscalateAction({ onChanged }: RecordExtensionProps) {
  const { t } = useTranslation();
  const format = useFormat();
  const [result, setResult] = useState<string | null>(null);
  const run = useMutation({
    mutationFn: () => request<{ checked: number; escalated: { id: string }[] }>('POST', '/api/v1/cases/escalate-breached'),
    onSuccess: (answer) => {
      setResult(t('broadcast:case.escalated', { n: format.number(answer.escalated.length), checked: format.number(answer.checked) }));
      onChanged();
    },
  });
  return (
    <>
      <Button variant="default" onClick={() => run.mutate()} loading={run.isPending} data-testid="case-escalate">
        {t('broadcast:case.escalate')}
      </Button>
      {result ? (
        <Text size="sm" role="status" data-testid="case-escalated">
          {result}
        </Text>
      ) : null}
      {run.error ? <ErrorNotice error={run.error} /> : null}
    </>
  );
}

/** The `sla` object of a case (computed at each read) as its two badges. */
export function SlaCell({ record }: RecordExtensionProps) {
  return (
    <span data-testid="sla-cell">
      <SlaBadge record={record} clock="response" /> <SlaBadge record={record} clock="resolution" />
    </span>
  );
}
