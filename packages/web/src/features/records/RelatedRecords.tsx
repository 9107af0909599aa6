import { Anchor, Card, Group, Table, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { request } from '../../api/client';
import { usePermissions } from '../../app/session';
import { defaultColumns, recordTitle, referencesTo } from './catalogue';
import { FieldValue, shortId } from './FieldValue';
import { useLabels } from './labels';
import { recordPath } from './objects';
import { apiPath, type Page } from './records-api';

/** Records of other objects that point at this one (an account's deals, a contact's cases), through list filters on the reference field. */
export function RelatedRecords({ object, id }: { object: string; id: string }) {
  const { can } = usePermissions();
  const links = referencesTo(object).filter((link) => can(`${link.object}.read`));
  if (links.length === 0) return null;
  return (
    <>
      {links.map((link) => (
        <RelatedList key={`${link.object}.${link.field}`} object={link.object} field={link.field} id={id} />
      ))}
    </>
  );
}

function RelatedList({ object, field, id }: { object: string; field: string; id: string }) {
  const { t, objectLabel, fieldLabel } = useLabels();
  const list = useQuery({
    queryKey: ['records', object, 'related', field, id],
    queryFn: () => request<Page>('GET', apiPath(object), { query: { [field]: id, limit: 5 } }),
    retry: false,
  });
  const items = list.data?.items ?? [];
  if (list.isPending || list.error || items.length === 0) return null;
  const columns = defaultColumns(object, 3).filter((c) => c !== field);
  const titleId = `related-${object}-${field}`;
  return (
    <Card withBorder component="section" aria-labelledby={titleId} data-testid={`related-${object}-${field}`}>
      <Group justify="space-between" mb="xs">
        <Title order={2} size="h5" id={titleId}>
          {t('records:related.title', { objects: objectLabel(object, 'many'), field: fieldLabel(object, field) })}
        </Title>
        <Anchor component={Link} to={`${recordPath(object)}?${new URLSearchParams({ [field]: id }).toString()}`} size="sm">
          {t('records:related.all')}
        </Anchor>
      </Group>
      <Table>
        <Table.Thead>
          <Table.Tr>
            <Table.Th scope="col">{t('records:list.record')}</Table.Th>
            {columns.map((c) => (
              <Table.Th key={c} scope="col">
                {fieldLabel(object, c)}
              </Table.Th>
            ))}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {items.map((row) => (
            <Table.Tr key={row.id}>
              <Table.Td>
                <Anchor component={Link} to={recordPath(object, row.id)} size="sm">
                  {(row.maskedFields?.includes('name') ? undefined : recordTitle(row)) ?? shortId(row.id)}
                </Anchor>
              </Table.Td>
              {columns.map((c) => (
                <Table.Td key={c} fz="sm">
                  <FieldValue object={object} field={c} record={row} />
                </Table.Td>
              ))}
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {list.data?.nextCursor ? (
        <Text size="xs" c="dark.4" mt={4}>
          {t('records:related.more')}
        </Text>
      ) : null}
    </Card>
  );
}
