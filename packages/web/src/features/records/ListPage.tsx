import { Button, Checkbox, Group, Popover, ScrollArea, Select, Stack, Text, TextInput } from '@mantine/core';
import { useInfiniteQuery } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { request } from '../../api/client';
import { extensionsFor } from '../../app/record-extensions';
import { usePermissions } from '../../app/session';
import { ErrorNotice } from '../../components/ErrorNotice';
import { LoadBoundary } from '../../components/LoadBoundary';
import { PageHeader } from '../../components/PageHeader';
import { defaultColumns, fieldsOf, titleFieldOf } from './catalogue';
import { FiltersPanel } from './FiltersPanel';
import { useLabels } from './labels';
import { apiQueryOf, currentSort, nextSort } from './list-params';
import { offersChange, recordPath } from './objects';
import { RecordTable } from './RecordTable';
import { apiPath, PAGE_SIZE, type Page, useCustomFields, useRecordList } from './records-api';
import { SavedViews } from './SavedViews';

/** Personal fields a list can be searched by (exact match through a blind index; POST, the value in the body). */
const searchFields: Record<string, string[]> = {
  contacts: ['email', 'phone', 'idNumber', 'name'],
  devices: ['serialNumber', 'caNumber'],
};

const columnsKey = (object: string) => `castellan.records.columns.${object}`;
/** Column choice is not personal data: it is kept per object in this browser. */
const storedColumns = (object: string): string[] | undefined => {
  try {
    const raw = window.localStorage.getItem(columnsKey(object));
    const parsed: unknown = raw ? JSON.parse(raw) : undefined;
    return Array.isArray(parsed) && parsed.every((c) => typeof c === 'string') ? parsed : undefined;
  } catch {
    return undefined;
  }
};

/** `/<plural>`: the list, filtered and sorted on the server, paged by cursor as the person scrolls. */
export function ListPage({ object }: { object: string }) {
  const { t, objectLabel, fieldLabel } = useLabels();
  const { can } = usePermissions();
  const [params, setParams] = useSearchParams();
  const custom = useCustomFields(object);
  const fields = useMemo(() => fieldsOf(object), [object]);
  const [showFilters, setShowFilters] = useState(false);
  const [columns, setColumns] = useState<string[]>(() => storedColumns(object) ?? defaultColumns(object));
  const [search, setSearch] = useState<{ field: string; value: string; nonce: number } | null>(null);
  const [searchField, setSearchField] = useState<string>(searchFields[object]?.[0] ?? '');
  const [searchValue, setSearchValue] = useState('');
  const query = apiQueryOf(params);
  const list = useRecordList(object, query, search === null);
  const found = useInfiniteQuery({
    // The searched value is not in the key (nor in the URL): a search is a POST, dropped when it ends.
    queryKey: ['records', object, 'search', search?.nonce ?? 0],
    enabled: search !== null,
    gcTime: 0,
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      request<Page>('POST', apiPath(object, undefined, '/search'), {
        body: { field: search?.field, value: search?.value, limit: PAGE_SIZE, ...(pageParam ? { cursor: pageParam } : {}) },
      }),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const active = search ? found : list;
  const rows = useMemo(() => active.data?.pages.flatMap((p) => p.items) ?? [], [active.data]);
  const listActions = extensionsFor(object, 'list-action').filter((e) => can(e.permission));
  const sortable = (column: string) => {
    if (search) return false;
    if (column.startsWith('custom.')) {
      const c = custom.data?.find((f) => `custom.${f.key}` === column);
      return c ? c.classification === 'public' || c.classification === 'internal' : false;
    }
    return fields.find((f) => f.name === column)?.sortable ?? false;
  };
  const columnOptions = [
    ...fields.filter((f) => f.name !== 'id').map((f) => ({ value: f.name, label: fieldLabel(object, f.name) })),
    ...(custom.data ?? []).map((c) => ({ value: `custom.${c.key}`, label: fieldLabel(object, `custom.${c.key}`, custom.data) })),
  ];
  const apply = (next: URLSearchParams) => {
    setSearch(null);
    setParams(next);
  };
  const filtered = [...params.keys()].some((k) => !['sort', 'order', 'view'].includes(k));

  return (
    <>
      <PageHeader
        title={objectLabel(object, 'many')}
        actions={
          <>
            {listActions.map((action) => (
              <LoadBoundary key={action.labelKey} fallback={null} inline>
                <action.Component object={object} id="" record={{}} onChanged={() => void list.refetch()} />
              </LoadBoundary>
            ))}
            <SavedViews object={object} fields={fields} params={params} onPick={apply} />
            {offersChange(object) && can(`${object}.create`) ? (
              <Button component={Link} to={`${recordPath(object)}/new`} data-testid="new-record">
                {t('records:list.new', { object: objectLabel(object) })}
              </Button>
            ) : null}
          </>
        }
      />
      <Stack gap="sm">
        {searchFields[object] ? (
          <form
            aria-label={t('records:search.title')}
            onSubmit={(event) => {
              event.preventDefault();
              if (searchValue.trim() === '') setSearch(null);
              else setSearch({ field: searchField, value: searchValue.trim(), nonce: Date.now() });
            }}
          >
            <Group gap="xs" align="flex-end" wrap="wrap">
              <Select
                label={t('records:search.by')}
                data={(searchFields[object] ?? []).map((f) => ({ value: f, label: fieldLabel(object, f) }))}
                value={searchField}
                onChange={(value) => setSearchField(value ?? searchField)}
                allowDeselect={false}
                w={180}
                data-testid="search-field"
              />
              <TextInput
                label={t('records:search.value')}
                value={searchValue}
                onChange={(e) => setSearchValue(e.currentTarget.value)}
                autoComplete="off"
                w={280}
                data-testid="search-value"
              />
              <Button type="submit" data-testid="search-submit">
                {t('common:actions.search')}
              </Button>
              {search ? (
                <Button
                  variant="default"
                  onClick={() => {
                    setSearch(null);
                    setSearchValue('');
                  }}
                  data-testid="search-clear"
                >
                  {t('common:actions.clear')}
                </Button>
              ) : null}
            </Group>
            <Text size="xs" c="dark.4" mt={4}>
              {t('records:search.exact')}
            </Text>
          </form>
        ) : null}
        <Group gap="xs" justify="space-between" wrap="wrap">
          <Group gap="xs">
            <Button variant="light" size="xs" onClick={() => setShowFilters((s) => !s)} aria-expanded={showFilters} data-testid="filters-toggle">
              {filtered ? t('records:filters.titleActive') : t('records:filters.title')}
            </Button>
            <Text size="sm" c="dark.4" data-testid="loaded-count" role="status">
              {search ? t('records:search.results', { count: rows.length }) : t('records:list.loaded', { count: rows.length })}
              {active.hasNextPage ? ` ${t('records:list.moreOnScroll')}` : ''}
            </Text>
          </Group>
          <Popover position="bottom-end" withinPortal shadow="md">
            <Popover.Target>
              <Button variant="default" size="xs" data-testid="columns">
                {t('records:list.columns')}
              </Button>
            </Popover.Target>
            <Popover.Dropdown>
              <ScrollArea.Autosize mah={360} type="auto">
                <Checkbox.Group
                  label={t('records:list.columns')}
                  value={columns}
                  onChange={(next) => {
                    const ordered = columnOptions.map((o) => o.value).filter((v) => next.includes(v));
                    setColumns(ordered);
                    window.localStorage.setItem(columnsKey(object), JSON.stringify(ordered));
                  }}
                >
                  <Stack gap={6} mt={6}>
                    {columnOptions.map((option) => (
                      <Checkbox key={option.value} value={option.value} label={option.label} size="xs" />
                    ))}
                  </Stack>
                </Checkbox.Group>
              </ScrollArea.Autosize>
            </Popover.Dropdown>
          </Popover>
        </Group>
        {showFilters ? (
          <FiltersPanel
            key={query}
            object={object}
            fields={fields.filter((f) => f.filterable || f.rangeable)}
            customFields={custom.data ?? []}
            params={params}
            onApply={apply}
          />
        ) : null}
        {active.error ? <ErrorNotice error={active.error} /> : null}
        <RecordTable
          object={object}
          columns={columns}
          rows={rows}
          customFields={custom.data}
          sortable={sortable}
          sort={currentSort(params)}
          onSort={(column) => apply(nextSort(params, column))}
          hasNextPage={Boolean(active.hasNextPage)}
          isFetchingNextPage={active.isFetchingNextPage}
          fetchNextPage={() => void active.fetchNextPage()}
          titleField={titleFieldOf(object)}
        />
      </Stack>
    </>
  );
}
