import type { RequestContext } from '../audit/audit-event.js';
import type { ScopedResource } from '../authz/access-policy.js';
import { can } from '../authz/access-policy.js';
import type { Actor } from '../authz/actor.js';
import { forbidden } from '../errors.js';
import type { PresentedRecord, ProtectedStore } from './protected-store.js';

/**
 * Export through the door: every page is read with the actor's scope and field rules (masked stays
 * masked, hidden stays out) and audited as `personal_data.export` naming its data subjects.
 */
export type ExportFormat = 'jsonl' | 'csv';

export async function* exportRecords(
  store: ProtectedStore,
  actor: Actor,
  context: RequestContext,
  object: ScopedResource,
  format: ExportFormat,
): AsyncGenerator<string> {
  let columns: string[] | undefined;
  for await (const item of exportedRecords(store, actor, context, object)) {
    if (format === 'jsonl') yield `${JSON.stringify(item)}\n`;
    else {
      const record = flattenCustom(item);
      if (!columns) {
        columns = Object.keys(record).filter((k) => k !== 'maskedFields');
        yield `${columns.join(',')}\n`;
      }
      yield `${columns.map((c) => csvCell(record[c])).join(',')}\n`;
    }
  }
}

/** The records an export gives, page by page through the door (scope, field rules, masking, audit per page). */
export async function* exportedRecords(store: ProtectedStore, actor: Actor, context: RequestContext, object: ScopedResource): AsyncGenerator<PresentedRecord> {
  if (!can(actor, `${object}.export` as never)) throw forbidden(`missing permission ${object}.export`);
  let cursor: string | undefined;
  do {
    const page = await store.list(actor, context, object, { limit: 200, cursor, purpose: 'export' });
    yield* page.items;
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
}

/** A CSV or XLSX row has one column per custom field: `custom.<key>`. */
export function flattenCustom(record: PresentedRecord): PresentedRecord {
  const { custom, ...rest } = record;
  if (!custom || typeof custom !== 'object') return rest;
  return { ...rest, ...Object.fromEntries(Object.entries(custom as Record<string, unknown>).map(([k, v]) => [`custom.${k}`, v])) };
}

/** RFC 4180 quoting; a leading = + - @ is neutralised so a spreadsheet never runs a cell as a formula. */
export function csvCell(value: PresentedRecord[string] | undefined): string {
  if (value === null || value === undefined) return '';
  let text = Array.isArray(value) ? value.join(';') : String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
