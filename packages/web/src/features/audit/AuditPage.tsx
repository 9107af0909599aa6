import { Alert, Button, Code, Drawer, Group, Select, SimpleGrid, Stack, Table, Text, TextInput } from '@mantine/core';
import { useInfiniteQuery, useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api/api-error';
import { request } from '../../api/client';
import { ErrorNotice } from '../../components/ErrorNotice';
import { Loading } from '../../components/Loading';
import { PageHeader } from '../../components/PageHeader';
import { useFormat } from '../../i18n/format';
import { type AuditFilters, auditQuery, describeVerify, emptyFilters, type VerifyResult } from './audit-query';

export interface AuditEvent {
  seq: number;
  id: string;
  at: string;
  actorKind: string;
  actorId: string | null;
  onBehalfOf: string | null;
  action: string;
  outcome: string;
  resource: string | null;
  resourceId: string | null;
  subjectIds: string[];
  fields: string[];
  requestId: string | null;
  ip: string | null;
  userAgent: string | null;
  detail: Record<string, unknown> | null;
  personal: { ip: string | null; userAgent: string | null; note: string | null; intact: boolean } | null;
  prevHash: string;
  hash: string;
}

const filterKeys: (keyof AuditFilters)[] = ['actor', 'subject', 'contact', 'action', 'resource', 'resourceId'];

/** /audit: the audit trail with filters and paging, each event's details, and the verification of the whole chain. */
export function AuditPage() {
  const { t } = useTranslation();
  const format = useFormat();
  const [draft, setDraft] = useState<AuditFilters>(emptyFilters);
  const [filters, setFilters] = useState<AuditFilters>(emptyFilters);
  const [open, setOpen] = useState<AuditEvent | null>(null);
  const events = useInfiniteQuery({
    queryKey: ['audit', 'events', filters],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      request<{ items: AuditEvent[]; nextCursor: string | null }>('GET', '/api/v1/audit-events', { query: auditQuery(filters, pageParam) }),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    retry: (count, error) => !(error instanceof ApiError) && count < 3,
  });
  const verify = useMutation({ mutationFn: () => request<VerifyResult>('GET', '/api/v1/audit/verify') });
  const fieldErrors = events.error instanceof ApiError ? events.error.fieldErrors() : {};
  const rows = events.data?.pages.flatMap((p) => p.items) ?? [];
  const set = (key: keyof AuditFilters) => (value: string) => setDraft((d) => ({ ...d, [key]: value }));

  return (
    <>
      <PageHeader
        title={t('audit:title')}
        actions={
          <Button onClick={() => verify.mutate()} loading={verify.isPending} data-testid="audit-verify">
            {t('audit:verify.button')}
          </Button>
        }
      />
      {verify.data ? <VerifyOutcome result={verify.data} /> : null}
      <ErrorNotice error={verify.error} />
      <form
        onSubmit={(event) => {
          event.preventDefault();
          setFilters(draft);
        }}
        aria-label={t('audit:filters.label')}
      >
        <SimpleGrid cols={{ base: 2, md: 4 }} mb="sm">
          {filterKeys.map((key) => (
            <TextInput
              key={key}
              label={t(`audit:filters.${key}`)}
              description={key === 'action' ? t('audit:filters.actionHint') : undefined}
              value={draft[key]}
              onChange={(e) => set(key)(e.currentTarget.value)}
              error={fieldErrors[key]}
              data-testid={`audit-filter-${key}`}
            />
          ))}
          <Select
            label={t('audit:filters.outcome')}
            data={['success', 'failure', 'refused'].map((value) => ({ value, label: t(`audit:outcomes.${value}`) }))}
            value={draft.outcome || null}
            onChange={(value) => set('outcome')(value ?? '')}
            clearable
            error={fieldErrors.outcome}
            data-testid="audit-filter-outcome"
          />
          <TextInput
            type="datetime-local"
            label={t('audit:filters.from')}
            value={draft.from}
            onChange={(e) => set('from')(e.currentTarget.value)}
            error={fieldErrors.from}
          />
          <TextInput
            type="datetime-local"
            label={t('audit:filters.to')}
            value={draft.to}
            onChange={(e) => set('to')(e.currentTarget.value)}
            error={fieldErrors.to}
          />
        </SimpleGrid>
        <Group mb="md">
          <Button type="submit" data-testid="audit-apply">
            {t('common:actions.apply')}
          </Button>
          <Button
            variant="default"
            onClick={() => {
              setDraft(emptyFilters);
              setFilters(emptyFilters);
            }}
          >
            {t('common:actions.clear')}
          </Button>
        </Group>
      </form>
      {Object.keys(fieldErrors).length ? null : <ErrorNotice error={events.error} />}
      {events.isLoading ? (
        <Loading />
      ) : rows.length ? (
        <>
          <Table.ScrollContainer minWidth={900}>
            <Table striped highlightOnHover data-testid="audit-table">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th scope="col">{t('audit:columns.seq')}</Table.Th>
                  <Table.Th scope="col">{t('audit:columns.at')}</Table.Th>
                  <Table.Th scope="col">{t('audit:columns.actor')}</Table.Th>
                  <Table.Th scope="col">{t('audit:columns.action')}</Table.Th>
                  <Table.Th scope="col">{t('audit:columns.outcome')}</Table.Th>
                  <Table.Th scope="col">{t('audit:columns.resource')}</Table.Th>
                  <Table.Th scope="col">{t('audit:columns.subjects')}</Table.Th>
                  <Table.Th scope="col">{t('audit:columns.details')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {rows.map((event) => (
                  <Table.Tr key={event.id} data-testid="audit-row">
                    <Table.Td>{event.seq}</Table.Td>
                    <Table.Td>{format.dateTime(event.at)}</Table.Td>
                    <Table.Td>
                      <Text size="sm">{t(`audit:actorKinds.${event.actorKind}`, { defaultValue: event.actorKind })}</Text>
                      <Text size="xs" ff="monospace">
                        {event.actorId ?? ''}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <Code>{event.action}</Code>
                    </Table.Td>
                    <Table.Td>{t(`audit:outcomes.${event.outcome}`, { defaultValue: event.outcome })}</Table.Td>
                    <Table.Td>
                      <Text size="xs">{[event.resource, event.resourceId].filter(Boolean).join(' · ')}</Text>
                    </Table.Td>
                    <Table.Td>{format.number(event.subjectIds.length)}</Table.Td>
                    <Table.Td>
                      <Button size="xs" variant="default" onClick={() => setOpen(event)} aria-label={t('audit:openEvent', { seq: event.seq })}>
                        {t('audit:columns.details')}
                      </Button>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
          {events.hasNextPage ? (
            <Button variant="light" mt="md" onClick={() => void events.fetchNextPage()} loading={events.isFetchingNextPage} data-testid="audit-more">
              {t('common:actions.more')}
            </Button>
          ) : null}
        </>
      ) : events.isSuccess ? (
        <Text c="dimmed">{t('audit:none')}</Text>
      ) : null}
      <Drawer
        closeButtonProps={{ 'aria-label': t('common:actions.close') }}
        opened={open !== null}
        onClose={() => setOpen(null)}
        position="right"
        size="lg"
        title={open ? t('audit:eventTitle', { seq: open.seq }) : ''}
      >
        {open ? <EventDetails event={open} /> : null}
      </Drawer>
    </>
  );
}

function VerifyOutcome({ result }: { result: VerifyResult }) {
  const { t } = useTranslation();
  const { key, values } = describeVerify(result);
  return (
    <Alert
      color={result.intact ? 'green' : 'red'}
      title={
        <Text span fw={700} c="dark.8">
          {result.intact ? t('audit:verify.okTitle') : t('audit:verify.badTitle')}
        </Text>
      }
      mb="md"
      role="status"
      data-testid="verify-result"
      data-intact={String(result.intact)}
    >
      <Text>{t(key, values)}</Text>
      {result.intact ? null : <Text size="sm">{t('audit:verify.badNext')}</Text>}
    </Alert>
  );
}

function EventDetails({ event }: { event: AuditEvent }) {
  const { t } = useTranslation();
  const format = useFormat();
  const rows: [string, string][] = [
    [t('audit:columns.seq'), String(event.seq)],
    [t('audit:details.id'), event.id],
    [t('audit:columns.at'), format.dateTime(event.at)],
    [t('audit:columns.actor'), `${t(`audit:actorKinds.${event.actorKind}`, { defaultValue: event.actorKind })} ${event.actorId ?? ''}`],
    [t('audit:details.onBehalfOf'), event.onBehalfOf ?? ''],
    [t('audit:columns.action'), event.action],
    [t('audit:columns.outcome'), t(`audit:outcomes.${event.outcome}`, { defaultValue: event.outcome })],
    [t('audit:columns.resource'), [event.resource, event.resourceId].filter(Boolean).join(' · ')],
    [t('audit:details.subjects'), event.subjectIds.join(', ')],
    [t('audit:details.fields'), event.fields.join(', ')],
    [t('audit:details.requestId'), event.requestId ?? ''],
    [t('audit:details.ip'), event.personal?.ip ?? event.ip ?? ''],
    [t('audit:details.userAgent'), event.personal?.userAgent ?? event.userAgent ?? ''],
    [t('audit:details.note'), event.personal?.note ?? ''],
    [t('audit:details.hash'), event.hash],
    [t('audit:details.prevHash'), event.prevHash],
  ];
  return (
    <Stack data-testid="audit-event-details">
      <Table>
        <Table.Tbody>
          {rows
            .filter(([, value]) => value !== '')
            .map(([label, value]) => (
              <Table.Tr key={label}>
                <Table.Th scope="row" w={160}>
                  {label}
                </Table.Th>
                <Table.Td style={{ wordBreak: 'break-all' }}>{value}</Table.Td>
              </Table.Tr>
            ))}
        </Table.Tbody>
      </Table>
      {event.detail ? (
        <>
          <Text fw={600}>{t('audit:details.detail')}</Text>
          <Code block>{JSON.stringify(event.detail, null, 2)}</Code>
        </>
      ) : null}
    </Stack>
  );
}
