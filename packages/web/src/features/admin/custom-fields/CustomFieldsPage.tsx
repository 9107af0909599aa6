import { storeObjects } from '@castellan/shared';
import { Badge, Button, Group, Modal, Select, Stack, Table, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { request } from '../../../api/client';
import { usePermissions } from '../../../app/session';
import { ErrorNotice } from '../../../components/ErrorNotice';
import { Loading } from '../../../components/Loading';
import { PageHeader } from '../../../components/PageHeader';
import type { Page } from '../shared/types';
import { type CustomField, CustomFieldForm } from './CustomFieldForm';

/** /admin/custom-fields: the custom fields of each object; the system administrator adds, relabels and removes them. */
export function CustomFieldsPage() {
  const { t, i18n } = useTranslation();
  const { can } = usePermissions();
  const queryClient = useQueryClient();
  const [object, setObject] = useState<string>('contacts');
  const [editing, setEditing] = useState<CustomField | 'new' | null>(null);
  const [removing, setRemoving] = useState<CustomField | null>(null);
  const [removeError, setRemoveError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const key = ['admin', 'custom-fields', object] as const;
  const fields = useQuery({
    queryKey: key,
    queryFn: async () => (await request<Page<CustomField>>('GET', '/api/v1/custom-fields', { query: { object } })).items,
  });
  const objectLabel = (o: string) => t(`admin:objects.${o}`, { defaultValue: o });
  const manage = can('custom_fields.manage');
  const zh = (i18n.resolvedLanguage ?? 'en') === 'zh';

  const remove = async () => {
    if (!removing) return;
    setBusy(true);
    setRemoveError(null);
    try {
      await request('DELETE', `/api/v1/custom-fields/${removing.id}`);
      notifications.show({ color: 'green', message: t('admin:customFields.removed', { key: removing.key }) });
      setRemoving(null);
      await queryClient.invalidateQueries({ queryKey: key });
    } catch (error) {
      setRemoveError(error);
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <PageHeader
        title={t('admin:customFields.title')}
        actions={
          manage ? (
            <Button onClick={() => setEditing('new')} data-testid="custom-field-add">
              {t('admin:customFields.add')}
            </Button>
          ) : null
        }
      />
      <Select
        label={t('admin:customFields.object')}
        data={storeObjects.map((o) => ({ value: o, label: objectLabel(o) }))}
        value={object}
        onChange={(value) => value && setObject(value)}
        allowDeselect={false}
        searchable
        maw={320}
        mb="md"
        data-testid="custom-field-object"
      />
      <ErrorNotice error={fields.error} />
      {fields.isLoading ? (
        <Loading />
      ) : fields.data?.length ? (
        <Table striped data-testid="custom-fields-table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th scope="col">{t('admin:customFields.key')}</Table.Th>
              <Table.Th scope="col">{t('admin:customFields.label')}</Table.Th>
              <Table.Th scope="col">{t('admin:customFields.type')}</Table.Th>
              <Table.Th scope="col">{t('admin:customFields.classification')}</Table.Th>
              <Table.Th scope="col">{t('admin:customFields.mask')}</Table.Th>
              <Table.Th scope="col">{t('admin:customFields.options')}</Table.Th>
              {manage ? <Table.Th scope="col">{t('admin:users.actions')}</Table.Th> : null}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {fields.data.map((field) => (
              <Table.Tr key={field.id}>
                <Table.Td>
                  <code>{field.key}</code>
                </Table.Td>
                <Table.Td>{zh ? field.labelZh : field.labelEn}</Table.Td>
                <Table.Td>{t(`admin:customFields.types.${field.type}`)}</Table.Td>
                <Table.Td>
                  <Badge
                    variant="light"
                    color={field.classification === 'sensitive' ? 'red' : field.classification === 'personal' ? 'orange' : 'gray'}
                    tt="none"
                  >
                    {t(`admin:customFields.classifications.${field.classification}`)}
                  </Badge>
                </Table.Td>
                <Table.Td>{field.mask ? t(`admin:customFields.masks.${field.mask}`) : ''}</Table.Td>
                <Table.Td>{field.options?.join(', ') ?? ''}</Table.Td>
                {manage ? (
                  <Table.Td>
                    <Group gap="xs">
                      <Button size="xs" variant="default" onClick={() => setEditing(field)} aria-label={t('admin:customFields.editOne', { key: field.key })}>
                        {t('common:actions.edit')}
                      </Button>
                      <Button
                        size="xs"
                        variant="light"
                        color="red"
                        onClick={() => setRemoving(field)}
                        aria-label={t('admin:customFields.removeOne', { key: field.key })}
                      >
                        {t('common:actions.delete')}
                      </Button>
                    </Group>
                  </Table.Td>
                ) : null}
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      ) : (
        <Text c="dimmed">{t('admin:customFields.none', { object: objectLabel(object) })}</Text>
      )}
      {editing ? (
        <CustomFieldForm
          object={object}
          field={editing === 'new' ? null : editing}
          onClose={() => setEditing(null)}
          onSaved={() => void queryClient.invalidateQueries({ queryKey: key })}
        />
      ) : null}
      <Modal
        closeButtonProps={{ 'aria-label': t('common:actions.close') }}
        opened={removing !== null}
        onClose={() => setRemoving(null)}
        title={t('admin:customFields.removeTitle')}
      >
        <Stack>
          <ErrorNotice error={removeError} />
          <Text>{t('admin:customFields.removeConfirm', { key: removing?.key ?? '', object: objectLabel(removing?.object ?? '') })}</Text>
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setRemoving(null)}>
              {t('common:actions.cancel')}
            </Button>
            <Button color="red" loading={busy} onClick={() => void remove()} data-testid="custom-field-remove-confirm">
              {t('admin:customFields.removeForGood')}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </>
  );
}
