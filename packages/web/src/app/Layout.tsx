import { AppShell, Burger, Button, Group, NavLink, ScrollArea, Text } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useTranslation } from 'react-i18next';
import { Link, Outlet, useLocation, useNavigate } from 'react-router';
import { LanguageSwitch } from '../components/LanguageSwitch';
import { LoadBoundary } from '../components/LoadBoundary';
import { Loading } from '../components/Loading';
import { SessionExpiry } from '../features/auth/SessionExpiry';
import { type NavItem, type NavSection, navItemVisible } from './feature';
import { features } from './features';
import { usePermissions } from './session';
import { signOut } from './sign-out';

const sectionOrder: NavSection[] = ['crm', 'sales', 'licensing', 'subscribers', 'service', 'marketing', 'data', 'admin', 'security', 'me'];

/** The signed-in frame: the sidebar (only what the person's permissions allow), the header, the page. */
export function Layout() {
  const { t } = useTranslation();
  const { can, me } = usePermissions();
  const [opened, { toggle, close }] = useDisclosure();
  const location = useLocation();
  const navigate = useNavigate();
  const items = features.flatMap((feature) => feature.nav ?? []).filter((item) => navItemVisible(item, can));
  const bySection = new Map<NavSection, NavItem[]>();
  for (const item of items) bySection.set(item.section, [...(bySection.get(item.section) ?? []), item]);

  return (
    <AppShell header={{ height: 56 }} navbar={{ width: 240, breakpoint: 'sm', collapsed: { mobile: !opened } }} padding="md">
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            <Burger opened={opened} onClick={toggle} hiddenFrom="sm" size="sm" aria-label={t('common:nav.toggle')} />
            <Text component={Link} to="/" fw={700} size="lg" c="indigo.8" td="none">
              Castellan
            </Text>
          </Group>
          <Group gap="sm" wrap="nowrap">
            <LanguageSwitch />
            <Text size="sm" visibleFrom="md" data-testid="signed-in-as">
              {me?.name}
            </Text>
            <Button size="xs" variant="default" data-testid="sign-out" onClick={() => void signOut().finally(() => navigate('/sign-in', { replace: true }))}>
              {t('common:actions.signOut')}
            </Button>
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="xs" aria-label={t('common:nav.label')}>
        <ScrollArea>
          {sectionOrder
            .filter((section) => bySection.has(section))
            .map((section) => (
              <nav key={section} aria-label={t(`common:nav.sections.${section}`)}>
                <Text size="xs" fw={700} c="dark.6" tt="uppercase" px="sm" pt="sm" pb={4}>
                  {t(`common:nav.sections.${section}`)}
                </Text>
                {(bySection.get(section) ?? [])
                  .sort((a, b) => (a.order ?? 50) - (b.order ?? 50))
                  .map((item) => (
                    <NavLink
                      key={item.path}
                      component={Link}
                      to={item.path}
                      label={t(item.labelKey)}
                      active={location.pathname === item.path || location.pathname.startsWith(`${item.path}/`)}
                      onClick={close}
                    />
                  ))}
              </nav>
            ))}
        </ScrollArea>
      </AppShell.Navbar>
      <AppShell.Main>
        <SessionExpiry />
        <LoadBoundary fallback={<Loading />}>
          <Outlet />
        </LoadBoundary>
      </AppShell.Main>
    </AppShell>
  );
}
