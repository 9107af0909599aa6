import { Anchor, Text } from '@mantine/core';
import { Link } from 'react-router';
import { extensionsFor } from '../../app/record-extensions';
import { usePermissions } from '../../app/session';
import { LoadBoundary } from '../../components/LoadBoundary';
import { MaskedValue } from '../../components/records/MaskedValue';
import { RevealedValue } from '../../components/records/RevealedValue';
import { type Format, useFormat } from '../../i18n/format';
import { type FieldInfo, fieldOf } from './catalogue';
import { useLabels } from './labels';
import { recordObject, recordPath } from './objects';
import type { CustomField, RecordView } from './records-api';

export const shortId = (id: string) => (id.length > 12 ? `${id.slice(0, 8)}…` : id);

/** A field's value as text (for plain display and for the tests of the mapping). */
export function formatValue(
  format: Format,
  field: Pick<FieldInfo, 'kind'> & { name?: string },
  value: unknown,
  record: Record<string, unknown>,
  optionLabel: (v: unknown) => string,
  yesNo: (v: boolean) => string,
): string {
  if (value === null || value === undefined || value === '') return '';
  switch (field.kind) {
    case 'money':
      return typeof value === 'number' ? format.money(value, typeof record.currency === 'string' ? record.currency : 'CNY') : String(value);
    case 'integer':
      // A year is a name, not a quantity: 2018, never 2,018.
      return typeof value === 'number' && !/(^y|Y)ear$/.test(field.name ?? '') ? format.number(value) : String(value);
    case 'boolean':
      return yesNo(value === true || value === 'true');
    case 'date':
      return typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value) ? format.date(`${value}T12:00:00`) : String(value);
    case 'datetime':
      return format.dateTime(String(value));
    case 'enum':
      return optionLabel(value);
    default:
      return String(value);
  }
}

interface Props {
  object: string;
  /** A catalogue field name, or `custom.<key>`. */
  field: string;
  record: RecordView;
  customFields?: CustomField[];
  /** Values revealed just now (local state of the page), by field. */
  revealed?: Record<string, string | null>;
  /** Titles of referenced records, by id, when the page fetched them. */
  titles?: Record<string, string | undefined>;
  onChanged?: () => void;
}

/** One field of a record as the API answered it: masked values marked, money in the record's currency, references as links. */
export function FieldValue({ object, field, record, customFields, revealed, titles, onChanged }: Props) {
  const format = useFormat();
  const { t, optionLabel } = useLabels();
  const { can } = usePermissions();
  const isCustom = field.startsWith('custom.');
  const value = isCustom ? record.custom?.[field.slice('custom.'.length)] : record[field];
  const revealedValue = revealed?.[field];
  if (revealedValue !== undefined && revealedValue !== null) return <RevealedValue value={revealedValue} />;
  const cell = extensionsFor(object, 'cell').find((e) => e.field === field && can(e.permission));
  if (cell) {
    const Cell = cell.Component;
    return (
      <LoadBoundary fallback={null} inline>
        <Cell object={object} id={record.id} record={record} value={value} onChanged={onChanged ?? (() => undefined)} />
      </LoadBoundary>
    );
  }
  if (record.maskedFields?.includes(field) && typeof value === 'string') return <MaskedValue value={value} />;
  if (value === null || value === undefined || value === '') {
    return (
      <Text component="span" c="dark.3" aria-label={t('records:value.empty')}>
        —
      </Text>
    );
  }
  const custom = isCustom ? customFields?.find((c) => c.key === field.slice('custom.'.length)) : undefined;
  const info: Pick<FieldInfo, 'kind' | 'references'> = custom
    ? { kind: custom.type === 'enum' ? 'text' : custom.type }
    : (fieldOf(object, field) ?? { kind: 'text' });
  if (info.kind === 'reference' && info.references && typeof value === 'string') {
    return (
      <Anchor component={Link} to={recordPath(info.references, value)} ff={titles?.[value] ? undefined : 'monospace'}>
        {titles?.[value] ?? shortId(value)}
      </Anchor>
    );
  }
  // An activity names the record it is about by kind and id.
  if (field === 'aboutId' && typeof value === 'string' && typeof record.aboutObject === 'string' && recordObject(record.aboutObject)) {
    return (
      <Anchor component={Link} to={recordPath(record.aboutObject, value)} ff="monospace">
        {shortId(value)}
      </Anchor>
    );
  }
  if (info.kind === 'id' && typeof value === 'string') {
    return (
      <Text component="span" ff="monospace" title={value}>
        {shortId(value)}
      </Text>
    );
  }
  return <>{formatValue(format, info, value, record, optionLabel, (v) => t(v ? 'records:value.yes' : 'records:value.no'))}</>;
}
