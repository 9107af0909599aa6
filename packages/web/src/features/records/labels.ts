import { useTranslation } from 'react-i18next';
import type { CustomField } from './records-api';

/**
 * Translated names of objects, fields and enum values. A field's label is `fields:<object>.<field>`
 * when the object names it its own way, else `fields:common.<field>` (a unit test checks every
 * catalogue field has one in both languages). Custom fields carry their own zh and en labels.
 */
export function useLabels() {
  const { t, i18n } = useTranslation(['records', 'fields']);
  const zh = (i18n.resolvedLanguage ?? i18n.language ?? 'en').startsWith('zh');
  const objectLabel = (object: string, count: 'one' | 'many' = 'one') => t(`records:objects.${object}.${count}`, { defaultValue: object });
  const fieldLabel = (object: string, field: string, custom?: CustomField[]) => {
    if (field.startsWith('custom.')) {
      const found = custom?.find((c) => c.key === field.slice('custom.'.length));
      return found ? (zh ? found.labelZh : found.labelEn) : field.slice('custom.'.length);
    }
    return t(`fields:${object}.${field}`, { defaultValue: t(`fields:common.${field}`, { defaultValue: field }) });
  };
  const optionLabel = (value: unknown) => (value === null || value === undefined ? '' : t(`fields:options.${String(value)}`, { defaultValue: String(value) }));
  const customLabel = (field: CustomField) => (zh ? field.labelZh : field.labelEn);
  return { t, zh, objectLabel, fieldLabel, optionLabel, customLabel };
}
