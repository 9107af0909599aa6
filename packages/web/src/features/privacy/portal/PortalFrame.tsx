import { Anchor, Group } from '@mantine/core';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useLocation } from 'react-router';
import { AuthFrame } from '../../auth/AuthFrame';

/** The public portal's pages, one link each (the package page is reached only from its e-mailed link). */
const pages = [
  { path: '/privacy', key: 'request' },
  { path: '/privacy/status', key: 'status' },
  { path: '/privacy/consents', key: 'consents' },
] as const;

/** The portal's frame: name and language switch on top (AuthFrame), the card, and the portal's pages below. */
export function PortalFrame({ title, intro, children }: { title: string; intro?: ReactNode; children: ReactNode }) {
  const { t } = useTranslation();
  const { pathname } = useLocation();
  return (
    <AuthFrame
      title={title}
      intro={intro}
      footer={
        <nav aria-label={t('privacy:portalNav.label')}>
          <Group gap="lg" justify="center" data-testid="portal-nav">
            {pages.map((page) => (
              <Anchor
                key={page.path}
                component={Link}
                to={page.path}
                size="sm"
                c="indigo.9"
                aria-current={pathname === page.path ? 'page' : undefined}
                fw={pathname === page.path ? 700 : undefined}
              >
                {t(`privacy:portalNav.${page.key}`)}
              </Anchor>
            ))}
          </Group>
        </nav>
      }
    >
      {children}
    </AuthFrame>
  );
}

/** A value the portal carries in the URL fragment (never sent to a server, never in a log). */
export const fragmentValue = (hash: string, name: string): string => new URLSearchParams(hash.replace(/^#/, '')).get(name) ?? '';
