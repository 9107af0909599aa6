import { Badge, Button, Checkbox, Group, Modal, Stack, Table, Text, Title } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { request } from '../../../api/client';
import { ErrorNotice } from '../../../components/ErrorNotice';
import { Loading } from '../../../components/Loading';
import { useBusyAction } from '../../../components/use-busy-action';
import { useFormat } from '../../../i18n/format';

interface SigningKey {
  version: number;
  keyId: string;
  status: 'current' | 'superseded' | 'revoked';
  revokedAt: string | null;
}

const key = ['security', 'keys', 'signing'] as const;
const statusColor = { current: 'teal.9', superseded: 'gray.7', revoked: 'red.9' } as const;

/**
 * The audit signing keys on /security/keys: which signs now, which still verify what they signed,
 * which were revoked; and a rotation, optionally revoking the key it replaces (it leaked).
 */
export function SigningKeysSection() {
  const { t } = useTranslation();
  const format = useFormat();
  const queryClient = useQueryClient();
  const [confirming, setConfirming] = useState(false);
  const [revokePrevious, setRevokePrevious] = useState(false);
  const { busy, error, run } = useBusyAction();
  const [done, setDone] = useState<{ toVersion: number; revoked: boolean } | null>(null);
  const keys = useQuery({ queryKey: key, queryFn: () => request<{ items: SigningKey[] }>('GET', '/api/v1/keys/signing') });

  const rotate = () =>
    run(async () => {
      const rotated = await request<{ toVersion: number; revoked: boolean }>('POST', '/api/v1/keys/signing/rotate', { body: { revokePrevious } });
      setDone({ toVersion: rotated.toVersion, revoked: rotated.revoked });
      setConfirming(false);
      setRevokePrevious(false);
      await queryClient.invalidateQueries({ queryKey: key });
    });

  return (
    <Stack gap="xs" mt="lg" data-testid="signing-keys">
      <Group justify="space-between">
        <Title order={2} size="h4">
          {t('admin:signingKeys.title')}
        </Title>
        <Button variant="default" onClick={() => setConfirming(true)} data-testid="signing-rotate">
          {t('admin:signingKeys.rotate')}
        </Button>
      </Group>
      <Text size="sm">{t('admin:signingKeys.intro')}</Text>
      {done ? (
        <Text size="sm" role="status" data-testid="signing-rotated">
          {t(done.revoked ? 'admin:signingKeys.rotatedRevoked' : 'admin:signingKeys.rotated', { version: done.toVersion })}
        </Text>
      ) : null}
      <ErrorNotice error={keys.error} />
      {keys.isLoading || !keys.data ? (
        <Loading />
      ) : (
        <Table striped data-testid="signing-keys-table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th scope="col">{t('admin:signingKeys.version')}</Table.Th>
              <Table.Th scope="col">{t('admin:signingKeys.keyId')}</Table.Th>
              <Table.Th scope="col">{t('admin:signingKeys.status')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {keys.data.items.map((k) => (
              <Table.Tr key={k.version}>
                <Table.Td>{k.version}</Table.Td>
                <Table.Td>
                  <Text ff="monospace" size="sm">
                    {k.keyId}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Group gap="xs">
                    <Badge size="sm" color={statusColor[k.status]} variant="filled">
                      {t(`admin:signingKeys.statuses.${k.status}`)}
                    </Badge>
                    {k.revokedAt ? <Text size="sm">{t('admin:signingKeys.revokedAt', { at: format.dateTime(k.revokedAt) })}</Text> : null}
                  </Group>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      <Modal
        closeButtonProps={{ 'aria-label': t('common:actions.close') }}
        opened={confirming}
        onClose={() => setConfirming(false)}
        title={t('admin:signingKeys.rotateTitle')}
      >
        <Stack>
          <ErrorNotice error={error} />
          <Text>{t('admin:signingKeys.rotateConfirm')}</Text>
          <Checkbox
            checked={revokePrevious}
            onChange={(event) => setRevokePrevious(event.currentTarget.checked)}
            label={t('admin:signingKeys.revokePrevious')}
            description={t('admin:signingKeys.revokePreviousHelp')}
            data-testid="signing-revoke-previous"
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setConfirming(false)}>
              {t('common:actions.cancel')}
            </Button>
            <Button color={revokePrevious ? 'red.9' : undefined} loading={busy} onClick={() => void rotate()} data-testid="signing-rotate-confirm">
              {t(revokePrevious ? 'admin:signingKeys.rotateAndRevoke' : 'admin:signingKeys.rotate')}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Stack>
  );
}
