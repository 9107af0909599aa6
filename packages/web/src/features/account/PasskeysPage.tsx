import { Alert, Button, Group, Modal, Paper, Stack, Table, Text, TextInput, VisuallyHidden } from '@mantine/core';
import { startRegistration } from '@simplewebauthn/browser';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { isApiError } from '../../api/api-error';
import { api, call } from '../../api/client';
import { ErrorNotice } from '../../components/ErrorNotice';
import { Loading } from '../../components/Loading';
import { PageHeader } from '../../components/PageHeader';
import { useFormat } from '../../i18n/format';
import { AuthErrorNotice } from '../auth/AuthErrorNotice';
import { RecoveryCodes } from '../auth/RecoveryCodes';
import { refreshMe } from '../auth/refresh-me';

export const myPasskeysKey = ['me', 'passkeys'] as const;

/** My passkeys: the list, adding one (this browser's authenticator or a security key), removing one (after a step-up). */
export function PasskeysPage() {
  const { t } = useTranslation();
  const format = useFormat();
  const queryClient = useQueryClient();
  const [name, setName] = useState('');
  const [codes, setCodes] = useState<string[] | null>(null);
  const [removing, setRemoving] = useState<{ id: string; name: string } | null>(null);
  const passkeys = useQuery({ queryKey: myPasskeysKey, queryFn: () => call(() => api.GET('/api/v1/me/mfa/webauthn')) });
  const me = queryClient.getQueryData<{ email: string }>(['me']);

  const add = useMutation({
    mutationFn: async () => {
      const options = await call(() => api.POST('/api/v1/me/mfa/webauthn/options'));
      const response = await startRegistration({ optionsJSON: options as never });
      return call(() => api.POST('/api/v1/me/mfa/webauthn', { body: { response: response as never, ...(name.trim() ? { name: name.trim() } : {}) } }));
    },
    onSuccess: async (answer) => {
      setName('');
      if (answer.recoveryCodes.length > 0) setCodes(answer.recoveryCodes);
      // Adding a factor replaces this session (and ends the others).
      await refreshMe(queryClient);
    },
  });
  const remove = useMutation({
    mutationFn: (id: string) => call(() => api.DELETE('/api/v1/me/mfa/webauthn/{id}', { params: { path: { id } } })),
    onSuccess: async () => {
      setRemoving(null);
      await queryClient.invalidateQueries({ queryKey: myPasskeysKey });
    },
  });

  return (
    <>
      <PageHeader title={t('account:passkeys.title')} />
      <Stack gap="lg" maw={900}>
        <Text size="sm">{t('account:passkeys.intro')}</Text>
        {codes ? (
          <Paper withBorder p="md">
            <RecoveryCodes codes={codes} email={me?.email ?? ''} onDone={() => setCodes(null)} doneLabel={t('common:actions.close')} />
          </Paper>
        ) : null}
        {passkeys.isPending ? (
          <Loading />
        ) : passkeys.isError ? (
          <ErrorNotice error={passkeys.error} />
        ) : passkeys.data.items.length === 0 ? (
          <Text size="sm" data-testid="no-passkeys">
            {t('account:passkeys.none')}
          </Text>
        ) : (
          <Paper withBorder>
            <Table.ScrollContainer minWidth={600}>
              <Table striped data-testid="passkeys-table">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>{t('account:passkeys.name')}</Table.Th>
                    <Table.Th>{t('account:passkeys.created')}</Table.Th>
                    <Table.Th>{t('account:passkeys.lastUsed')}</Table.Th>
                    <Table.Th>
                      <VisuallyHidden>{t('account:passkeys.actions')}</VisuallyHidden>
                    </Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {passkeys.data.items.map((passkey) => (
                    <Table.Tr key={passkey.id} data-testid="passkey-row">
                      <Table.Td>{passkey.name}</Table.Td>
                      <Table.Td>{format.dateTime(passkey.createdAt)}</Table.Td>
                      <Table.Td>{passkey.lastUsedAt ? format.dateTime(passkey.lastUsedAt) : t('account:passkeys.never')}</Table.Td>
                      <Table.Td>
                        <Button
                          size="xs"
                          variant="light"
                          color="red"
                          onClick={() => {
                            remove.reset();
                            setRemoving({ id: passkey.id, name: passkey.name });
                          }}
                          aria-label={t('account:passkeys.removeOne', { name: passkey.name })}
                          data-testid="remove-passkey"
                        >
                          {t('account:passkeys.remove')}
                        </Button>
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          </Paper>
        )}
        <Paper withBorder p="md">
          <Stack gap="sm">
            <Text fw={600} component="h2" size="md">
              {t('account:passkeys.addTitle')}
            </Text>
            <AuthErrorNotice step="passkey" error={add.error} />
            <TextInput
              label={t('auth:enrolFactor.passkeyName')}
              description={t('auth:enrolFactor.passkeyNameHelp')}
              value={name}
              onChange={(event) => setName(event.currentTarget.value)}
              maxLength={64}
              data-testid="passkey-name"
            />
            <Group justify="flex-end">
              <Button onClick={() => add.mutate()} loading={add.isPending} data-testid="add-passkey">
                {t('account:passkeys.add')}
              </Button>
            </Group>
          </Stack>
        </Paper>
      </Stack>
      <Modal
        closeButtonProps={{ 'aria-label': t('common:actions.close') }}
        opened={removing !== null}
        onClose={() => setRemoving(null)}
        title={t('account:passkeys.removeTitle')}
        centered
      >
        <Stack gap="sm">
          <Text size="sm">{t('account:passkeys.removeConfirm', { name: removing?.name ?? '' })}</Text>
          {isApiError(remove.error, 'conflict') ? (
            <Alert color="red" role="alert" title={t('account:passkeys.lastTitle')} data-testid="error-notice">
              {t('account:passkeys.last')}
            </Alert>
          ) : (
            <ErrorNotice error={remove.error} />
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setRemoving(null)}>
              {t('common:actions.cancel')}
            </Button>
            <Button color="red" loading={remove.isPending} onClick={() => removing && remove.mutate(removing.id)} data-testid="confirm-remove-passkey">
              {t('account:passkeys.remove')}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </>
  );
}
