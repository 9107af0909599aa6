import { Button, Group, Table, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { request } from '../../../api/client';
import { ErrorNotice } from '../../../components/ErrorNotice';
import { Loading } from '../../../components/Loading';
import { PageHeader } from '../../../components/PageHeader';
import { useFormat } from '../../../i18n/format';
import { useStaffLabels } from '../shared/directory';

interface Lockout {
  key: string;
  userId: string | null;
  failuresThisHour: number;
  lockedUntil: string;
}
interface SsoLink {
  id: string;
  userId: string;
  issuer: string;
  subject: string;
  createdAt: string;
  proofExpiresAt: string;
  expiresAt: string;
}

const lockoutsKey = ['security', 'lockouts'] as const;
const linksKey = ['security', 'sso-links'] as const;

/** /security/sign-in: accounts and addresses locked out of sign-in (unlock), and single sign-on identities waiting to be linked (approve / refuse). */
export function SignInSecurityPage() {
  const { t } = useTranslation();
  const format = useFormat();
  const label = useStaffLabels();
  const queryClient = useQueryClient();
  const lockouts = useQuery({ queryKey: lockoutsKey, queryFn: async () => (await request<{ items: Lockout[] }>('GET', '/api/v1/security/lockouts')).items });
  const links = useQuery({ queryKey: linksKey, queryFn: async () => (await request<{ items: SsoLink[] }>('GET', '/api/v1/security/sso-links')).items });
  const [error, setError] = useState<unknown>(null);

  const unlock = useMutation({
    mutationFn: (lockout: Lockout) =>
      request('POST', '/api/v1/security/lockouts/unlock', { body: lockout.userId ? { userId: lockout.userId } : { address: lockout.key } }),
    onMutate: () => setError(null),
    onSuccess: () => {
      notifications.show({ color: 'green', message: t('admin:signIn.unlocked') });
      void queryClient.invalidateQueries({ queryKey: lockoutsKey });
    },
    onError: setError,
  });
  const decide = useMutation({
    mutationFn: ({ link, decision }: { link: SsoLink; decision: 'approve' | 'refuse' }) => request('POST', `/api/v1/security/sso-links/${link.id}/${decision}`),
    onMutate: () => setError(null),
    onSuccess: (_d, { decision }) => {
      notifications.show({ color: 'green', message: t(`admin:signIn.link.${decision}d`) });
      void queryClient.invalidateQueries({ queryKey: linksKey });
    },
    onError: setError,
  });

  return (
    <>
      <PageHeader title={t('admin:signIn.title')} />
      <ErrorNotice error={error ?? lockouts.error ?? links.error} />
      <Title order={2} size="h4" mb="xs">
        {t('admin:signIn.lockouts')}
      </Title>
      {lockouts.isLoading ? (
        <Loading />
      ) : lockouts.data?.length ? (
        <Table striped mb="xl" data-testid="lockouts-table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th scope="col">{t('admin:signIn.who')}</Table.Th>
              <Table.Th scope="col">{t('admin:signIn.failures')}</Table.Th>
              <Table.Th scope="col">{t('admin:signIn.until')}</Table.Th>
              <Table.Th scope="col">{t('admin:users.actions')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {lockouts.data.map((lockout) => (
              <Table.Tr key={lockout.key}>
                <Table.Td>{lockout.userId ? label(lockout.userId) : t('admin:signIn.address', { key: lockout.key })}</Table.Td>
                <Table.Td>{format.number(lockout.failuresThisHour)}</Table.Td>
                <Table.Td>{format.dateTime(lockout.lockedUntil)}</Table.Td>
                <Table.Td>
                  <Button size="xs" variant="light" loading={unlock.isPending} onClick={() => unlock.mutate(lockout)}>
                    {t('admin:signIn.unlock')}
                  </Button>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      ) : (
        <Text c="dimmed" mb="xl">
          {t('admin:signIn.noLockouts')}
        </Text>
      )}
      <Title order={2} size="h4" mb="xs">
        {t('admin:signIn.links')}
      </Title>
      <Text size="sm" mb="xs">
        {t('admin:signIn.linksIntro')}
      </Text>
      {links.isLoading ? (
        <Loading />
      ) : links.data?.length ? (
        <Table striped data-testid="sso-links-table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th scope="col">{t('admin:signIn.account')}</Table.Th>
              <Table.Th scope="col">{t('admin:signIn.issuer')}</Table.Th>
              <Table.Th scope="col">{t('admin:signIn.since')}</Table.Th>
              <Table.Th scope="col">{t('admin:signIn.expires')}</Table.Th>
              <Table.Th scope="col">{t('admin:users.actions')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {links.data.map((link) => (
              <Table.Tr key={link.id}>
                <Table.Td>{label(link.userId)}</Table.Td>
                <Table.Td>{link.issuer}</Table.Td>
                <Table.Td>{format.dateTime(link.createdAt)}</Table.Td>
                <Table.Td>{format.dateTime(link.expiresAt)}</Table.Td>
                <Table.Td>
                  <Group gap="xs">
                    <Button size="xs" variant="light" onClick={() => decide.mutate({ link, decision: 'approve' })}>
                      {t('admin:signIn.link.approve')}
                    </Button>
                    <Button size="xs" variant="light" color="red" onClick={() => decide.mutate({ link, decision: 'refuse' })}>
                      {t('admin:signIn.link.refuse')}
                    </Button>
                  </Group>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      ) : (
        <Text c="dimmed">{t('admin:signIn.noLinks')}</Text>
      )}
    </>
  );
}
