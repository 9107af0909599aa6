import { Badge, Button, Group, Modal, Progress, Stack, Table, Text, Title } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { request } from '../../../api/client';
import { ErrorNotice } from '../../../components/ErrorNotice';
import { Loading } from '../../../components/Loading';
import { PageHeader } from '../../../components/PageHeader';
import { useBusyAction } from '../../../components/use-busy-action';
import { useFormat } from '../../../i18n/format';
import { SigningKeysSection } from './SigningKeysSection';

interface KeyStatus {
  currentVersion: number;
  versions: { version: number; status: string; createdAt: string; subjects: number }[];
  rotation: {
    id: string;
    toVersion: number;
    status: string;
    total: number;
    done: number;
    remaining: number;
    startedAt: string;
    finishedAt: string | null;
  } | null;
}

const key = ['security', 'keys'] as const;

/** /security/keys: data key versions, what each protects, and a rotation with its progress (refreshed while it runs); then the audit signing keys. */
export function KeysPage() {
  const { t } = useTranslation();
  const format = useFormat();
  const queryClient = useQueryClient();
  const [confirming, setConfirming] = useState(false);
  const { busy, error, run } = useBusyAction();
  const status = useQuery({
    queryKey: key,
    queryFn: () => request<KeyStatus>('GET', '/api/v1/keys'),
    refetchInterval: (query) => (query.state.data?.rotation && !query.state.data.rotation.finishedAt ? 1500 : false),
  });
  const rotation = status.data?.rotation;
  const running = rotation && !rotation.finishedAt;

  const rotate = () =>
    run(async () => {
      await request('POST', '/api/v1/keys/rotate');
      setConfirming(false);
      await queryClient.invalidateQueries({ queryKey: key });
    });

  return (
    <>
      <PageHeader
        title={t('admin:keys.title')}
        actions={
          <Button onClick={() => setConfirming(true)} disabled={Boolean(running)} data-testid="keys-rotate">
            {t('admin:keys.rotate')}
          </Button>
        }
      />
      <Text size="sm" mb="md">
        {t('admin:keys.intro')}
      </Text>
      <ErrorNotice error={status.error ?? error} />
      {status.isLoading || !status.data ? (
        <Loading />
      ) : (
        <Stack>
          {rotation ? (
            <Stack gap={4} data-testid="key-rotation">
              <Title order={2} size="h4">
                {running
                  ? t('admin:keys.rotating', { version: rotation.toVersion })
                  : t('admin:keys.rotated', { version: rotation.toVersion, at: format.dateTime(rotation.finishedAt) })}
              </Title>
              <Progress
                value={rotation.total ? (rotation.done / rotation.total) * 100 : 100}
                aria-label={t('admin:keys.progressLabel')}
                size="lg"
                animated={Boolean(running)}
              />
              <Text size="sm">
                {t('admin:keys.progress', {
                  done: format.number(rotation.done),
                  total: format.number(rotation.total),
                  remaining: format.number(rotation.remaining),
                })}
              </Text>
            </Stack>
          ) : null}
          <Table striped data-testid="keys-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">{t('admin:keys.version')}</Table.Th>
                <Table.Th scope="col">{t('admin:keys.status')}</Table.Th>
                <Table.Th scope="col">{t('admin:keys.created')}</Table.Th>
                <Table.Th scope="col">{t('admin:keys.subjects')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {status.data.versions.map((version) => (
                <Table.Tr key={version.version}>
                  <Table.Td>
                    <Group gap="xs">
                      {version.version}
                      {version.version === status.data.currentVersion ? (
                        <Badge size="sm" color="teal.9" variant="filled">
                          {t('admin:keys.current')}
                        </Badge>
                      ) : null}
                    </Group>
                  </Table.Td>
                  <Table.Td>{t(`admin:keys.statuses.${version.status}`, { defaultValue: version.status })}</Table.Td>
                  <Table.Td>{format.dateTime(version.createdAt)}</Table.Td>
                  <Table.Td>{format.number(version.subjects)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Stack>
      )}
      <SigningKeysSection />
      <Modal
        closeButtonProps={{ 'aria-label': t('common:actions.close') }}
        opened={confirming}
        onClose={() => setConfirming(false)}
        title={t('admin:keys.rotateTitle')}
      >
        <Stack>
          <ErrorNotice error={error} />
          <Text>{t('admin:keys.rotateConfirm')}</Text>
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setConfirming(false)}>
              {t('common:actions.cancel')}
            </Button>
            <Button loading={busy} onClick={() => void rotate()} data-testid="keys-rotate-confirm">
              {t('admin:keys.rotate')}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </>
  );
}
