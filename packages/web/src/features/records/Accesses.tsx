import { Button, Card, Table, Text, Title } from '@mantine/core';
import { useInfiniteQuery } from '@tanstack/react-query';
import { request } from '../../api/client';
import { ErrorNotice } from '../../components/ErrorNotice';
import { useFormat } from '../../i18n/format';
import { shortId } from './FieldValue';
import { useLabels } from './labels';

interface Access {
  seq: number;
  at: string;
  actor: { kind: string; id: string | null; userId: string | null; onBehalfOf: string | null };
  action: string;
  fields: string[];
  reason: string | null;
  note: string | null;
}

/** "Who has seen this customer": reads, searches and reveals of the contact's personal data (audit.personal). */
export function Accesses({ id }: { id: string }) {
  const { t, fieldLabel } = useLabels();
  const format = useFormat();
  const accesses = useInfiniteQuery({
    queryKey: ['contact-accesses', id],
    initialPageParam: undefined as string | undefined,
    gcTime: 0,
    queryFn: ({ pageParam }) =>
      request<{ items: Access[]; nextCursor: string | null }>('GET', `/api/v1/contacts/${encodeURIComponent(id)}/accesses`, {
        query: { limit: 50, cursor: pageParam },
      }),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const items = accesses.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <Card withBorder component="section" aria-labelledby="accesses-title" data-testid="accesses">
      <Title order={2} size="h4" id="accesses-title" mb="sm">
        {t('records:accesses.title')}
      </Title>
      {accesses.error ? <ErrorNotice error={accesses.error} /> : null}
      <Table.ScrollContainer minWidth={600}>
        <Table>
          <Table.Thead>
            <Table.Tr>
              <Table.Th scope="col">{t('records:accesses.staff')}</Table.Th>
              <Table.Th scope="col">{t('records:accesses.time')}</Table.Th>
              <Table.Th scope="col">{t('records:accesses.action')}</Table.Th>
              <Table.Th scope="col">{t('records:accesses.fields')}</Table.Th>
              <Table.Th scope="col">{t('records:accesses.reason')}</Table.Th>
              <Table.Th scope="col">{t('records:accesses.note')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {items.map((access) => (
              <Table.Tr key={access.seq} data-testid="access-row">
                <Table.Td ff="monospace" title={access.actor.userId ?? access.actor.id ?? ''}>
                  {access.actor.userId
                    ? shortId(access.actor.userId)
                    : t(`records:accesses.actorKind.${access.actor.kind}`, { defaultValue: access.actor.kind })}
                </Table.Td>
                <Table.Td>{format.dateTime(access.at)}</Table.Td>
                <Table.Td>{t(`records:accesses.actions.${access.action}`, { defaultValue: access.action })}</Table.Td>
                <Table.Td>{access.fields.map((f) => fieldLabel('contacts', f)).join(', ')}</Table.Td>
                <Table.Td>{access.reason ? t(`records:reveal.reasons.${access.reason}`, { defaultValue: access.reason }) : ''}</Table.Td>
                <Table.Td>{access.note ?? ''}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      {items.length === 0 && !accesses.isPending ? (
        <Text size="sm" c="dark.4">
          {t('records:accesses.empty')}
        </Text>
      ) : null}
      {accesses.hasNextPage ? (
        <Button variant="subtle" mt="sm" onClick={() => void accesses.fetchNextPage()} loading={accesses.isFetchingNextPage}>
          {t('common:actions.more')}
        </Button>
      ) : null}
    </Card>
  );
}
