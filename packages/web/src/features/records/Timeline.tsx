import { Anchor, Badge, Button, Card, Group, Select, SimpleGrid, Stack, Text, Textarea, TextInput, Title } from '@mantine/core';
import { useInfiniteQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router';
import { isApiError } from '../../api/api-error';
import { newIdempotencyKey, request } from '../../api/client';
import { usePermissions } from '../../app/session';
import { ErrorNotice } from '../../components/ErrorNotice';
import { useFormat } from '../../i18n/format';
import { fieldOf } from './catalogue';
import { formErrorsOf } from './form-values';
import { useLabels } from './labels';
import { recordPath } from './objects';

interface TimelineItem {
  type: 'activity' | 'change';
  at: string;
  activity?: {
    id: string;
    kind: string;
    subject?: string | null;
    body?: string | null;
    dueDate?: string | null;
    done?: boolean | null;
    maskedFields?: string[];
  };
  change?: { seq: number; action: string; actorId: string | null; fields: string[] };
}

/** A record's timeline (newest first, paged) and the form to log a call, meeting, note or task about it. */
export function Timeline({ object, plural, id }: { object: string; plural: string; id: string }) {
  const { t, fieldLabel, optionLabel } = useLabels();
  const format = useFormat();
  const { can } = usePermissions();
  const queryClient = useQueryClient();
  const key = ['timeline', object, id];
  const timeline = useInfiniteQuery({
    queryKey: key,
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      request<{ items: TimelineItem[]; nextCursor: string | null }>('GET', `/api/v1/timeline/${plural}/${encodeURIComponent(id)}`, {
        query: { limit: 20, cursor: pageParam },
      }),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    retry: false,
  });
  if (isApiError(timeline.error) && (timeline.error.status === 422 || timeline.error.status === 404)) return null;
  const items = timeline.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <Card withBorder component="section" aria-labelledby="timeline-title" data-testid="timeline">
      <Title order={2} size="h4" id="timeline-title" mb="sm">
        {t('records:timeline.title')}
      </Title>
      {can('activities.create') ? <LogActivity object={object} id={id} onLogged={() => void queryClient.invalidateQueries({ queryKey: key })} /> : null}
      {timeline.error ? <ErrorNotice error={timeline.error} /> : null}
      <Stack gap="xs" mt="md" component="ol" style={{ listStyle: 'none', padding: 0, margin: 0 }}>
        {items.map((item) => (
          <li key={item.type === 'activity' ? `a-${item.activity?.id}` : `c-${item.change?.seq}`} data-testid="timeline-item">
            <Group gap="xs" wrap="nowrap" align="flex-start">
              <Text size="xs" c="dark.4" miw={150}>
                {format.dateTime(item.at)}
              </Text>
              {item.activity ? (
                <Stack gap={2}>
                  <Group gap={6}>
                    <Badge size="sm" variant="light">
                      {optionLabel(item.activity.kind)}
                    </Badge>
                    <Anchor component={Link} size="sm" fw={600} to={recordPath('activities', item.activity.id)}>
                      {item.activity.subject ?? t('records:timeline.hiddenText')}
                    </Anchor>
                    {item.activity.dueDate ? (
                      <Text size="xs" c="dark.4">
                        {t('records:timeline.due', { date: format.date(`${item.activity.dueDate}T12:00:00`) })}
                      </Text>
                    ) : null}
                  </Group>
                  {item.activity.body ? <Text size="sm">{item.activity.body}</Text> : null}
                </Stack>
              ) : (
                <Text size="sm">
                  {t(`records:timeline.change.${item.change?.action ?? 'record.updated'}`, { defaultValue: item.change?.action ?? '' })}
                  {item.change?.fields.length ? `: ${item.change.fields.map((f) => (fieldOf(object, f) ? fieldLabel(object, f) : f)).join(', ')}` : ''}
                </Text>
              )}
            </Group>
          </li>
        ))}
      </Stack>
      {items.length === 0 && !timeline.isPending ? (
        <Text size="sm" c="dark.4">
          {t('records:timeline.empty')}
        </Text>
      ) : null}
      {timeline.hasNextPage ? (
        <Button variant="subtle" mt="sm" onClick={() => void timeline.fetchNextPage()} loading={timeline.isFetchingNextPage}>
          {t('common:actions.more')}
        </Button>
      ) : null}
    </Card>
  );
}

const kinds = ['call', 'meeting', 'note', 'task'];

function LogActivity({ object, id, onLogged }: { object: string; id: string; onLogged: () => void }) {
  const { t, fieldLabel, optionLabel } = useLabels();
  const [kind, setKind] = useState<string>('call');
  const [subject, setSubject] = useState('');
  const [body, setBody] = useState('');
  const [dueDate, setDueDate] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [failure, setFailure] = useState<unknown>(null);
  const [sending, setSending] = useState(false);
  const [idempotencyKey, setIdempotencyKey] = useState(newIdempotencyKey);

  const submit = async () => {
    if (sending) return;
    setSending(true);
    setFailure(null);
    try {
      await request('POST', '/api/v1/activities', {
        body: {
          kind,
          aboutObject: object,
          aboutId: id,
          subject: subject.trim(),
          ...(body.trim() ? { body: body.trim() } : {}),
          ...(dueDate ? { dueDate } : {}),
        },
        headers: { 'idempotency-key': idempotencyKey },
      });
      setSubject('');
      setBody('');
      setDueDate('');
      setErrors({});
      setIdempotencyKey(newIdempotencyKey());
      onLogged();
    } catch (error) {
      setErrors(formErrorsOf(error));
      setFailure(error);
    } finally {
      setSending(false);
    }
  };

  return (
    <form
      noValidate
      aria-label={t('records:timeline.log')}
      onSubmit={(event) => {
        event.preventDefault();
        void submit();
      }}
    >
      <Stack gap="xs">
        {failure && Object.keys(errors).length === 0 ? <ErrorNotice error={failure} /> : null}
        <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="xs">
          <Select
            label={fieldLabel('activities', 'kind')}
            data={kinds.map((k) => ({ value: k, label: optionLabel(k) }))}
            value={kind}
            onChange={(value) => setKind(value ?? 'call')}
            allowDeselect={false}
            data-testid="activity-kind"
          />
          <TextInput
            label={fieldLabel('activities', 'subject')}
            withAsterisk
            value={subject}
            onChange={(e) => setSubject(e.currentTarget.value)}
            error={errors.subject}
            data-testid="activity-subject"
          />
          <TextInput
            label={fieldLabel('activities', 'dueDate')}
            type="date"
            value={dueDate}
            onChange={(e) => setDueDate(e.currentTarget.value)}
            error={errors.dueDate}
          />
        </SimpleGrid>
        <Textarea
          label={fieldLabel('activities', 'body')}
          autosize
          minRows={2}
          value={body}
          onChange={(e) => setBody(e.currentTarget.value)}
          error={errors.body}
        />
        <Group>
          <Button type="submit" size="xs" loading={sending} disabled={sending} data-testid="activity-log">
            {t('records:timeline.log')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
