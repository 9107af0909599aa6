import { Select } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useQuery } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { request } from '../../api/client';
import { usePermissions } from '../../app/session';
import { recordTitle } from './catalogue';
import { shortId } from './FieldValue';
import { useLabels } from './labels';
import { apiPath, type Page, type RecordView } from './records-api';

interface Props {
  /** The referenced object. */
  references: string;
  label: string;
  value: string;
  onChange: (id: string) => void;
  error?: string;
  required?: boolean;
  description?: string;
  testId?: string;
}

const optionOf = (record: RecordView) => ({
  value: record.id,
  label: `${recordTitle(record) ?? shortId(record.id)}${recordTitle(record) ? ` · ${shortId(record.id)}` : ''}`,
});

/**
 * Picks a record of another object: the first page of its list, narrowed as the person types
 * (contacts are searched by whole name through POST /contacts/search, the value in the body).
 * The chosen record stays shown even when it is not on that page.
 */
export function ReferencePicker({ references, label, value, onChange, error, required, description, testId }: Props) {
  const { t } = useLabels();
  const { can } = usePermissions();
  const [typed, setTyped] = useState('');
  const readable = can(`${references}.read`);
  const first = useQuery({
    queryKey: ['records', references, 'picker'],
    enabled: readable,
    queryFn: () => request<Page>('GET', apiPath(references), { query: { limit: 100 } }),
  });
  // Every contact search is audited and may count against a quota: search once typing pauses.
  const [settled] = useDebouncedValue(typed.trim(), 400);
  const searchContacts = references === 'contacts' && settled.length > 1 && !settled.includes(' · ');
  const found = useQuery({
    queryKey: ['records', 'contacts', 'picker-search', settled],
    enabled: readable && searchContacts,
    gcTime: 0,
    queryFn: () => request<Page>('POST', '/api/v1/contacts/search', { body: { field: 'name', value: settled, limit: 20 } }),
  });
  const current = useQuery({
    queryKey: ['records', references, 'one', value],
    enabled: readable && Boolean(value),
    retry: false,
    queryFn: () => request<RecordView>('GET', apiPath(references, value)),
  });
  const data = useMemo(() => {
    const seen = new Map<string, { value: string; label: string }>();
    for (const record of [...(current.data ? [current.data] : []), ...(found.data?.items ?? []), ...(first.data?.items ?? [])]) {
      if (!seen.has(record.id)) seen.set(record.id, optionOf(record));
    }
    if (value && !seen.has(value)) seen.set(value, { value, label: shortId(value) });
    return [...seen.values()];
  }, [current.data, found.data, first.data, value]);

  return (
    <Select
      label={label}
      description={description}
      data={data}
      value={value || null}
      onChange={(next) => onChange(next ?? '')}
      searchable
      clearable={!required}
      withAsterisk={required}
      searchValue={typed}
      onSearchChange={setTyped}
      nothingFoundMessage={t('records:picker.nothing')}
      placeholder={t('records:picker.placeholder')}
      error={error}
      data-testid={testId}
      filter={({ options, search }) => {
        const needle = search.trim().toLowerCase();
        if (!needle) return options;
        return options.filter((o) => 'label' in o && (o.label.toLowerCase().includes(needle) || o.value === search.trim() || searchContacts));
      }}
    />
  );
}
