import { Alert, Button, Select, Stack, Table, Text, VisuallyHidden } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { call } from '../../api/client';
import { usePermissions } from '../../app/session';
import { ErrorNotice } from '../../components/ErrorNotice';
import { PageHeader } from '../../components/PageHeader';
import { type ExportObject, exportObjects } from './import-mapping';

const formats = ['csv', 'xlsx', 'jsonl'] as const;
type ExportFormat = (typeof formats)[number];

/** The file of an export, fetched with the session (a step-up is asked for by call() and the request repeated). */
async function fetchExport(object: ExportObject, format: ExportFormat): Promise<Blob> {
  return call(async () => {
    const response = await fetch(`/api/v1/exports/${object}?format=${format}`, { credentials: 'same-origin', headers: { accept: '*/*' } });
    if (response.ok) return { data: await response.blob(), response };
    let error: unknown;
    try {
      error = await response.json();
    } catch {
      error = undefined;
    }
    return { error, response };
  });
}

/** Hands a file to the browser's download, then lets go of it: no copy stays in the page. */
function saveFile(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.rel = 'noopener';
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

/**
 * Exports of the objects the person may export, as CSV, XLSX or JSON Lines: what they see, masked
 * values masked; the server asks for a step-up and audits every page. The file goes straight to the
 * download; nothing of it is kept in the app.
 */
export function ExportPage() {
  const { t } = useTranslation();
  const { can } = usePermissions();
  const objects = exportObjects.filter((o) => can(`${o}.export`));
  const [chosen, setChosen] = useState<Record<string, ExportFormat>>({});
  const [busy, setBusy] = useState<ExportObject | null>(null);
  const [done, setDone] = useState<{ object: ExportObject; format: ExportFormat } | null>(null);
  const [error, setError] = useState<unknown>(null);

  const download = async (object: ExportObject) => {
    const format = chosen[object] ?? 'csv';
    setBusy(object);
    setError(null);
    setDone(null);
    try {
      saveFile(await fetchExport(object, format), `${object}.${format}`);
      setDone({ object, format });
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(null);
    }
  };

  return (
    <>
      <PageHeader title={t('data:export.title')} />
      <Stack gap="lg" maw={800}>
        <Text>{t('data:export.intro')}</Text>
        <ErrorNotice error={error} />
        {done ? (
          <Alert color="green" role="status" data-testid="export-done">
            {t('data:export.downloaded', { object: t(`data:objects.${done.object}`), format: t(`data:export.formats.${done.format}`) })}
          </Alert>
        ) : null}
        {objects.length === 0 ? (
          <Text>{t('data:export.none')}</Text>
        ) : (
          <Table withTableBorder data-testid="export-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">{t('data:export.object')}</Table.Th>
                <Table.Th scope="col">{t('data:export.format')}</Table.Th>
                <Table.Th scope="col">
                  <VisuallyHidden>{t('data:export.download')}</VisuallyHidden>
                </Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {objects.map((object) => {
                const label = t(`data:objects.${object}`);
                return (
                  <Table.Tr key={object} data-testid={`export-${object}`}>
                    <Table.Td>{label}</Table.Td>
                    <Table.Td>
                      <Select
                        aria-label={t('data:export.formatFor', { object: label })}
                        data={formats.map((f) => ({ value: f, label: t(`data:export.formats.${f}`) }))}
                        value={chosen[object] ?? 'csv'}
                        allowDeselect={false}
                        onChange={(value) => setChosen((current) => ({ ...current, [object]: (value as ExportFormat) ?? 'csv' }))}
                        data-testid={`export-format-${object}`}
                      />
                    </Table.Td>
                    <Table.Td>
                      <Button
                        onClick={() => void download(object)}
                        loading={busy === object}
                        disabled={busy !== null && busy !== object}
                        aria-label={t('data:export.downloadObject', { object: label })}
                        data-testid={`export-download-${object}`}
                      >
                        {t('data:export.download')}
                      </Button>
                    </Table.Td>
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
        )}
      </Stack>
    </>
  );
}
