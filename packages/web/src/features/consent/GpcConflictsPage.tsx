import { Button, Group, Modal, Stack, Table, Text, Textarea } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { ApiError } from '../../api/api-error';
import { request } from '../../api/client';
import { ErrorNotice } from '../../components/ErrorNotice';
import { Loading } from '../../components/Loading';
import { PageHeader } from '../../components/PageHeader';
import { useFormat } from '../../i18n/format';
import { type Row, text, useConsentList } from './consent-data';

type Outcome = 'confirm_opt_out' | 'keep_opt_in';

/** Records the outcome of one conflict; keeping the opt-in needs the person's explicit reconfirmation. */
function ResolveDialog({ conflict, outcome, onClose }: { conflict: Row; outcome: Outcome; onClose: () => void }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [evidence, setEvidence] = useState('');
  const resolve = useMutation({
    mutationFn: () =>
      request('POST', `/api/v1/gpc-conflicts/${conflict.id}/resolve`, { body: { outcome, ...(evidence.trim() ? { evidence: evidence.trim() } : {}) } }),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: ['consent'] });
      onClose();
    },
  });
  const errors = resolve.error instanceof ApiError ? resolve.error.fieldErrors() : {};
  const keep = outcome === 'keep_opt_in';
  return (
    <Modal
      opened
      onClose={onClose}
      title={t(`consent:conflicts.${outcome}`)}
      centered
      closeButtonProps={{ 'aria-label': t('common:actions.close') }}
      lockScroll={false}
    >
      <form
        onSubmit={(e) => {
          e.preventDefault();
          resolve.mutate();
        }}
      >
        <Stack>
          <Text size="sm">{t(`consent:conflicts.explain.${outcome}`)}</Text>
          <Textarea
            label={t('consent:conflicts.evidence')}
            description={t('consent:conflicts.evidenceHint')}
            value={evidence}
            data-testid="resolution-evidence"
            onChange={(e) => setEvidence(e.currentTarget.value)}
            required={keep}
            error={errors.evidence}
            autosize
            minRows={2}
          />
          {resolve.error && !errors.evidence ? <ErrorNotice error={resolve.error} /> : null}
          <Button type="submit" loading={resolve.isPending} color={keep ? 'blue' : 'red'} data-testid="confirm-resolution">
            {t(`consent:conflicts.${outcome}`)}
          </Button>
        </Stack>
      </form>
    </Modal>
  );
}

/** /privacy/gpc-conflicts: GPC signals that contradict an earlier explicit opt-in, with their resolutions. */
export function GpcConflictsPage() {
  const { t } = useTranslation();
  const format = useFormat();
  const [resolving, setResolving] = useState<{ conflict: Row; outcome: Outcome } | null>(null);
  const conflicts = useConsentList('/api/v1/gpc-conflicts', { order: 'desc' });
  return (
    <>
      <PageHeader title={t('consent:conflicts.title')} />
      <Text size="sm" mb="md">
        {t('consent:conflicts.intro')}
      </Text>
      {conflicts.isPending ? <Loading /> : null}
      {conflicts.error ? <ErrorNotice error={conflicts.error} /> : null}
      {conflicts.data && conflicts.data.items.length === 0 ? <Text>{t('consent:conflicts.none')}</Text> : null}
      {conflicts.data && conflicts.data.items.length > 0 ? (
        <Table.ScrollContainer minWidth={640}>
          <Table withTableBorder data-testid="gpc-conflicts">
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">{t('consent:conflicts.raisedAt')}</Table.Th>
                <Table.Th scope="col">{t('consent:conflicts.person')}</Table.Th>
                <Table.Th scope="col">{t('consent:conflicts.status')}</Table.Th>
                <Table.Th scope="col">{t('consent:conflicts.actions')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {conflicts.data.items.map((c) => (
                <Table.Tr key={c.id} data-testid="gpc-conflict">
                  <Table.Td>{format.dateTime(text(c.createdAt))}</Table.Td>
                  <Table.Td>
                    <Link to={`/contacts/${text(c.contactId)}`}>{t('consent:conflicts.openPerson')}</Link>
                  </Table.Td>
                  <Table.Td>{t(`consent:conflicts.statuses.${text(c.status)}`, { defaultValue: text(c.status) })}</Table.Td>
                  <Table.Td>
                    {c.status === 'open' ? (
                      <Group gap="xs" wrap="nowrap">
                        <Button size="xs" color="red" variant="light" onClick={() => setResolving({ conflict: c, outcome: 'confirm_opt_out' })}>
                          {t('consent:conflicts.confirm_opt_out')}
                        </Button>
                        <Button size="xs" variant="light" onClick={() => setResolving({ conflict: c, outcome: 'keep_opt_in' })}>
                          {t('consent:conflicts.keep_opt_in')}
                        </Button>
                      </Group>
                    ) : (
                      format.dateTime(text(c.resolvedAt))
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      ) : null}
      {resolving ? <ResolveDialog {...resolving} onClose={() => setResolving(null)} /> : null}
    </>
  );
}
