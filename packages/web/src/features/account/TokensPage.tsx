import {
  Alert,
  Badge,
  Button,
  Code,
  CopyButton,
  Group,
  Modal,
  MultiSelect,
  NumberInput,
  Paper,
  Stack,
  Table,
  Text,
  TextInput,
  VisuallyHidden,
} from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api/api-error';
import { api, call, newIdempotencyKey } from '../../api/client';
import { usePermissions } from '../../app/session';
import { ErrorNotice } from '../../components/ErrorNotice';
import { Loading } from '../../components/Loading';
import { PageHeader } from '../../components/PageHeader';
import { useFormat } from '../../i18n/format';

export const myTokensKey = ['me', 'tokens'] as const;

type Created = { id: string; token: string; name: string | null; scopes: string[]; expiresAt: string };

/** The create form: a name, the scopes (at most what I hold; all of it unless narrowed), the lifetime. The token is shown once. */
function CreateToken({ onClose }: { onClose: () => void }) {
  const { t } = useTranslation();
  const format = useFormat();
  const queryClient = useQueryClient();
  const { me } = usePermissions();
  const [idempotencyKey] = useState(newIdempotencyKey);
  const [name, setName] = useState('');
  const [scopes, setScopes] = useState<string[]>([]);
  const [expiresDays, setExpiresDays] = useState<number | string>(90);
  const [created, setCreated] = useState<Created | null>(null);
  const create = useMutation({
    mutationFn: () =>
      call(() =>
        api.POST('/api/v1/me/tokens', {
          body: { name: name.trim(), expiresDays: Number(expiresDays), ...(scopes.length > 0 ? { scopes: scopes as never } : {}) },
          headers: { 'Idempotency-Key': idempotencyKey },
        }),
      ) as Promise<Created>,
    onSuccess: async (answer) => {
      setCreated(answer);
      await queryClient.invalidateQueries({ queryKey: myTokensKey });
    },
  });
  const fields = create.error instanceof ApiError ? create.error.fieldErrors() : {};

  if (created) {
    return (
      <Stack gap="sm" data-testid="token-created">
        <Alert
          color="yellow"
          title={
            <Text component="span" fw={700} size="sm" c="dark.8">
              {t('account:tokens.onceTitle')}
            </Text>
          }
        >
          {t('account:tokens.once')}
        </Alert>
        <Code block data-testid="new-token">
          {created.token}
        </Code>
        <Text size="sm">{t('account:tokens.createdSummary', { count: created.scopes.length, expires: format.date(created.expiresAt) })}</Text>
        <Group justify="flex-end">
          <CopyButton value={created.token}>
            {({ copied, copy }) => (
              <Button variant="default" onClick={copy} data-testid="copy-token">
                {copied ? t('common:actions.copied') : t('common:actions.copy')}
              </Button>
            )}
          </CopyButton>
          <Button onClick={onClose} data-testid="token-done">
            {t('common:actions.close')}
          </Button>
        </Group>
      </Stack>
    );
  }

  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate();
  };
  return (
    <form onSubmit={submit} noValidate>
      <Stack gap="sm">
        {Object.keys(fields).length === 0 ? <ErrorNotice error={create.error} /> : null}
        <TextInput
          label={t('account:tokens.name')}
          description={t('account:tokens.nameHelp')}
          value={name}
          onChange={(event) => setName(event.currentTarget.value)}
          error={fields.name ? t('account:tokens.nameInvalid') : undefined}
          required
          maxLength={64}
          data-autofocus
          data-testid="token-name"
        />
        <MultiSelect
          label={t('account:tokens.scopes')}
          description={t('account:tokens.scopesHelp')}
          data={(me?.permissions ?? []).map((permission) => ({ value: permission, label: permission }))}
          value={scopes}
          onChange={setScopes}
          searchable
          clearable
          error={fields.scopes}
          comboboxProps={{ withinPortal: true }}
          data-testid="token-scopes"
        />
        <NumberInput
          label={t('account:tokens.expiresDays')}
          min={1}
          max={366}
          value={expiresDays}
          onChange={setExpiresDays}
          error={fields.expiresDays ? t('account:tokens.expiresInvalid') : undefined}
          data-testid="token-expires"
        />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t('common:actions.cancel')}
          </Button>
          <Button type="submit" loading={create.isPending} data-testid="token-create">
            {t('common:actions.create')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

/** My API tokens: list (never the token itself), create (shown once), revoke. */
export function TokensPage() {
  const { t } = useTranslation();
  const format = useFormat();
  const queryClient = useQueryClient();
  const [creating, setCreating] = useState(false);
  const [revoking, setRevoking] = useState<{ id: string; name: string } | null>(null);
  const tokens = useQuery({ queryKey: myTokensKey, queryFn: () => call(() => api.GET('/api/v1/me/tokens')) });
  const revoke = useMutation({
    mutationFn: (id: string) => call(() => api.DELETE('/api/v1/me/tokens/{id}', { params: { path: { id } } })),
    onSuccess: async () => {
      setRevoking(null);
      await queryClient.invalidateQueries({ queryKey: myTokensKey });
    },
  });

  return (
    <>
      <PageHeader
        title={t('account:tokens.title')}
        actions={
          <Button onClick={() => setCreating(true)} data-testid="new-token-button">
            {t('account:tokens.new')}
          </Button>
        }
      />
      <Text size="sm" mb="md">
        {t('account:tokens.intro')}
      </Text>
      {tokens.isPending ? (
        <Loading />
      ) : tokens.isError ? (
        <ErrorNotice error={tokens.error} />
      ) : tokens.data.items.length === 0 ? (
        <Text size="sm" data-testid="no-tokens">
          {t('account:tokens.none')}
        </Text>
      ) : (
        <Paper withBorder>
          <Table.ScrollContainer minWidth={800}>
            <Table striped data-testid="tokens-table">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('account:tokens.name')}</Table.Th>
                  <Table.Th>{t('account:tokens.scopes')}</Table.Th>
                  <Table.Th>{t('account:tokens.created')}</Table.Th>
                  <Table.Th>{t('account:tokens.expires')}</Table.Th>
                  <Table.Th>{t('account:tokens.lastUsed')}</Table.Th>
                  <Table.Th>
                    <VisuallyHidden>{t('account:tokens.actions')}</VisuallyHidden>
                  </Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {tokens.data.items.map((token) => (
                  <Table.Tr key={token.id} data-testid="token-row">
                    <Table.Td>{token.name ?? '—'}</Table.Td>
                    <Table.Td>
                      <Text size="sm" lineClamp={2} title={token.scopes.join(', ')}>
                        {t('account:tokens.scopeCount', { count: token.scopes.length })}
                      </Text>
                    </Table.Td>
                    <Table.Td>{format.date(token.createdAt)}</Table.Td>
                    <Table.Td>{format.date(token.expiresAt)}</Table.Td>
                    <Table.Td>{token.lastUsedAt ? format.dateTime(token.lastUsedAt) : t('account:tokens.never')}</Table.Td>
                    <Table.Td>
                      {token.revokedAt ? (
                        <Badge color="gray" c="dark.8" variant="light" data-testid="token-revoked">
                          {t('account:tokens.revoked')}
                        </Badge>
                      ) : (
                        <Button
                          size="xs"
                          variant="light"
                          color="red"
                          onClick={() => {
                            revoke.reset();
                            setRevoking({ id: token.id, name: token.name ?? '' });
                          }}
                          aria-label={t('account:tokens.revokeOne', { name: token.name ?? '' })}
                          data-testid="revoke-token"
                        >
                          {t('account:tokens.revoke')}
                        </Button>
                      )}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        </Paper>
      )}
      <Modal
        closeButtonProps={{ 'aria-label': t('common:actions.close') }}
        opened={creating}
        onClose={() => setCreating(false)}
        title={t('account:tokens.new')}
        centered
        size="lg"
      >
        {creating ? <CreateToken onClose={() => setCreating(false)} /> : null}
      </Modal>
      <Modal
        closeButtonProps={{ 'aria-label': t('common:actions.close') }}
        opened={revoking !== null}
        onClose={() => setRevoking(null)}
        title={t('account:tokens.revokeTitle')}
        centered
      >
        <Stack gap="sm">
          <Text size="sm">{t('account:tokens.revokeConfirm', { name: revoking?.name ?? '' })}</Text>
          <ErrorNotice error={revoke.error} />
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setRevoking(null)}>
              {t('common:actions.cancel')}
            </Button>
            <Button color="red" loading={revoke.isPending} onClick={() => revoking && revoke.mutate(revoking.id)} data-testid="confirm-revoke-token">
              {t('account:tokens.revoke')}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </>
  );
}
