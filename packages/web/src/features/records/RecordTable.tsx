import { Anchor, Box, Loader, Table, Text, UnstyledButton } from '@mantine/core';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useRef } from 'react';
import { Link, useNavigate } from 'react-router';
import { recordTitle } from './catalogue';
import { FieldValue, shortId } from './FieldValue';
import { useLabels } from './labels';
import { recordPath } from './objects';
import type { CustomField, RecordView } from './records-api';

interface Props {
  object: string;
  columns: string[];
  rows: RecordView[];
  customFields?: CustomField[];
  sortable: (column: string) => boolean;
  sort?: { field?: string; order: 'asc' | 'desc' };
  onSort?: (column: string) => void;
  hasNextPage: boolean;
  isFetchingNextPage: boolean;
  fetchNextPage: () => void;
  /** The plain field that names the record: its column is the link column, sorted by this field. */
  titleField?: string;
  /** Height of the scrolling area (the page keeps its header and filters in view). */
  height?: string;
}

const ROW_HEIGHT = 41;

interface HeaderProps {
  column?: string;
  label: string;
  sortable: (column: string) => boolean;
  sort?: { field?: string; order: 'asc' | 'desc' };
  onSort?: (column: string) => void;
}

/** A column header: a button that sorts by the column when the API can sort by it. */
function HeaderCell({ column, label, sortable, sort, onSort }: HeaderProps) {
  if (!column || !sortable(column) || !onSort) return <Table.Th scope="col">{label}</Table.Th>;
  const active = sort?.field === column;
  return (
    <Table.Th scope="col" aria-sort={active ? (sort?.order === 'desc' ? 'descending' : 'ascending') : 'none'}>
      <UnstyledButton onClick={() => onSort(column)} fw={700} fz="sm" data-testid={`sort-${column}`}>
        {label}
        {active ? (sort?.order === 'desc' ? ' ↓' : ' ↑') : ''}
      </UnstyledButton>
    </Table.Th>
  );
}

/**
 * A list's rows, virtualised: only the rows in view (and a few around) are in the page, so a list
 * of a million records stays as fast as one of fifty. The next page is fetched as the person nears
 * the end. Each row's first cell is a link to the record (keyboard reachable); the whole row also
 * opens it on a click.
 */
export function RecordTable({
  object,
  columns,
  rows,
  customFields,
  sortable,
  sort,
  onSort,
  hasNextPage,
  isFetchingNextPage,
  fetchNextPage,
  titleField,
  height = 'calc(100vh - 260px)',
}: Props) {
  const { t, fieldLabel } = useLabels();
  const navigate = useNavigate();
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: rows.length + (hasNextPage ? 1 : 0),
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
  });
  const items = virtualizer.getVirtualItems();
  const last = items[items.length - 1];

  useEffect(() => {
    if (last && last.index >= rows.length - 10 && hasNextPage && !isFetchingNextPage) fetchNextPage();
  }, [last, rows.length, hasNextPage, isFetchingNextPage, fetchNextPage]);

  const paddingTop = items[0]?.start ?? 0;
  const paddingBottom = virtualizer.getTotalSize() - (last?.end ?? 0);
  const colSpan = columns.length + 1;

  return (
    <Box ref={scrollRef} h={height} mih={240} style={{ overflow: 'auto' }} data-testid="record-table-scroll" tabIndex={-1}>
      <Table striped highlightOnHover stickyHeader aria-rowcount={rows.length + 1} data-testid="record-table">
        <Table.Thead>
          <Table.Tr>
            <HeaderCell column={titleField} label={t('records:list.record')} sortable={sortable} sort={sort} onSort={onSort} />
            {columns.map((column) => (
              <HeaderCell key={column} column={column} label={fieldLabel(object, column, customFields)} sortable={sortable} sort={sort} onSort={onSort} />
            ))}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {paddingTop > 0 ? (
            <tr data-spacer="true">
              <td colSpan={colSpan} style={{ height: paddingTop, padding: 0, border: 0 }} />
            </tr>
          ) : null}
          {items.map((item) => {
            const row = rows[item.index];
            if (!row) {
              return (
                <Table.Tr key="loader" style={{ height: ROW_HEIGHT }}>
                  <Table.Td colSpan={colSpan}>
                    <Loader size="xs" role="status" aria-label={t('records:list.loadingMore')} />
                  </Table.Td>
                </Table.Tr>
              );
            }
            const title = row.maskedFields?.includes('name') ? undefined : recordTitle(row);
            return (
              <Table.Tr
                key={row.id}
                aria-rowindex={item.index + 2}
                data-testid="record-row"
                style={{ height: ROW_HEIGHT, cursor: 'pointer' }}
                onClick={(event) => {
                  if ((event.target as HTMLElement).closest('a,button,input')) return;
                  navigate(recordPath(object, row.id));
                }}
              >
                <Table.Td>
                  <Anchor component={Link} to={recordPath(object, row.id)} ff={title ? undefined : 'monospace'} fz="sm">
                    {title ?? shortId(row.id)}
                  </Anchor>
                </Table.Td>
                {columns.map((column) => (
                  <Table.Td key={column} fz="sm">
                    <FieldValue object={object} field={column} record={row} customFields={customFields} />
                  </Table.Td>
                ))}
              </Table.Tr>
            );
          })}
          {paddingBottom > 0 ? (
            <tr data-spacer="true">
              <td colSpan={colSpan} style={{ height: paddingBottom, padding: 0, border: 0 }} />
            </tr>
          ) : null}
          {rows.length === 0 ? (
            <Table.Tr>
              <Table.Td colSpan={colSpan}>
                <Text c="dark.4" data-testid="list-empty">
                  {t('records:list.empty')}
                </Text>
              </Table.Td>
            </Table.Tr>
          ) : null}
        </Table.Tbody>
      </Table>
    </Box>
  );
}
