import { Button, Modal, Select, Stack, Table, Text, Textarea, TextInput } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api/api-error';
import { newIdempotencyKey, request } from '../../api/client';
import { usePermissions } from '../../app/session';
import { ErrorNotice } from '../../components/ErrorNotice';
import { Loading } from '../../components/Loading';
import { PageHeader } from '../../components/PageHeader';
import { useFormat } from '../../i18n/format';
import { purposes, text, useConsentList } from './consent-data';

const empty = { purpose: 'marketing', titleZh: '', titleEn: '', textZh: '', textEn: '' };

/** Publishes a new version of a purpose's notice (both languages); an old version is never edited. */
function PublishDialog({ onClose }: { onClose: () => void }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [form, setForm] = useState(empty);
  const [idempotencyKey] = useState(newIdempotencyKey);
  const publish = useMutation({
    mutationFn: () => request('POST', '/api/v1/privacy-notices', { body: form, headers: { 'idempotency-key': idempotencyKey } }),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: ['consent'] });
      onClose();
    },
  });
  const errors = publish.error instanceof ApiError ? publish.error.fieldErrors() : {};
  const field = (name: keyof typeof empty) => ({
    value: form[name],
    onChange: (e: { currentTarget: { value: string } }) => setForm({ ...form, [name]: e.currentTarget.value }),
    error: errors[name],
    required: true,
    'data-testid': `notice-${name}`,
  });
  return (
    <Modal
      opened
      onClose={onClose}
      title={t('consent:notices.publishTitle')}
      centered
      size="lg"
      closeButtonProps={{ 'aria-label': t('common:actions.close') }}
      lockScroll={false}
    >
      <form
        onSubmit={(e) => {
          e.preventDefault();
          publish.mutate();
        }}
      >
        <Stack>
          <Text size="sm">{t('consent:notices.publishHint')}</Text>
          <Select
            label={t('consent:notices.purpose')}
            data={purposes.map((p) => ({ value: p, label: t(`consent:purpose.${p}`) }))}
            value={form.purpose}
            onChange={(value) => setForm({ ...form, purpose: value ?? 'marketing' })}
            allowDeselect={false}
            comboboxProps={{ withinPortal: false }}
          />
          <TextInput label={t('consent:notices.titleZh')} lang="zh-CN" {...field('titleZh')} />
          <TextInput label={t('consent:notices.titleEn')} lang="en" {...field('titleEn')} />
          <Textarea label={t('consent:notices.textZh')} lang="zh-CN" autosize minRows={3} {...field('textZh')} />
          <Textarea label={t('consent:notices.textEn')} lang="en" autosize minRows={3} {...field('textEn')} />
          {publish.error && !(publish.error instanceof ApiError && Object.keys(errors).length) ? <ErrorNotice error={publish.error} /> : null}
          <Button type="submit" loading={publish.isPending}>
            {t('consent:notices.publish')}
          </Button>
        </Stack>
      </form>
    </Modal>
  );
}

/** /privacy/notices: every published version of every purpose's notice, newest first, and publishing a new one. */
export function NoticesPage() {
  const { t, i18n } = useTranslation();
  const format = useFormat();
  const { can } = usePermissions();
  const [publishing, setPublishing] = useState(false);
  const notices = useConsentList('/api/v1/privacy-notices', { sort: 'publishedAt', order: 'desc' });
  const chinese = i18n.language.startsWith('zh');
  return (
    <>
      <PageHeader
        title={t('consent:notices.title')}
        actions={
          can('privacy_notices.create') ? (
            <Button onClick={() => setPublishing(true)} data-testid="publish-notice">
              {t('consent:notices.publishNew')}
            </Button>
          ) : null
        }
      />
      <Text size="sm" mb="md">
        {t('consent:notices.intro')}
      </Text>
      {notices.isPending ? <Loading /> : null}
      {notices.error ? <ErrorNotice error={notices.error} /> : null}
      {notices.data && notices.data.items.length === 0 ? <Text>{t('consent:notices.none')}</Text> : null}
      {notices.data && notices.data.items.length > 0 ? (
        <Table.ScrollContainer minWidth={600}>
          <Table withTableBorder data-testid="notices">
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">{t('consent:notices.purpose')}</Table.Th>
                <Table.Th scope="col">{t('consent:notices.version')}</Table.Th>
                <Table.Th scope="col">{t('consent:notices.noticeTitle')}</Table.Th>
                <Table.Th scope="col">{t('consent:notices.publishedAt')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {notices.data.items.map((n) => (
                <Table.Tr key={n.id} data-testid="notice">
                  <Table.Td>{t(`consent:purpose.${text(n.purpose)}`, { defaultValue: text(n.purpose) })}</Table.Td>
                  <Table.Td>{text(n.version)}</Table.Td>
                  <Table.Td lang={chinese ? 'zh-CN' : 'en'}>{text(chinese ? n.titleZh : n.titleEn)}</Table.Td>
                  <Table.Td>{format.dateTime(text(n.publishedAt))}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      ) : null}
      {publishing ? <PublishDialog onClose={() => setPublishing(false)} /> : null}
    </>
  );
}
