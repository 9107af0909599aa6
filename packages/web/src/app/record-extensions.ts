import type { ComponentType } from 'react';

/**
 * What a feature adds to the generic record screens of another object (the catalogue-driven list
 * and detail pages in features/records): a panel on a record's page (a subscription's devices and
 * lifecycle actions, a case's SLA clock, a campaign's audience count), or an action button. Each
 * feature declares them in src/features/<name>/record-extensions.tsx (`export const extensions`);
 * the record screens find them by themselves.
 */
export interface RecordExtensionProps {
  /** Catalogue object key (`subscriptions`). */
  object: string;
  id: string;
  /** The record as the API answered it (masked as the person's field rules say). */
  record: Record<string, unknown>;
  /** Call after a change so the page reloads the record. */
  onChanged: () => void;
  /** For a `cell`: the field's value in this record. */
  value?: unknown;
}

export interface RecordExtension {
  object: string;
  /**
   * `panel`: a section on the detail page; `action`: a button in the detail page's header;
   * `list-action`: a button on the list page; `cell`: how `field` is shown in lists and on the
   * detail page (a case's SLA badge, a subscription's status).
   */
  kind: 'panel' | 'action' | 'list-action' | 'cell';
  /** For a `cell`: the field it renders. */
  field?: string;
  /** i18n key of the panel title or button label, `namespace:key`. */
  labelKey: string;
  /** Shown only to holders of this permission (any of a list). */
  permission?: string | readonly string[];
  /** Load it lazily (`lazy(() => import('./X'))`) so it stays out of the first script. */
  Component: ComponentType<RecordExtensionProps>;
  order?: number;
}

const modules = import.meta.glob<{ extensions: RecordExtension[] }>('../features/*/record-extensions.tsx', { eager: true });

export const recordExtensions: RecordExtension[] = Object.values(modules).flatMap((module) => module.extensions);

export const extensionsFor = (object: string, kind: RecordExtension['kind']): RecordExtension[] =>
  recordExtensions.filter((e) => e.object === object && e.kind === kind).sort((a, b) => (a.order ?? 50) - (b.order ?? 50));
