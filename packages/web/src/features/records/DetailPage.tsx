import { Badge, Button, Card, Group, Modal, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { useQueries, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { isApiError } from '../../api/api-error';
import { request } from '../../api/client';
import { extensionsFor } from '../../app/record-extensions';
import { usePermissions } from '../../app/session';
import { ErrorNotice } from '../../components/ErrorNotice';
import { LoadBoundary } from '../../components/LoadBoundary';
import { Loading } from '../../components/Loading';
import { NotFound } from '../../components/NotFound';
import { PageHeader } from '../../components/PageHeader';
import { Accesses } from './Accesses';
import { activitiesAttach, fieldsOf, recordTitle } from './catalogue';
import { FieldValue } from './FieldValue';
import { useLabels } from './labels';
import { offersChange, recordObject, recordPath } from './objects';
import { RelatedRecords } from './RelatedRecords';
import { REVEAL_SECONDS, RevealDialog } from './RevealDialog';
import { apiPath, deleteRecord, invalidateObject, type RecordView, useCustomFields, useRecord } from './records-api';
import { Timeline } from './Timeline';

/** Objects with a reveal route (docs/API.md): only contacts. */
const revealable = new Set(['contacts']);
const META = new Set(['maskedFields', 'custom']);

/** `/<plural>/:id`: every field the API returned, related records, the timeline, reveal, who has seen it. */
export function DetailPage({ object }: { object: string }) {
  const { id = '' } = useParams();
  const record = useRecord(object, id);
  if (record.isPending) return <Loading />;
  if (isApiError(record.error, 'not_found') || (isApiError(record.error) && record.error.status === 400)) return <NotFound />;
  if (record.error) return <ErrorNotice error={record.error} />;
  return <RecordDetail key={id} object={object} record={record.data} onChanged={() => void record.refetch()} />;
}

interface Revealed {
  values: Record<string, string | null>;
  until: number;
}

function RecordDetail({ object, record, onChanged }: { object: string; record: RecordView; onChanged: () => void }) {
  const { t, objectLabel, fieldLabel } = useLabels();
  const { can } = usePermissions();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const custom = useCustomFields(object);
  const [revealOpen, setRevealOpen] = useState(false);
  const [revealed, setRevealed] = useState<Revealed | null>(null);
  const [now, setNow] = useState(Date.now());
  const [confirmDelete, setConfirmDelete] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const [deleteError, setDeleteError] = useState<unknown>(null);
  const plural = recordObject(object)?.plural ?? object;

  // Revealed values live only here, for REVEAL_SECONDS; leaving the page drops them with the component.
  useEffect(() => {
    if (!revealed) return;
    const timer = window.setInterval(() => {
      const at = Date.now();
      setNow(at);
      if (at >= revealed.until) setRevealed(null);
    }, 250);
    return () => window.clearInterval(timer);
  }, [revealed]);
  const secondsLeft = revealed ? Math.max(0, Math.ceil((revealed.until - now) / 1000)) : 0;

  const catalogueFields = fieldsOf(object).map((f) => f.name);
  const returned = Object.keys(record).filter((k) => !META.has(k));
  const shown = [...catalogueFields.filter((f) => returned.includes(f)), ...returned.filter((f) => !catalogueFields.includes(f))];
  const customShown = Object.keys(record.custom ?? {}).map((k) => `custom.${k}`);
  const masked = record.maskedFields ?? [];

  const references = fieldsOf(object).filter((f) => f.kind === 'reference' && typeof record[f.name] === 'string' && can(`${f.references}.read`));
  const referenced = useQueries({
    queries: references.map((f) => ({
      queryKey: ['records', f.references ?? '', 'one', String(record[f.name])],
      queryFn: () => request<RecordView>('GET', apiPath(f.references ?? '', String(record[f.name]))),
      retry: false,
      staleTime: 60_000,
    })),
  });
  const titles: Record<string, string | undefined> = {};
  referenced.forEach((q) => {
    if (q.data) titles[q.data.id] = q.data.maskedFields?.includes('name') ? undefined : recordTitle(q.data);
  });

  const panels = extensionsFor(object, 'panel').filter((e) => can(e.permission));
  const actions = extensionsFor(object, 'action').filter((e) => can(e.permission));
  const title = (masked.includes('name') ? undefined : recordTitle(record)) ?? objectLabel(object);

  const remove = async () => {
    setDeleting(true);
    setDeleteError(null);
    try {
      await deleteRecord(object, record.id);
      queryClient.removeQueries({ queryKey: ['records', object, 'one', record.id] });
      await invalidateObject(queryClient, object);
      navigate(recordPath(object), { replace: true });
    } catch (error) {
      setDeleteError(error);
    } finally {
      setDeleting(false);
    }
  };

  return (
    <>
      <PageHeader
        title={title}
        actions={
          <>
            {actions.map((action) => (
              <LoadBoundary key={action.labelKey} fallback={null} inline>
                <action.Component object={object} id={record.id} record={record} onChanged={onChanged} />
              </LoadBoundary>
            ))}
            {revealable.has(object) && masked.length > 0 && can(`${object}.reveal`) ? (
              <Button variant="outline" onClick={() => setRevealOpen(true)} data-testid="reveal-button">
                {t('records:reveal.button')}
              </Button>
            ) : null}
            {offersChange(object) && can(`${object}.update`) ? (
              <Button component={Link} to={`${recordPath(object, record.id)}/edit`} variant="default" data-testid="edit-button">
                {t('common:actions.edit')}
              </Button>
            ) : null}
            {offersChange(object) && can(`${object}.delete`) ? (
              <Button color="red" variant="light" onClick={() => setConfirmDelete(true)} data-testid="delete-button">
                {t('common:actions.delete')}
              </Button>
            ) : null}
          </>
        }
      />
      <Text size="sm" c="dark.4" mt={-8} mb="md">
        {objectLabel(object)} · <Link to={recordPath(object)}>{t('records:detail.backToList', { objects: objectLabel(object, 'many') })}</Link>
      </Text>
      <Stack gap="md">
        {revealed ? (
          <Badge color="orange.9" size="lg" variant="outline" role="status" data-testid="reveal-countdown">
            {t('records:reveal.countdown', { seconds: secondsLeft })}
          </Badge>
        ) : null}
        <Card withBorder component="section" aria-labelledby="fields-title">
          <Title order={2} size="h4" id="fields-title" mb="sm">
            {t('records:detail.fields')}
          </Title>
          {masked.length > 0 ? (
            <Text size="xs" c="dark.4" mb="sm">
              {t('records:masked.explain')}
            </Text>
          ) : null}
          <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }} spacing="sm" component="dl" m={0}>
            {[...shown, ...customShown].map((field) => (
              <div key={field} data-testid={`detail-${field}`}>
                <Text component="dt" size="xs" c="dark.4" fw={600}>
                  {fieldLabel(object, field, custom.data)}
                </Text>
                <Text component="dd" m={0} size="sm">
                  <FieldValue
                    object={object}
                    field={field}
                    record={record}
                    customFields={custom.data}
                    revealed={revealed?.values}
                    titles={titles}
                    onChanged={onChanged}
                  />
                </Text>
              </div>
            ))}
          </SimpleGrid>
        </Card>
        {panels.map((panel) => (
          <Card key={panel.labelKey} withBorder component="section" aria-label={t(panel.labelKey)}>
            <Title order={2} size="h4" mb="sm">
              {t(panel.labelKey)}
            </Title>
            <LoadBoundary fallback={<Loading />}>
              <panel.Component object={object} id={record.id} record={record} onChanged={onChanged} />
            </LoadBoundary>
          </Card>
        ))}
        <RelatedRecords object={object} id={record.id} />
        {activitiesAttach(object) && can('activities.read') ? <Timeline object={object} plural={plural} id={record.id} /> : null}
        {object === 'contacts' && can('audit.personal') ? <Accesses id={record.id} /> : null}
      </Stack>
      {revealOpen ? (
        <RevealDialog
          object={object}
          id={record.id}
          fields={masked}
          opened={revealOpen}
          onClose={() => setRevealOpen(false)}
          onRevealed={(values) => {
            setNow(Date.now());
            setRevealed({ values, until: Date.now() + REVEAL_SECONDS * 1000 });
          }}
        />
      ) : null}
      <Modal
        opened={confirmDelete}
        onClose={() => setConfirmDelete(false)}
        closeButtonProps={{ 'aria-label': t('common:actions.close') }}
        lockScroll={false}
        title={t('records:delete.title', { object: objectLabel(object) })}
      >
        <Stack gap="sm">
          <Text>{t('records:delete.body', { name: title })}</Text>
          {deleteError ? <ErrorNotice error={deleteError} /> : null}
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setConfirmDelete(false)}>
              {t('common:actions.cancel')}
            </Button>
            <Button color="red" loading={deleting} disabled={deleting} onClick={() => void remove()} data-testid="delete-confirm">
              {t('common:actions.delete')}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </>
  );
}
