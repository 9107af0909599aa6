import type { TFunction } from 'i18next';

/** An activity's name: the catalogue object's plural from the record screens, or this feature's own word (the staff directory). */
export const objectName = (t: TFunction, key: string): string =>
  t(`processing:object.${key}`, { defaultValue: t(`records:objects.${key}.many`, { defaultValue: key }) });
