import { Button, Group, Select, SimpleGrid, Stack, TextInput } from '@mantine/core';
import { useState } from 'react';
import type { FieldInfo } from './catalogue';
import { useLabels } from './labels';
import { ReferencePicker } from './ReferencePicker';
import type { CustomField } from './records-api';

interface Props {
  object: string;
  fields: FieldInfo[];
  customFields: CustomField[];
  params: URLSearchParams;
  onApply: (params: URLSearchParams) => void;
}

const inputType = (field: FieldInfo) => (field.kind === 'date' ? 'date' : field.kind === 'datetime' ? 'datetime-local' : 'text');

/**
 * Filters on plain fields: an exact value, or From / To for dates and numbers (money typed in major
 * units). Nothing personal: the API refuses filters on encrypted fields, and the search box sends
 * those in a POST body instead.
 */
export function FiltersPanel({ object, fields, customFields, params, onApply }: Props) {
  const { t, fieldLabel, optionLabel, customLabel } = useLabels();
  const [draft, setDraft] = useState(() => new URLSearchParams(params));
  const set = (key: string, value: string) =>
    setDraft((now) => {
      const next = new URLSearchParams(now);
      if (value === '') next.delete(key);
      else next.set(key, value);
      return next;
    });
  const customValues = new Map(draft.getAll('custom').map((c) => [c.slice(0, c.indexOf(':')), c.slice(c.indexOf(':') + 1)]));
  const setCustom = (key: string, value: string) =>
    setDraft((now) => {
      const next = new URLSearchParams(now);
      const others = next.getAll('custom').filter((c) => !c.startsWith(`${key}:`));
      next.delete('custom');
      for (const c of others) next.append('custom', c);
      if (value !== '') next.append('custom', `${key}:${value}`);
      return next;
    });
  // Range values of money: the API takes minor units, the person types major units.
  const shownRange = (field: FieldInfo, key: string) => {
    const raw = draft.get(key) ?? '';
    if (field.kind === 'money' && raw !== '' && Number.isFinite(Number(raw))) return String(Number(raw) / 100);
    if (field.kind === 'datetime' && raw) return raw.slice(0, 16);
    return raw;
  };
  const setRange = (field: FieldInfo, key: string, value: string) => {
    if (field.kind === 'money' && value !== '' && Number.isFinite(Number(value))) set(key, String(Math.round(Number(value) * 100)));
    else if (field.kind === 'datetime' && value) set(key, new Date(value).toISOString());
    else set(key, value);
  };

  return (
    <form
      aria-label={t('records:filters.title')}
      onSubmit={(event) => {
        event.preventDefault();
        const next = new URLSearchParams(draft);
        next.delete('view');
        onApply(next);
      }}
      data-testid="filters"
    >
      <Stack gap="sm">
        <SimpleGrid cols={{ base: 1, sm: 2, md: 4 }} spacing="sm">
          {fields.map((field) => {
            const label = fieldLabel(object, field.name);
            if (field.rangeable) {
              return (
                <Group key={field.name} grow gap={4} wrap="nowrap" align="flex-end">
                  <TextInput
                    label={t('records:filters.from', { field: label })}
                    type={inputType(field)}
                    inputMode={field.kind === 'integer' || field.kind === 'money' ? 'decimal' : undefined}
                    value={shownRange(field, `${field.name}From`)}
                    onChange={(e) => setRange(field, `${field.name}From`, e.currentTarget.value)}
                    data-testid={`filter-${field.name}From`}
                  />
                  <TextInput
                    label={t('records:filters.to', { field: label })}
                    type={inputType(field)}
                    inputMode={field.kind === 'integer' || field.kind === 'money' ? 'decimal' : undefined}
                    value={shownRange(field, `${field.name}To`)}
                    onChange={(e) => setRange(field, `${field.name}To`, e.currentTarget.value)}
                    data-testid={`filter-${field.name}To`}
                  />
                </Group>
              );
            }
            if (field.kind === 'enum' || field.kind === 'boolean') {
              const options =
                field.kind === 'boolean'
                  ? [
                      { value: 'true', label: t('records:value.yes') },
                      { value: 'false', label: t('records:value.no') },
                    ]
                  : (field.options ?? []).map((o) => ({ value: String(o), label: optionLabel(o) }));
              return (
                <Select
                  key={field.name}
                  label={label}
                  data={options}
                  value={draft.get(field.name)}
                  onChange={(value) => set(field.name, value ?? '')}
                  clearable
                  placeholder={t('records:filters.any')}
                  data-testid={`filter-${field.name}`}
                />
              );
            }
            if (field.kind === 'reference' && field.references) {
              return (
                <ReferencePicker
                  key={field.name}
                  references={field.references}
                  label={label}
                  value={draft.get(field.name) ?? ''}
                  onChange={(id) => set(field.name, id)}
                  testId={`filter-${field.name}`}
                />
              );
            }
            return (
              <TextInput
                key={field.name}
                label={label}
                value={draft.get(field.name) ?? ''}
                onChange={(e) => set(field.name, e.currentTarget.value)}
                data-testid={`filter-${field.name}`}
              />
            );
          })}
          {customFields
            .filter((c) => c.classification === 'public' || c.classification === 'internal')
            .map((c) => (
              <TextInput key={c.key} label={customLabel(c)} value={customValues.get(c.key) ?? ''} onChange={(e) => setCustom(c.key, e.currentTarget.value)} />
            ))}
        </SimpleGrid>
        <Group>
          <Button type="submit" size="xs" data-testid="filters-apply">
            {t('common:actions.apply')}
          </Button>
          <Button
            size="xs"
            variant="default"
            onClick={() => {
              const cleared = new URLSearchParams();
              for (const key of ['sort', 'order']) {
                const value = params.get(key);
                if (value) cleared.set(key, value);
              }
              setDraft(cleared);
              onApply(cleared);
            }}
          >
            {t('common:actions.clear')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
