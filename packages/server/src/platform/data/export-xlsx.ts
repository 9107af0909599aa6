import type { Writable } from 'node:stream';
import ExcelJS from 'exceljs';
import type { RequestContext } from '../audit/audit-event.js';
import type { ScopedResource } from '../authz/access-policy.js';
import type { Actor } from '../authz/actor.js';
import { exportedRecords, flattenCustom } from './export-records.js';
import type { ProtectedStore } from './protected-store.js';

/**
 * An export as an XLSX workbook, streamed (exceljs' WorkbookWriter commits each row to `out`, so
 * memory stays bounded): the same records as the CSV and JSONL exports — scope, masking and the
 * export audit of every page — one worksheet named after the object, the header row first. Values
 * are written as text, numbers or booleans, never as formulas.
 */
export async function exportXlsx(store: ProtectedStore, actor: Actor, context: RequestContext, object: ScopedResource, out: Writable): Promise<void> {
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useSharedStrings: false, useStyles: false });
  const sheet = workbook.addWorksheet(object);
  let columns: string[] | undefined;
  for await (const item of exportedRecords(store, actor, context, object)) {
    const record = flattenCustom(item);
    if (!columns) {
      columns = Object.keys(record).filter((k) => k !== 'maskedFields');
      sheet.addRow(columns).commit();
    }
    sheet.addRow(columns.map((c) => cell(record[c]))).commit();
  }
  if (!columns) sheet.addRow([]).commit();
  sheet.commit();
  await workbook.commit();
}

function cell(value: unknown): string | number | boolean | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number' || typeof value === 'boolean') return value;
  return Array.isArray(value) ? value.join(';') : String(value);
}
