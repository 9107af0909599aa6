import { Anchor, Card, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { navItemVisible } from '../../app/feature';
import { features } from '../../app/features';
import { usePermissions } from '../../app/session';
import { PageHeader } from '../../components/PageHeader';
import { InitialDashboardView } from '../dashboards/charts/initial-view';
import { DashboardGrid } from '../dashboards/DashboardGrid';
import { widgets } from '../dashboards/widgets';

/** The start page after sign-in: the person's tasks (the menu entries their permissions allow) and the dashboards they may see. */
export function HomePage() {
  const { t } = useTranslation();
  const { can, me } = usePermissions();
  const tasks = features
    .flatMap((feature) => feature.nav ?? [])
    .filter((item) => item.section !== 'me' && item.path !== '/dashboards' && navItemVisible(item, can))
    .slice(0, 12);
  return (
    <Stack gap="lg">
      <div>
        <PageHeader title={t('common:home.welcome', { name: me?.name ?? '' })} />
        <Text>{t('common:home.intro')}</Text>
      </div>
      {tasks.length ? (
        <section aria-labelledby="home-tasks">
          <Title order={2} size="h4" id="home-tasks" mb="xs">
            {t('dashboards:home.tasks')}
          </Title>
          <SimpleGrid cols={{ base: 2, md: 4 }} spacing="sm">
            {tasks.map((item) => (
              <Card key={item.path} withBorder padding="sm">
                <Anchor component={Link} to={item.path} fw={600}>
                  {t(item.labelKey)}
                </Anchor>
              </Card>
            ))}
          </SimpleGrid>
        </section>
      ) : null}
      {widgets.some((w) => can(w.permission)) ? (
        <section aria-labelledby="home-dashboards">
          <Title order={2} size="h4" id="home-dashboards" mb="xs">
            {t('dashboards:home.dashboards')}
          </Title>
          <InitialDashboardView.Provider value="table">
            <DashboardGrid />
          </InitialDashboardView.Provider>
        </section>
      ) : null}
    </Stack>
  );
}
