import { Button, Group, SimpleGrid, Stack } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useMemo, useRef, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { isApiError } from '../../api/api-error';
import { newIdempotencyKey } from '../../api/client';
import { usePermissions } from '../../app/session';
import { ErrorNotice } from '../../components/ErrorNotice';
import { Loading } from '../../components/Loading';
import { NotFound } from '../../components/NotFound';
import { PageHeader } from '../../components/PageHeader';
import { recordTitle, writableFields } from './catalogue';
import { FieldInput } from './FieldInput';
import { bodyOf, customInfo, type FormValues, formErrorsOf, initialValues } from './form-values';
import { useLabels } from './labels';
import { offersChange, recordPath } from './objects';
import { createRecord, invalidateObject, patchRecord, type RecordView, useCustomFields, useRecord } from './records-api';

/** `/<plural>/new` and `/<plural>/:id/edit`: the form generated from the catalogue (and the object's custom fields). */
export function RecordFormPage({ object, mode }: { object: string; mode: 'create' | 'edit' }) {
  const { id } = useParams();
  const { can } = usePermissions();
  const existing = useRecord(object, mode === 'edit' ? id : undefined);
  const custom = useCustomFields(object);
  if (!offersChange(object) || !can(`${object}.${mode === 'create' ? 'create' : 'update'}`)) return <NotFound />;
  if (mode === 'edit') {
    if (existing.isPending || custom.isPending) return <Loading />;
    if (isApiError(existing.error, 'not_found')) return <NotFound />;
    if (existing.error) return <ErrorNotice error={existing.error} />;
  } else if (custom.isPending) return <Loading />;
  return <RecordForm key={id ?? 'new'} object={object} record={existing.data} customFields={custom.data ?? []} />;
}

interface FormProps {
  object: string;
  record?: RecordView;
  customFields: NonNullable<ReturnType<typeof useCustomFields>['data']>;
}

function RecordForm({ object, record, customFields }: FormProps) {
  const { t, objectLabel, fieldLabel } = useLabels();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const fields = useMemo(() => {
    const own = writableFields(object).filter((f) => !record || !f.personal || f.name in record);
    return [...own, ...customFields.map(customInfo).filter((f) => !record || !f.personal || f.name.slice(7) in (record.custom ?? {}))];
  }, [object, record, customFields]);
  const initial = useRef<FormValues>(initialValues(fields, record));
  const [values, setValues] = useState<FormValues>(initial.current);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [failure, setFailure] = useState<unknown>(null);
  const [sending, setSending] = useState(false);
  const sendingNow = useRef(false);
  /** One key per opening of the form: pressing Save twice, or again after a lost answer, makes one record. */
  const [idempotencyKey] = useState(newIdempotencyKey);

  useEffect(() => {
    setValues((now) => {
      const missing = fields.filter((f) => !(f.name in now));
      if (missing.length === 0) return now;
      const added = initialValues(missing, record);
      initial.current = { ...initial.current, ...added };
      return { ...now, ...added };
    });
  }, [fields, record]);

  const title = record
    ? t('records:form.editTitle', { object: objectLabel(object), name: recordTitle(record) ?? '' })
    : t('records:form.createTitle', { object: objectLabel(object) });

  const submit = async () => {
    if (sendingNow.current) return;
    sendingNow.current = true;
    setSending(true);
    setFailure(null);
    try {
      const body = bodyOf(fields, values, record ? initial.current : undefined);
      let saved: RecordView | undefined;
      if (record) {
        if (Object.keys(body).length > 0) saved = await patchRecord(object, record.id, body);
      } else saved = await createRecord(object, body, idempotencyKey);
      await invalidateObject(queryClient, object);
      navigate(recordPath(object, saved?.id ?? record?.id), { replace: !record });
    } catch (error) {
      setErrors(formErrorsOf(error));
      setFailure(error);
    } finally {
      sendingNow.current = false;
      setSending(false);
    }
  };

  return (
    <>
      <PageHeader title={title} />
      <form
        noValidate
        aria-label={title}
        onSubmit={(event) => {
          event.preventDefault();
          void submit();
        }}
      >
        <Stack gap="md" maw={900}>
          {failure ? <ErrorNotice error={failure} showServerMessage={Object.keys(errors).length === 0} /> : null}
          <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="md">
            {fields.map((field) => (
              <FieldInput
                key={field.name}
                object={object}
                field={field}
                label={fieldLabel(object, field.name, customFields)}
                value={values[field.name]}
                error={errors[field.name]}
                maskedAs={record?.maskedFields?.includes(field.name) ? String(record[field.name] ?? '') : undefined}
                onChange={(value) => {
                  setValues((now) => ({ ...now, [field.name]: value }));
                  if (errors[field.name]) setErrors(({ [field.name]: _, ...rest }) => rest);
                }}
              />
            ))}
          </SimpleGrid>
          <Group>
            <Button type="submit" loading={sending} disabled={sending} data-testid="record-save">
              {record ? t('common:actions.save') : t('common:actions.create')}
            </Button>
            <Button component={Link} to={recordPath(object, record?.id)} variant="default">
              {t('common:actions.cancel')}
            </Button>
          </Group>
        </Stack>
      </form>
    </>
  );
}
