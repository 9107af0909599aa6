import { Alert, Button, FileInput, Group, Radio, Select, Stack, Table, Text, Title } from '@mantine/core';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { newIdempotencyKey, request } from '../../api/client';
import { usePermissions } from '../../app/session';
import { ErrorNotice } from '../../components/ErrorNotice';
import { PageHeader } from '../../components/PageHeader';
import { fileHeader, formatOfFile, type ImportFileFormat } from './file-header';
import { duplicateFields, type ImportObject, importFields, importObjects, initialMapping, mappingQuery, mayIgnore, missingRequired } from './import-mapping';

const IGNORE = '';
const xlsxType = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/**
 * The import wizard: the object and the file, the file's columns mapped to the object's fields
 * (the header row is read in the browser; no data row is kept), all-or-nothing or in chunks, then
 * the upload and the progress page. The file stays in this page's memory only until it is sent.
 */
export function ImportPage() {
  const { t } = useTranslation();
  const { can } = usePermissions();
  const navigate = useNavigate();
  const objects = importObjects.filter((o) => can(`${o}.create`));
  const [object, setObject] = useState<ImportObject | null>(objects[0] ?? null);
  const [file, setFile] = useState<File | null>(null);
  const [format, setFormat] = useState<ImportFileFormat | null>(null);
  const [header, setHeader] = useState<string[] | null>(null);
  const [mapping, setMapping] = useState<(string | null)[]>([]);
  const [fileProblem, setFileProblem] = useState<string | null>(null);
  const [chunked, setChunked] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [idempotencyKey, setIdempotencyKey] = useState(newIdempotencyKey);
  const fields = useMemo(() => (object ? importFields(object) : []), [object]);

  const chooseObject = (value: string | null) => {
    const next = (value as ImportObject | null) ?? null;
    setObject(next);
    if (next && header) setMapping(initialMapping(header, importFields(next)));
  };

  const chooseFile = async (chosen: File | null) => {
    setFile(chosen);
    setHeader(null);
    setFileProblem(null);
    setError(null);
    setIdempotencyKey(newIdempotencyKey());
    if (!chosen) return;
    const kind = formatOfFile(chosen);
    setFormat(kind ?? null);
    if (!kind) return setFileProblem(t('data:import.badFormat'));
    try {
      const columns = await fileHeader(chosen, kind);
      if (columns.filter((c) => c !== '').length === 0) return setFileProblem(t('data:import.emptyHeader'));
      setHeader(columns);
      setMapping(initialMapping(columns, fields));
    } catch {
      setFileProblem(t('data:import.unreadable'));
    }
  };

  const duplicates = duplicateFields(mapping);
  const missing = missingRequired(mapping, fields);
  const mapped = mapping.some(Boolean);
  const ready = !!object && !!file && !!format && !!header && mapped && duplicates.length === 0 && missing.length === 0;

  const start = async () => {
    if (!ready || !object || !file || !format || !header) return;
    setBusy(true);
    setError(null);
    try {
      const query = new URLSearchParams({ object, format, skipInvalid: chunked ? 'true' : 'false' });
      for (const pair of mappingQuery(header, mapping)) query.append('map', pair);
      const job = await request<{ id: string }>('POST', `/api/v1/imports?${query.toString()}`, {
        body: file,
        headers: { 'content-type': format === 'csv' ? 'text/csv' : xlsxType, 'idempotency-key': idempotencyKey },
      });
      setFile(null);
      navigate(`/data/import/${job.id}`);
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };

  const fieldOptions = (column: string) => [
    ...(mayIgnore(column, fields) ? [{ value: IGNORE, label: t('data:import.ignore') }] : []),
    ...fields.map((f) => ({ value: f.name, label: f.required ? t('data:import.required', { field: f.name }) : f.name })),
  ];

  return (
    <>
      <PageHeader title={t('data:import.title')} />
      <Stack gap="lg" maw={900}>
        <Text>{t('data:import.intro')}</Text>
        <section aria-labelledby="import-step-file">
          <Title order={2} size="h4" id="import-step-file" mb="xs">
            {t('data:import.stepFile')}
          </Title>
          <Group align="flex-end" grow>
            <Select
              label={t('data:import.object')}
              data={objects.map((o) => ({ value: o, label: t(`data:objects.${o}`) }))}
              value={object}
              onChange={chooseObject}
              allowDeselect={false}
              data-testid="import-object"
            />
            <FileInput
              label={t('data:import.file')}
              placeholder={t('data:import.filePlaceholder')}
              accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
              value={file}
              onChange={(chosen) => void chooseFile(chosen)}
              clearable
              clearButtonProps={{ 'aria-label': t('data:import.clearFile') }}
              data-testid="import-file"
            />
          </Group>
          {fileProblem ? (
            <Alert color="orange" mt="sm" role="alert" data-testid="import-file-problem">
              {fileProblem}
            </Alert>
          ) : null}
        </section>

        {header ? (
          <section aria-labelledby="import-step-mapping">
            <Title order={2} size="h4" id="import-step-mapping" mb="xs">
              {t('data:import.stepMapping')}
            </Title>
            <Text size="sm" mb="xs">
              {t('data:import.mappingIntro')}
            </Text>
            <Table withTableBorder data-testid="import-mapping">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th scope="col">{t('data:import.column')}</Table.Th>
                  <Table.Th scope="col">{t('data:import.field')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {header.map((column, i) =>
                  column === '' ? null : (
                    // biome-ignore lint/suspicious/noArrayIndexKey: columns are positional; two may share a name
                    <Table.Tr key={`${i}-${column}`}>
                      <Table.Td>{column}</Table.Td>
                      <Table.Td>
                        <Select
                          aria-label={t('data:import.fieldFor', { column })}
                          data={fieldOptions(column)}
                          value={mapping[i] ?? IGNORE}
                          allowDeselect={false}
                          searchable
                          onChange={(value) => setMapping((current) => current.map((f, j) => (j === i ? value || null : f)))}
                        />
                      </Table.Td>
                    </Table.Tr>
                  ),
                )}
              </Table.Tbody>
            </Table>
            {duplicates.length ? (
              <Alert color="orange" mt="sm" role="alert">
                {t('data:import.duplicate', { fields: duplicates.join(', ') })}
              </Alert>
            ) : null}
            {missing.length ? (
              <Alert color="orange" mt="sm" role="alert" data-testid="import-missing">
                {t('data:import.missing', { fields: missing.join(', ') })}
              </Alert>
            ) : null}
            {!mapped ? (
              <Alert color="orange" mt="sm" role="alert">
                {t('data:import.nothingMapped')}
              </Alert>
            ) : null}
          </section>
        ) : null}

        {header ? (
          <section aria-labelledby="import-step-mode">
            <Title order={2} size="h4" id="import-step-mode" mb="xs">
              {t('data:import.stepMode')}
            </Title>
            <Radio.Group label={t('data:import.mode')} value={chunked ? 'chunked' : 'all'} onChange={(value) => setChunked(value === 'chunked')}>
              <Stack gap="xs" mt="xs">
                <Radio value="all" label={t('data:import.modeAll')} data-testid="import-mode-all" />
                <Radio value="chunked" label={t('data:import.modeChunked')} data-testid="import-mode-chunked" />
              </Stack>
            </Radio.Group>
            <ErrorNotice error={error} />
            <Group mt="md">
              <Button onClick={() => void start()} disabled={!ready} loading={busy} data-testid="import-start">
                {t('data:import.start')}
              </Button>
            </Group>
          </section>
        ) : null}
      </Stack>
    </>
  );
}
