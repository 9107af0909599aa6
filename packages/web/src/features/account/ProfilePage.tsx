import { Anchor, Badge, Group, Paper, SimpleGrid, Stack, Table, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { usePermissions } from '../../app/session';
import { PageHeader } from '../../components/PageHeader';

/** Who I am: name, e-mail, roles, second-factor status, and the other account pages. */
export function ProfilePage() {
  const { t } = useTranslation();
  const { me } = usePermissions();
  if (!me) return null;
  return (
    <>
      <PageHeader title={t('account:profile.title')} />
      <Stack gap="lg" maw={720}>
        <Paper withBorder p="md">
          <Table variant="vertical" layout="fixed" withRowBorders data-testid="profile">
            <Table.Tbody>
              <Table.Tr>
                <Table.Th w={180}>{t('account:profile.name')}</Table.Th>
                <Table.Td data-testid="profile-name">{me.name}</Table.Td>
              </Table.Tr>
              <Table.Tr>
                <Table.Th>{t('account:profile.email')}</Table.Th>
                <Table.Td data-testid="profile-email">{me.email}</Table.Td>
              </Table.Tr>
              <Table.Tr>
                <Table.Th>{t('account:profile.roles')}</Table.Th>
                <Table.Td>
                  <Group gap={6} data-testid="profile-roles">
                    {me.roles.length === 0 ? <Text size="sm">{t('account:profile.noRoles')}</Text> : null}
                    {me.roles.map((role) => (
                      <Badge key={role} variant="light" color="indigo" tt="none">
                        {t(`account:roles.${role}`, { defaultValue: role })}
                      </Badge>
                    ))}
                  </Group>
                </Table.Td>
              </Table.Tr>
              <Table.Tr>
                <Table.Th>{t('account:profile.secondFactor')}</Table.Th>
                <Table.Td>{me.mfaEnrolled ? t('account:profile.mfaOn') : t('account:profile.mfaOff')}</Table.Td>
              </Table.Tr>
            </Table.Tbody>
          </Table>
        </Paper>
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          {(['password', 'sessions', 'passkeys', 'tokens'] as const).map((page) => (
            <Paper key={page} withBorder p="md">
              <Anchor component={Link} to={`/me/${page}`} fw={600}>
                {t(`account:nav.${page}`)}
              </Anchor>
              <Text size="sm" mt={4}>
                {t(`account:profile.about.${page}`)}
              </Text>
            </Paper>
          ))}
        </SimpleGrid>
      </Stack>
    </>
  );
}
