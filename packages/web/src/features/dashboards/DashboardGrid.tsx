import { SimpleGrid, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { usePermissions } from '../../app/session';
import { LoadBoundary } from '../../components/LoadBoundary';
import { Loading } from '../../components/Loading';
import { widgetComponent, widgets } from './widgets';

/** The dashboards the signed-in person may see (the permission each route needs, from /me). */
export function DashboardGrid({ empty = true }: { empty?: boolean }) {
  const { t } = useTranslation();
  const { can } = usePermissions();
  const visible = widgets.filter((w) => can(w.permission));
  if (!visible.length) return empty ? <Text c="dimmed">{t('dashboards:none')}</Text> : null;
  return (
    <SimpleGrid cols={{ base: 1, lg: 2 }} spacing="lg" data-testid="dashboard-grid">
      {visible.map((w) => {
        const Component = widgetComponent(w.id);
        return Component ? (
          <LoadBoundary key={w.id} fallback={<Loading />}>
            <Component />
          </LoadBoundary>
        ) : null;
      })}
    </SimpleGrid>
  );
}
