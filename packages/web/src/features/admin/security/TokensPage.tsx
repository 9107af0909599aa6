import { Badge, Button, Group, Modal, Stack, Table, Text } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { request } from '../../../api/client';
import { ErrorNotice } from '../../../components/ErrorNotice';
import { Loading } from '../../../components/Loading';
import { PageHeader } from '../../../components/PageHeader';
import { useFormat } from '../../../i18n/format';
import { useStaffLabels } from '../shared/directory';

interface Token {
  id: string;
  userId: string;
  kind: string;
  name: string | null;
  scopes: string[];
  createdAt: string;
  expiresAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
  revokedReason: string | null;
}

const key = ['security', 'tokens'] as const;

/** /security/tokens: every API token (never the token itself) and its revocation. */
export function TokensPage() {
  const { t } = useTranslation();
  const format = useFormat();
  const queryClient = useQueryClient();
  const label = useStaffLabels();
  const tokens = useQuery({ queryKey: key, queryFn: async () => (await request<{ items: Token[] }>('GET', '/api/v1/tokens')).items });
  const [revoking, setRevoking] = useState<Token | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const now = Date.now();

  const revoke = async () => {
    if (!revoking) return;
    setBusy(true);
    setError(null);
    try {
      await request('DELETE', `/api/v1/tokens/${revoking.id}`);
      setRevoking(null);
      await queryClient.invalidateQueries({ queryKey: key });
    } catch (cause) {
      setError(cause);
    } finally {
      setBusy(false);
    }
  };

  const state = (token: Token) => (token.revokedAt ? 'revoked' : Date.parse(token.expiresAt) < now ? 'expired' : 'active');

  return (
    <>
      <PageHeader title={t('admin:tokens.title')} />
      <Text mb="md" size="sm">
        {t('admin:tokens.intro')}
      </Text>
      <ErrorNotice error={tokens.error} />
      {tokens.isLoading ? (
        <Loading />
      ) : tokens.data?.length ? (
        <Table.ScrollContainer minWidth={900}>
          <Table striped data-testid="tokens-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">{t('admin:tokens.name')}</Table.Th>
                <Table.Th scope="col">{t('admin:tokens.user')}</Table.Th>
                <Table.Th scope="col">{t('admin:tokens.kind')}</Table.Th>
                <Table.Th scope="col">{t('admin:tokens.scopes')}</Table.Th>
                <Table.Th scope="col">{t('admin:tokens.expires')}</Table.Th>
                <Table.Th scope="col">{t('admin:tokens.lastUsed')}</Table.Th>
                <Table.Th scope="col">{t('admin:tokens.state')}</Table.Th>
                <Table.Th scope="col">{t('admin:users.actions')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {tokens.data.map((token) => (
                <Table.Tr key={token.id}>
                  <Table.Td>{token.name ?? token.id.slice(0, 8)}</Table.Td>
                  <Table.Td>{label(token.userId)}</Table.Td>
                  <Table.Td>{t(`admin:tokens.kinds.${token.kind}`, { defaultValue: token.kind })}</Table.Td>
                  <Table.Td>
                    <Text size="xs">{token.scopes.length ? token.scopes.join(', ') : t('admin:tokens.allScopes')}</Text>
                  </Table.Td>
                  <Table.Td>{format.date(token.expiresAt)}</Table.Td>
                  <Table.Td>{token.lastUsedAt ? format.dateTime(token.lastUsedAt) : t('admin:users.never')}</Table.Td>
                  <Table.Td>
                    <Badge variant="filled" color={state(token) === 'active' ? 'teal.9' : 'dark.6'}>
                      {t(`admin:tokens.states.${state(token)}`)}
                    </Badge>
                    {token.revokedReason ? <Text size="xs">{token.revokedReason}</Text> : null}
                  </Table.Td>
                  <Table.Td>
                    {state(token) === 'active' ? (
                      <Button
                        size="xs"
                        color="red"
                        variant="light"
                        onClick={() => setRevoking(token)}
                        aria-label={t('admin:tokens.revokeOne', { name: token.name ?? token.id.slice(0, 8) })}
                      >
                        {t('admin:tokens.revoke')}
                      </Button>
                    ) : null}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      ) : (
        <Text c="dimmed">{t('admin:tokens.none')}</Text>
      )}
      <Modal
        closeButtonProps={{ 'aria-label': t('common:actions.close') }}
        opened={revoking !== null}
        onClose={() => setRevoking(null)}
        title={t('admin:tokens.revokeTitle')}
      >
        <Stack>
          <ErrorNotice error={error} />
          <Text>{t('admin:tokens.revokeConfirm', { name: revoking?.name ?? revoking?.id.slice(0, 8) ?? '', user: label(revoking?.userId) })}</Text>
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setRevoking(null)}>
              {t('common:actions.cancel')}
            </Button>
            <Button color="red" loading={busy} onClick={() => void revoke()}>
              {t('admin:tokens.revoke')}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </>
  );
}
