import { Button, Group, Paper, Stack, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { isApiError } from '../../api/api-error';
import { usePermissions } from '../../app/session';
import { ErrorNotice } from '../../components/ErrorNotice';
import { Loading } from '../../components/Loading';
import { NotFound } from '../../components/NotFound';
import { PageHeader } from '../../components/PageHeader';
import { useFormat } from '../../i18n/format';
import { text, useRecord } from './data';
import { SubscriptionDevicesPanel, SubscriptionHistoryPanel, SubscriptionLifecycleActions, SubscriptionStatusCell } from './SubscriptionExtensions';

/** /subscriptions/:id/service — the subscriber desk's view of one subscription: status, lifecycle actions, devices, history. */
export function SubscriptionService() {
  const { t } = useTranslation();
  const format = useFormat();
  const { can } = usePermissions();
  const { id = '' } = useParams();
  const subscription = useRecord('/api/v1/subscriptions', id);
  if (subscription.isPending) return <Loading />;
  if (isApiError(subscription.error, 'not_found')) return <NotFound />;
  if (subscription.error) return <ErrorNotice error={subscription.error} />;
  const record = subscription.data;
  const props = { object: 'subscriptions', id, record, onChanged: () => void subscription.refetch() };
  return (
    <>
      <PageHeader
        title={t('broadcast:service.title', { package: text(record.packageCode) })}
        actions={
          <Button component={Link} to={`/subscriptions/${id}`} variant="default">
            {t('broadcast:service.record')}
          </Button>
        }
      />
      <Stack gap="md">
        <Group gap="sm">
          <Text fw={500}>{t('broadcast:subscription.statusLabel')}:</Text>
          <SubscriptionStatusCell {...props} value={record.status} />
          <Text size="sm" c="dimmed">
            {t('broadcast:service.price', { price: format.money(Number(record.priceFen ?? 0), 'CNY'), start: format.date(text(record.startDate)) })}
          </Text>
        </Group>
        <Group gap="xs" data-testid="lifecycle-actions">
          <SubscriptionLifecycleActions {...props} />
        </Group>
        {can('devices.read') ? (
          <Paper withBorder p="md" component="section" aria-labelledby="devices-title">
            <Title order={2} size="h4" id="devices-title" mb="sm">
              {t('broadcast:devices.title')}
            </Title>
            <SubscriptionDevicesPanel {...props} />
          </Paper>
        ) : null}
        {can('subscription_history.read') ? (
          <Paper withBorder p="md" component="section" aria-labelledby="history-title">
            <Title order={2} size="h4" id="history-title" mb="sm">
              {t('broadcast:history.title')}
            </Title>
            <SubscriptionHistoryPanel {...props} />
          </Paper>
        ) : null}
      </Stack>
    </>
  );
}
