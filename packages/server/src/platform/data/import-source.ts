import type { Readable } from 'node:stream';
import { parse } from 'csv-parse';
import ExcelJS from 'exceljs';
import { unprocessable } from '../errors.js';

/** The file formats an import reads. */
export const importFormats = ['csv', 'xlsx'] as const;
export type ImportFormat = (typeof importFormats)[number];

/** One row of the file: its line (CSV: the line where the record ends; XLSX: the row number) and its cells as text. */
export interface SourceRow {
  line: number;
  cells: string[];
}

/**
 * Reads a CSV or XLSX file as a stream of rows, the header first, holding only the current rows in
 * memory (csv-parse's stream parser; exceljs' streaming WorkbookReader, first worksheet). XLSX keeps
 * its shared-string table in memory, as the format requires. Parse errors name the line, never the text.
 */
export function readRows(input: Readable, format: ImportFormat): AsyncGenerator<SourceRow> {
  return format === 'csv' ? csvRows(input) : xlsxRows(input);
}

async function* csvRows(input: Readable): AsyncGenerator<SourceRow> {
  const parser = input.pipe(parse({ bom: true, relax_column_count: true, skip_empty_lines: true, info: true }));
  input.on('error', (error) => parser.destroy(error));
  try {
    for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) yield { line: info.lines, cells: record };
  } catch (error) {
    const line = (error as { lines?: number }).lines;
    if ((error as { code?: string }).code?.startsWith('CSV_')) throw unprocessable(`the file is not valid CSV${line ? ` (near line ${line})` : ''}`);
    throw error;
  }
}

async function* xlsxRows(input: Readable): AsyncGenerator<SourceRow> {
  const workbook = new ExcelJS.stream.xlsx.WorkbookReader(input, {
    worksheets: 'emit',
    sharedStrings: 'cache',
    hyperlinks: 'ignore',
    styles: 'ignore',
    entries: 'ignore',
  });
  try {
    for await (const worksheet of workbook) {
      for await (const row of worksheet) {
        const values = row.values as unknown[];
        const cells: string[] = [];
        for (let i = 1; i < values.length; i++) cells.push(cellText(values[i]));
        yield { line: row.number, cells };
      }
      return; // the first worksheet only
    }
  } catch (error) {
    if (error instanceof Error && /zip|signature|end of central directory|invalid/i.test(error.message))
      throw unprocessable('the file is not a valid XLSX workbook');
    throw error;
  }
}

/** A cell as text: dates as YYYY-MM-DD (or ISO with time), formulas by their result, rich text joined. */
export function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) {
    const iso = value.toISOString();
    return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso;
  }
  if (typeof value === 'object') {
    const v = value as { result?: unknown; text?: unknown; richText?: { text: string }[]; error?: string };
    if (v.richText) return v.richText.map((r) => r.text).join('');
    if ('result' in v) return cellText(v.result);
    if (typeof v.text === 'string') return v.text;
    if (v.error) return '';
    return '';
  }
  return String(value);
}
