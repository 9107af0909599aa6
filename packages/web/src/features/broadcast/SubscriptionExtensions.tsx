import { Box, Button, Group, Modal, Select, Stack, Table, Text, Textarea, TextInput } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { ApiError } from '../../api/api-error';
import { newIdempotencyKey, request } from '../../api/client';
import type { RecordExtensionProps } from '../../app/record-extensions';
import { usePermissions } from '../../app/session';
import { ErrorNotice } from '../../components/ErrorNotice';
import { Loading } from '../../components/Loading';
import { useFormat } from '../../i18n/format';
import { type Page, type Row, text, useList } from './data';
import { allowedLifecycleActions, type LifecycleAction } from './rules';
import { ToneBadge } from './ToneBadge';

const statusColour: Record<string, string> = { pending: 'gray', active: 'teal', suspended: 'orange', cancelled: 'red' };

/** A subscription's status as a badge with its word (a cell of lists and details). */
export function SubscriptionStatusCell({ value }: RecordExtensionProps) {
  const { t } = useTranslation();
  const status = text(value);
  return (
    <ToneBadge tone={statusColour[status] ?? 'gray'} data-testid="subscription-status">
      {t(`broadcast:subscription.status.${status}`, { defaultValue: status })}
    </ToneBadge>
  );
}

function LifecycleDialog({
  action,
  subscription,
  onClose,
  onDone,
}: {
  action: LifecycleAction;
  subscription: Record<string, unknown>;
  onClose: () => void;
  onDone: () => void;
}) {
  const { t } = useTranslation();
  const [reason, setReason] = useState('');
  const [householdId, setHouseholdId] = useState<string | null>(null);
  const [billingAccountId, setBillingAccountId] = useState<string | null>(null);
  const households = useList('/api/v1/households', {}, action === 'move');
  const accounts = useList('/api/v1/billing-accounts', {}, action === 'transfer');
  const run = useMutation({
    mutationFn: () => {
      const body: Record<string, unknown> = reason.trim() ? { reason: reason.trim() } : {};
      if (action === 'move') body.householdId = householdId;
      if (action === 'transfer') body.billingAccountId = billingAccountId;
      return request<Row>('POST', `/api/v1/subscriptions/${text(subscription.id)}/${action}`, { body });
    },
    onSuccess: onDone,
  });
  const errors = run.error instanceof ApiError ? run.error.fieldErrors() : {};
  const ready = action !== 'transfer' || Boolean(billingAccountId);
  return (
    <Modal
      opened
      onClose={onClose}
      title={t(`broadcast:subscription.confirm.${action}`)}
      centered
      closeButtonProps={{ 'aria-label': t('common:actions.close') }}
      lockScroll={false}
      data-testid="lifecycle-dialog"
    >
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (ready) run.mutate();
        }}
      >
        <Stack>
          <Text size="sm">{t(`broadcast:subscription.explain.${action}`)}</Text>
          {action === 'move' ? (
            <Select
              label={t('broadcast:subscription.household')}
              description={t('broadcast:subscription.householdHint')}
              searchable
              clearable
              value={householdId}
              onChange={setHouseholdId}
              data={(households.data?.items ?? [])
                .filter((h) => h.id !== subscription.householdId)
                .map((h) => ({ value: h.id, label: text(h.address ?? h.id) }))}
              error={errors.householdId}
            />
          ) : null}
          {action === 'transfer' ? (
            <Select
              label={t('broadcast:subscription.billingAccount')}
              required
              searchable
              value={billingAccountId}
              onChange={setBillingAccountId}
              data={(accounts.data?.items ?? [])
                .filter((a) => a.id !== subscription.billingAccountId)
                .map((a) => ({ value: a.id, label: text(a.accountNumber) }))}
              error={errors.billingAccountId}
              data-testid="transfer-account"
            />
          ) : null}
          <Textarea
            label={t('broadcast:subscription.reason')}
            description={t('broadcast:subscription.reasonHint')}
            value={reason}
            onChange={(e) => setReason(e.currentTarget.value)}
            error={errors.reason}
            autosize
            minRows={2}
            data-testid="lifecycle-reason"
          />
          <ErrorNotice error={run.error} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t('common:actions.cancel')}
            </Button>
            <Button type="submit" color={action === 'cancel' ? 'red.9' : undefined} loading={run.isPending} disabled={!ready} data-testid="lifecycle-confirm">
              {t(`broadcast:subscription.action.${action}`)}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

/** The lifecycle buttons of a subscription: only those its status allows, only with subscriptions.lifecycle. */
export function SubscriptionLifecycleActions({ record, onChanged, id }: RecordExtensionProps) {
  const { t } = useTranslation();
  const { can } = usePermissions();
  const queryClient = useQueryClient();
  const [open, setOpen] = useState<LifecycleAction | null>(null);
  if (!can('subscriptions.lifecycle')) return null;
  const actions = allowedLifecycleActions(text(record.status));
  return (
    <>
      {actions.map((action) => (
        <Button
          key={action}
          variant={action === 'cancel' ? 'outline' : 'light'}
          color={action === 'cancel' ? 'red.9' : undefined}
          onClick={() => setOpen(action)}
          data-testid={`lifecycle-${action}`}
        >
          {t(`broadcast:subscription.action.${action}`)}
        </Button>
      ))}
      {open ? (
        <LifecycleDialog
          action={open}
          subscription={record}
          onClose={() => setOpen(null)}
          onDone={() => {
            setOpen(null);
            onChanged();
            void queryClient.invalidateQueries({ queryKey: ['broadcast', 'history', id] });
            void queryClient.invalidateQueries({ queryKey: ['broadcast', 'list', '/api/v1/devices'] });
          }}
        />
      ) : null}
    </>
  );
}

const deviceKinds = ['stb', 'smart_card', 'cam', 'router'] as const;

/** The devices of a subscription, and adding one. */
export function SubscriptionDevicesPanel({ id, record }: RecordExtensionProps) {
  const { t } = useTranslation();
  const { can } = usePermissions();
  const queryClient = useQueryClient();
  const devices = useList('/api/v1/devices', { subscriptionId: id });
  const [adding, setAdding] = useState(false);
  const [idempotencyKey, setIdempotencyKey] = useState(newIdempotencyKey);
  const [form, setForm] = useState({ kind: 'stb' as string | null, serialNumber: '', caNumber: '', macAddress: '' });
  const add = useMutation({
    mutationFn: () => {
      const body: Record<string, unknown> = { subscriptionId: id, billingAccountId: record.billingAccountId, kind: form.kind };
      for (const key of ['serialNumber', 'caNumber', 'macAddress'] as const) if (form[key].trim()) body[key] = form[key].trim();
      return request<Row>('POST', '/api/v1/devices', { body, headers: { 'idempotency-key': idempotencyKey } });
    },
    onSuccess: () => {
      setAdding(false);
      setForm({ kind: 'stb', serialNumber: '', caNumber: '', macAddress: '' });
      setIdempotencyKey(newIdempotencyKey());
      void queryClient.invalidateQueries({ queryKey: ['broadcast', 'list', '/api/v1/devices'] });
    },
  });
  const errors = add.error instanceof ApiError ? add.error.fieldErrors() : {};
  if (devices.isPending) return <Loading />;
  if (devices.error) return <ErrorNotice error={devices.error} />;
  return (
    <Stack gap="sm" data-testid="subscription-devices">
      {devices.data.items.length === 0 ? (
        <Text size="sm">{t('broadcast:devices.none')}</Text>
      ) : (
        <Table withTableBorder>
          <Table.Thead>
            <Table.Tr>
              <Table.Th scope="col">{t('broadcast:devices.kind')}</Table.Th>
              <Table.Th scope="col">{t('broadcast:devices.serialNumber')}</Table.Th>
              <Table.Th scope="col">{t('broadcast:devices.caNumber')}</Table.Th>
              <Table.Th scope="col">{t('broadcast:devices.macAddress')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {devices.data.items.map((d) => (
              <Table.Tr key={d.id}>
                <Table.Td>
                  <Link to={`/devices/${d.id}`}>{t(`broadcast:devices.kinds.${text(d.kind)}`, { defaultValue: text(d.kind) })}</Link>
                </Table.Td>
                <Table.Td>{text(d.serialNumber) || '—'}</Table.Td>
                <Table.Td>{text(d.caNumber) || '—'}</Table.Td>
                <Table.Td>{text(d.macAddress) || '—'}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      {can('devices.create') && !adding ? (
        <Group>
          <Button variant="light" onClick={() => setAdding(true)} data-testid="device-add">
            {t('broadcast:devices.add')}
          </Button>
        </Group>
      ) : null}
      {adding ? (
        <Box
          component="form"
          onSubmit={(e) => {
            e.preventDefault();
            add.mutate();
          }}
          data-testid="device-form"
        >
          <Stack gap="xs">
            <Group grow align="flex-start">
              <Select
                label={t('broadcast:devices.kind')}
                required
                allowDeselect={false}
                value={form.kind}
                onChange={(v) => setForm((f) => ({ ...f, kind: v }))}
                data={deviceKinds.map((k) => ({ value: k, label: t(`broadcast:devices.kinds.${k}`) }))}
                error={errors.kind}
              />
              <TextInput
                label={t('broadcast:devices.serialNumber')}
                value={form.serialNumber}
                onChange={(e) => setForm((f) => ({ ...f, serialNumber: e.currentTarget.value }))}
                error={errors.serialNumber}
                data-testid="device-serial"
              />
            </Group>
            <Group grow align="flex-start">
              <TextInput
                label={t('broadcast:devices.caNumber')}
                value={form.caNumber}
                onChange={(e) => setForm((f) => ({ ...f, caNumber: e.currentTarget.value }))}
                error={errors.caNumber}
              />
              <TextInput
                label={t('broadcast:devices.macAddress')}
                value={form.macAddress}
                onChange={(e) => setForm((f) => ({ ...f, macAddress: e.currentTarget.value }))}
                error={errors.macAddress}
              />
            </Group>
            <ErrorNotice error={add.error && !(add.error instanceof ApiError && Object.keys(errors).length) ? add.error : null} />
            <Group justify="flex-end">
              <Button variant="default" onClick={() => setAdding(false)}>
                {t('common:actions.cancel')}
              </Button>
              <Button type="submit" loading={add.isPending} data-testid="device-save">
                {t('common:actions.save')}
              </Button>
            </Group>
          </Stack>
        </Box>
      ) : null}
    </Stack>
  );
}

/** A subscription's lifecycle history, oldest first (reasons as the person's role allows). */
export function SubscriptionHistoryPanel({ id }: RecordExtensionProps) {
  const { t } = useTranslation();
  const format = useFormat();
  const history = useQuery({
    queryKey: ['broadcast', 'history', id],
    queryFn: () => request<Page>('GET', `/api/v1/subscriptions/${id}/history`, { query: { limit: 200 } }),
  });
  if (history.isPending) return <Loading />;
  if (history.error) return <ErrorNotice error={history.error} />;
  if (history.data.items.length === 0) return <Text size="sm">{t('broadcast:history.none')}</Text>;
  const status = (s: unknown) => t(`broadcast:subscription.status.${text(s)}`, { defaultValue: text(s) });
  return (
    <Table withTableBorder data-testid="subscription-history">
      <Table.Thead>
        <Table.Tr>
          <Table.Th scope="col">{t('broadcast:history.at')}</Table.Th>
          <Table.Th scope="col">{t('broadcast:history.action')}</Table.Th>
          <Table.Th scope="col">{t('broadcast:history.change')}</Table.Th>
          <Table.Th scope="col">{t('broadcast:history.detail')}</Table.Th>
          <Table.Th scope="col">{t('broadcast:history.reason')}</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {history.data.items.map((h) => (
          <Table.Tr key={h.id} data-testid="history-entry">
            <Table.Td>{format.dateTime(text(h.at) || text(h.createdAt))}</Table.Td>
            <Table.Td>{t(`broadcast:subscription.action.${text(h.action)}`, { defaultValue: text(h.action) })}</Table.Td>
            <Table.Td>
              {status(h.fromStatus)} → {status(h.toStatus)}
            </Table.Td>
            <Table.Td>{text(h.detail) || '—'}</Table.Td>
            <Table.Td>{text(h.reason) || '—'}</Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}
