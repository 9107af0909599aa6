import { createRequire } from 'node:module';
import { PassThrough, type Readable } from 'node:stream';
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
 * memory (csv-parse's stream parser; exceljs' streaming WorkbookReader, first worksheet, after a first
 * pass for its shared strings and styles). XLSX keeps its shared-string table in memory, as the format
 * requires. Nothing is written to disk. Parse errors name the line, never the text.
 */
export function readRows(open: () => Readable, format: ImportFormat): AsyncGenerator<SourceRow> {
  return format === 'csv' ? csvRows(open()) : xlsxRows(open);
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

/** What exceljs' streaming reader needs before a worksheet can be parsed as it streams by. */
interface WorkbookParts {
  sharedStrings?: unknown[];
  styles?: unknown;
  workbookRels?: unknown;
  properties?: unknown;
  model?: unknown;
}

type ReaderInternals = WorkbookParts & {
  _parseRels(entry: Readable): Promise<void>;
  _parseWorkbook(entry: Readable): Promise<void>;
  _parseStyles(entry: Readable): Promise<void>;
  _parseSharedStrings(entry: Readable): AsyncGenerator<unknown>;
};

const require = createRequire(import.meta.url);
/** The zip parser exceljs itself streams with (its own dependency, so the same version). */
const unzip = createRequire(require.resolve('exceljs'))('unzipper') as { Parse(options: { forceStream: boolean }): NodeJS.ReadWriteStream };
const readerOptions = { worksheets: 'emit', sharedStrings: 'cache', hyperlinks: 'ignore', styles: 'cache', entries: 'ignore' } as const;

/**
 * First pass over the workbook: only its relations, workbook, styles and shared strings (worksheets
 * are drained unread). exceljs' streaming reader copies a worksheet that comes before the shared
 * strings (Excel's own order) or in a workbook without them to a temporary file in plaintext; with
 * these parts known in advance it parses every worksheet as it streams by, and date cells are dates.
 */
async function workbookParts(input: Readable): Promise<WorkbookParts> {
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(new PassThrough(), readerOptions) as unknown as ReaderInternals;
  const zip = input.pipe(unzip.Parse({ forceStream: true }));
  input.on('error', (error) => (zip as unknown as Readable).destroy(error));
  for await (const entry of zip as unknown as AsyncIterable<Readable & { path: string; autodrain(): void }>) {
    if (entry.path === 'xl/_rels/workbook.xml.rels') await reader._parseRels(entry);
    else if (entry.path === 'xl/workbook.xml') await reader._parseWorkbook(entry);
    else if (entry.path === 'xl/styles.xml') await reader._parseStyles(entry);
    else if (entry.path === 'xl/sharedStrings.xml') for await (const _ of reader._parseSharedStrings(entry)) void _;
    else entry.autodrain();
  }
  return {
    sharedStrings: reader.sharedStrings ?? [],
    styles: reader.styles,
    workbookRels: reader.workbookRels ?? [],
    properties: reader.properties,
    model: reader.model,
  };
}

async function* xlsxRows(open: () => Readable): AsyncGenerator<SourceRow> {
  try {
    const parts = await workbookParts(open());
    const workbook = new ExcelJS.stream.xlsx.WorkbookReader(open(), readerOptions);
    Object.assign(workbook, parts);
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
