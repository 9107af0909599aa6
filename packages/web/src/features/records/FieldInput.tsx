import { Checkbox, NumberInput, Select, Textarea, TextInput } from '@mantine/core';
import type { FieldInfo } from './catalogue';
import { useLabels } from './labels';
import { ReferencePicker } from './ReferencePicker';

/** A form value as typed: text for text, dates and ids; a number or '' for numbers (money in major units); a boolean. */
export type FormValue = string | number | boolean;

interface Props {
  object: string;
  field: FieldInfo;
  label: string;
  value: FormValue | undefined;
  onChange: (value: FormValue) => void;
  error?: string;
  /** What the record shows now when it is masked (the input starts empty: typing replaces it). */
  maskedAs?: string;
}

/** One input of a create or edit form, chosen by the field's kind in the catalogue. */
export function FieldInput({ object, field, label, value, onChange, error, maskedAs }: Props) {
  const { t, optionLabel } = useLabels();
  const common = {
    label,
    error,
    withAsterisk: field.required,
    'data-testid': `field-${field.name}`,
    name: field.name,
    description: maskedAs ? t('records:form.maskedNow', { value: maskedAs }) : hintOf(field, t),
  };
  switch (field.kind) {
    case 'boolean':
      return (
        <Checkbox
          label={label}
          error={error}
          checked={value === true}
          onChange={(event) => onChange(event.currentTarget.checked)}
          data-testid={common['data-testid']}
          name={field.name}
          mt="md"
        />
      );
    case 'enum':
      return (
        <Select
          {...common}
          data={(field.options ?? []).map((o) => ({ value: String(o), label: optionLabel(o) }))}
          value={value === undefined || value === '' ? null : String(value)}
          onChange={(next) => onChange(next ?? '')}
          clearable={!field.required}
          placeholder={t('records:form.choose')}
        />
      );
    case 'integer':
    case 'money':
      return (
        <NumberInput
          {...common}
          value={typeof value === 'number' ? value : ''}
          onChange={(next) => onChange(typeof next === 'number' ? next : next === '' ? '' : Number(next))}
          decimalScale={field.kind === 'money' ? 2 : 0}
          allowDecimal={field.kind === 'money'}
          thousandSeparator={field.kind === 'money' ? ',' : undefined}
        />
      );
    case 'reference':
      return (
        <ReferencePicker
          references={field.references ?? ''}
          label={label}
          value={typeof value === 'string' ? value : ''}
          onChange={onChange}
          error={error}
          required={field.required}
          testId={common['data-testid']}
        />
      );
    case 'date':
      return <TextInput {...common} type="date" value={typeof value === 'string' ? value : ''} onChange={(event) => onChange(event.currentTarget.value)} />;
    case 'datetime':
      return (
        <TextInput {...common} type="datetime-local" value={typeof value === 'string' ? value : ''} onChange={(event) => onChange(event.currentTarget.value)} />
      );
    default:
      if ((field.maxLength ?? 0) > 500 || /^(notes|body|description|resolution|evidence|reason)$/.test(field.name)) {
        return (
          <Textarea
            {...common}
            autosize
            minRows={2}
            maxRows={8}
            value={typeof value === 'string' ? value : ''}
            onChange={(e) => onChange(e.currentTarget.value)}
          />
        );
      }
      return <TextInput {...common} value={typeof value === 'string' ? value : ''} onChange={(event) => onChange(event.currentTarget.value)} />;
  }
  function hintOf(info: FieldInfo, translate: typeof t): string | undefined {
    if (info.kind === 'money') return translate('records:form.moneyHint');
    if (info.kind === 'id') return translate('records:form.idHint');
    if (object && info.maxLength) return translate('records:form.maxLength', { max: info.maxLength });
    return undefined;
  }
}
