import { Badge, Button, Group, Modal, Select, Stack, Text, TextInput } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { request } from '../../api/client';
import type { RecordExtensionProps } from '../../app/record-extensions';
import { usePermissions } from '../../app/session';
import { ErrorNotice } from '../../components/ErrorNotice';
import { AccessPackageNotice, type BuiltPackage } from './AccessPackageNotice';

interface SubjectStatus {
  subjectId: string;
  erased: boolean;
  restricted: boolean;
  erasure: { id: string; status: 'running' | 'done'; stepsDone: string[]; heldRecords: number } | null;
  legalHolds: { id: string; table: string; rowId: string; reason: string; placedAt: string }[];
}

const restrictionReasons = ['accuracy_contested', 'unlawful_processing', 'legal_claims', 'objection_pending', 'subject_request'] as const;

/**
 * A contact's data subject, for privacy officers: build the access package (the passphrase is shown
 * here once, with the single-use link), restrict or lift, and erase after typing ERASE (the server
 * asks for a fresh second factor; the step-up prompt appears by itself).
 */
export function DataSubjectPanel({ id, onChanged }: RecordExtensionProps) {
  const { t } = useTranslation();
  const { can: may } = usePermissions();
  const client = useQueryClient();
  const key = ['data-subject', id];
  const status = useQuery({ queryKey: key, queryFn: () => request<SubjectStatus>('GET', `/api/v1/contacts/${id}/data-subject`) });
  const [built, setBuilt] = useState<BuiltPackage | null>(null);
  const [format, setFormat] = useState<'json' | 'csv'>('json');
  const [reason, setReason] = useState<string>('subject_request');
  const [erasing, setErasing] = useState(false);
  const [confirm, setConfirm] = useState('');
  const refresh = () => {
    void client.invalidateQueries({ queryKey: key });
    onChanged();
  };
  const subjectId = status.data?.subjectId ?? '';
  const build = useMutation({
    mutationFn: () => request<BuiltPackage>('POST', `/api/v1/subjects/${subjectId}/access-package`, { body: { format } }),
    onSuccess: (data) => setBuilt(data),
  });
  const restrict = useMutation({
    mutationFn: (on: boolean) => request('PUT', `/api/v1/subjects/${subjectId}/restriction`, { body: { restricted: on, reason } }),
    onSuccess: refresh,
  });
  const erase = useMutation({
    mutationFn: () => request('POST', `/api/v1/subjects/${subjectId}/erasure`, { body: { confirm } }),
    onSuccess: () => {
      setErasing(false);
      setConfirm('');
      refresh();
    },
  });
  if (status.isPending) return <Text size="sm">{t('subjects:panel.loading')}</Text>;
  if (status.error) return <ErrorNotice error={status.error} />;
  const s = status.data;
  const done = s.erased || s.erasure?.status === 'done';
  return (
    <Stack gap="sm" data-testid="data-subject-panel">
      <Group gap="xs">
        {s.erased ? <Badge color="gray">{t('subjects:status.erased')}</Badge> : <Badge color="teal">{t('subjects:status.active')}</Badge>}
        {s.restricted && <Badge color="orange">{t('subjects:status.restricted')}</Badge>}
        {s.erasure?.status === 'running' && <Badge color="yellow">{t('subjects:status.erasureRunning')}</Badge>}
        {s.legalHolds.length > 0 && <Badge color="grape">{t('subjects:status.holds', { count: s.legalHolds.length })}</Badge>}
      </Group>
      {!done && (
        <Group align="end">
          <Select
            label={t('subjects:package.format')}
            data={[
              { value: 'json', label: t('subjects:package.json') },
              { value: 'csv', label: t('subjects:package.csv') },
            ]}
            value={format}
            onChange={(v) => setFormat(v === 'csv' ? 'csv' : 'json')}
            allowDeselect={false}
            w={200}
          />
          <Button onClick={() => build.mutate()} loading={build.isPending} disabled={s.restricted}>
            {t('subjects:package.build')}
          </Button>
        </Group>
      )}
      <ErrorNotice error={build.error} />
      {built && <AccessPackageNotice built={built} />}
      {may('subjects.restrict') && !done && (
        <Group align="end">
          <Select
            label={t('subjects:restriction.reason')}
            data={restrictionReasons.map((r) => ({ value: r, label: t(`subjects:restriction.reasons.${r}`) }))}
            value={reason}
            onChange={(v) => setReason(v ?? 'subject_request')}
            allowDeselect={false}
            w={240}
          />
          <Button variant="default" onClick={() => restrict.mutate(!s.restricted)} loading={restrict.isPending}>
            {s.restricted ? t('subjects:restriction.lift') : t('subjects:restriction.restrict')}
          </Button>
        </Group>
      )}
      <ErrorNotice error={restrict.error} />
      {may('subjects.erase') && !done && (
        <Group>
          <Button color="red" variant="light" onClick={() => setErasing(true)}>
            {s.erasure?.status === 'running' ? t('subjects:erase.resume') : t('subjects:erase.open')}
          </Button>
        </Group>
      )}
      {erasing && (
        <Modal
          opened
          onClose={() => setErasing(false)}
          title={t('subjects:erase.title')}
          centered
          lockScroll={false}
          closeButtonProps={{ 'aria-label': t('common:actions.close') }}
        >
          <form
            noValidate
            onSubmit={(e) => {
              e.preventDefault();
              erase.mutate();
            }}
          >
            <Stack>
              <Text size="sm">{t('subjects:erase.explain')}</Text>
              {s.legalHolds.length > 0 && <Text size="sm">{t('subjects:erase.holds', { count: s.legalHolds.length })}</Text>}
              <TextInput label={t('subjects:erase.confirmLabel')} value={confirm} onChange={(e) => setConfirm(e.currentTarget.value)} autoComplete="off" />
              <ErrorNotice error={erase.error} />
              <Group justify="end">
                <Button variant="default" onClick={() => setErasing(false)}>
                  {t('common:actions.cancel')}
                </Button>
                <Button type="submit" color="red" disabled={confirm !== 'ERASE'} loading={erase.isPending}>
                  {t('subjects:erase.submit')}
                </Button>
              </Group>
            </Stack>
          </form>
        </Modal>
      )}
    </Stack>
  );
}
