import { customFieldClassifications, customFieldMasks, customFieldTypes } from '@castellan/shared';
import { Button, Group, Modal, Select, Stack, TagsInput, TextInput } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { newIdempotencyKey, request } from '../../../api/client';
import { ErrorNotice } from '../../../components/ErrorNotice';
import { useFormErrors } from '../shared/use-form-errors';

export interface CustomField {
  id: string;
  object: string;
  key: string;
  labelZh: string;
  labelEn: string;
  type: string;
  options: string[] | null;
  classification: string;
  mask: string | null;
}

/** Add a custom field, or change one's labels, enum options or mask (key, type and classification are fixed). */
export function CustomFieldForm({ object, field, onClose, onSaved }: { object: string; field: CustomField | null; onClose: () => void; onSaved: () => void }) {
  const { t } = useTranslation();
  const [idempotencyKey] = useState(newIdempotencyKey);
  const [key, setKey] = useState(field?.key ?? '');
  const [labelZh, setLabelZh] = useState(field?.labelZh ?? '');
  const [labelEn, setLabelEn] = useState(field?.labelEn ?? '');
  const [type, setType] = useState(field?.type ?? 'text');
  const [classification, setClassification] = useState(field?.classification ?? 'internal');
  const [mask, setMask] = useState<string | null>(field?.mask ?? null);
  const [options, setOptions] = useState<string[]>(field?.options ?? []);
  const [busy, setBusy] = useState(false);
  const errors = useFormErrors();
  const protectedField = classification === 'personal' || classification === 'sensitive';

  const submit = async () => {
    errors.reset();
    setBusy(true);
    try {
      if (field) {
        const body: Record<string, unknown> = {};
        if (labelZh !== field.labelZh) body.labelZh = labelZh;
        if (labelEn !== field.labelEn) body.labelEn = labelEn;
        if (field.type === 'enum' && options.join() !== (field.options ?? []).join()) body.options = options;
        if (protectedField && mask && mask !== field.mask) body.mask = mask;
        if (Object.keys(body).length) await request('PATCH', `/api/v1/custom-fields/${field.id}`, { body });
      } else {
        const body = {
          object,
          key,
          labelZh,
          labelEn,
          type,
          classification,
          ...(type === 'enum' ? { options } : {}),
          ...(protectedField && mask ? { mask } : {}),
        };
        await request('POST', '/api/v1/custom-fields', { body, headers: { 'idempotency-key': idempotencyKey } });
      }
      onSaved();
      onClose();
    } catch (error) {
      errors.fail(error);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      opened
      closeButtonProps={{ 'aria-label': t('common:actions.close') }}
      onClose={onClose}
      title={
        field
          ? t('admin:customFields.editTitle', { key: field.key })
          : t('admin:customFields.addTitle', { object: t(`admin:objects.${object}`, { defaultValue: object }) })
      }
    >
      <form
        onSubmit={(event) => {
          event.preventDefault();
          void submit();
        }}
      >
        <Stack>
          <ErrorNotice error={errors.error} />
          <TextInput
            label={t('admin:customFields.key')}
            description={t('admin:customFields.keyHint')}
            required
            disabled={field !== null}
            value={key}
            onChange={(e) => setKey(e.currentTarget.value)}
            error={errors.fieldErrors.key}
            data-testid="custom-field-key"
          />
          <TextInput
            label={t('admin:customFields.labelZh')}
            required
            value={labelZh}
            onChange={(e) => setLabelZh(e.currentTarget.value)}
            error={errors.fieldErrors.labelZh}
            data-testid="custom-field-label-zh"
          />
          <TextInput
            label={t('admin:customFields.labelEn')}
            required
            value={labelEn}
            onChange={(e) => setLabelEn(e.currentTarget.value)}
            error={errors.fieldErrors.labelEn}
            data-testid="custom-field-label-en"
          />
          <Select
            label={t('admin:customFields.type')}
            disabled={field !== null}
            data={customFieldTypes.map((value) => ({ value, label: t(`admin:customFields.types.${value}`) }))}
            value={type}
            onChange={(value) => value && setType(value)}
            allowDeselect={false}
            error={errors.fieldErrors.type}
          />
          <Select
            label={t('admin:customFields.classification')}
            description={t('admin:customFields.classificationHint')}
            disabled={field !== null}
            data={customFieldClassifications.map((value) => ({ value, label: t(`admin:customFields.classifications.${value}`) }))}
            value={classification}
            onChange={(value) => value && setClassification(value)}
            allowDeselect={false}
            error={errors.fieldErrors.classification}
          />
          {type === 'enum' ? (
            <TagsInput
              label={t('admin:customFields.options')}
              description={t('admin:customFields.optionsHint')}
              value={options}
              onChange={setOptions}
              error={errors.fieldErrors.options}
            />
          ) : null}
          {protectedField ? (
            <Select
              label={t('admin:customFields.mask')}
              data={customFieldMasks.map((value) => ({ value, label: t(`admin:customFields.masks.${value}`) }))}
              value={mask}
              onChange={setMask}
              clearable
              error={errors.fieldErrors.mask}
            />
          ) : null}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t('common:actions.cancel')}
            </Button>
            <Button type="submit" loading={busy} data-testid="custom-field-save">
              {field ? t('common:actions.save') : t('common:actions.create')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
