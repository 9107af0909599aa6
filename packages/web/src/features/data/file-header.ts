/**
 * The header row of an import file, read in the browser so that the person can map its columns
 * before uploading. Only the header is read: no cell of a data row is kept. CSV by a small parser
 * (quotes, doubled quotes, CRLF, a UTF-8 BOM); XLSX by reading the first worksheet's first row out
 * of the zip with the browser's own DecompressionStream, no library.
 */

/** The first record of a CSV text, as its fields. */
export function csvHeader(text: string): string[] {
  const source = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < source.length; i++) {
    const ch = source[i];
    if (quoted) {
      if (ch === '"') {
        if (source[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else field += ch;
    } else if (ch === '"' && field === '') quoted = true;
    else if (ch === ',') {
      fields.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      break;
    } else field += ch;
  }
  fields.push(field);
  const trimmed = fields.map((f) => f.trim());
  return trimmed.length === 1 && trimmed[0] === '' ? [] : trimmed;
}

interface ZipEntry {
  name: string;
  method: number;
  compressedSize: number;
  localOffset: number;
}

function zipEntries(bytes: Uint8Array): ZipEntry[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let end = -1;
  for (let i = bytes.length - 22; i >= Math.max(0, bytes.length - 65_557); i--) {
    if (view.getUint32(i, true) === 0x06054b50) {
      end = i;
      break;
    }
  }
  if (end < 0) throw new Error('not a zip file');
  const count = view.getUint16(end + 10, true);
  let at = view.getUint32(end + 16, true);
  const entries: ZipEntry[] = [];
  const decoder = new TextDecoder();
  for (let n = 0; n < count; n++) {
    if (view.getUint32(at, true) !== 0x02014b50) throw new Error('bad zip directory');
    const method = view.getUint16(at + 10, true);
    const compressedSize = view.getUint32(at + 20, true);
    const nameLength = view.getUint16(at + 28, true);
    const extraLength = view.getUint16(at + 30, true);
    const commentLength = view.getUint16(at + 32, true);
    const localOffset = view.getUint32(at + 42, true);
    entries.push({ name: decoder.decode(bytes.subarray(at + 46, at + 46 + nameLength)), method, compressedSize, localOffset });
    at += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

async function entryText(bytes: Uint8Array, entry: ZipEntry): Promise<string> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const start = entry.localOffset + 30 + view.getUint16(entry.localOffset + 26, true) + view.getUint16(entry.localOffset + 28, true);
  const data = bytes.slice(start, start + entry.compressedSize);
  if (entry.method === 0) return new TextDecoder().decode(data);
  if (entry.method !== 8) throw new Error('unsupported zip compression');
  const stream = new Blob([data]).stream().pipeThrough(new DecompressionStream('deflate-raw'));
  return new Response(stream).text();
}

const xmlText = (xml: string): string =>
  xml
    .replace(/<[^>]+>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&#(\d+);/g, (_, n: string) => String.fromCodePoint(Number(n)))
    .replace(/&amp;/g, '&');

/** Column letters of a cell reference (A1 → 0, AB3 → 27). */
const columnIndex = (ref: string): number => {
  let n = 0;
  for (const ch of /^[A-Z]+/.exec(ref)?.[0] ?? '') n = n * 26 + (ch.charCodeAt(0) - 64);
  return n - 1;
};

/** The first row of an XLSX workbook's first worksheet. */
export async function xlsxHeader(file: Blob): Promise<string[]> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  const entries = zipEntries(bytes);
  const sheets = entries.filter((e) => /^xl\/worksheets\/[^/]+\.xml$/.test(e.name)).sort((a, b) => a.name.localeCompare(b.name, 'en', { numeric: true }));
  const sheet = entries.find((e) => e.name === 'xl/worksheets/sheet1.xml') ?? sheets[0];
  if (!sheet) throw new Error('no worksheet');
  const sheetXml = await entryText(bytes, sheet);
  const row = /<row\b[^>]*>([\s\S]*?)<\/row>/.exec(sheetXml)?.[1] ?? '';
  const sharedEntry = entries.find((e) => e.name === 'xl/sharedStrings.xml');
  let shared: string[] = [];
  const cells = [...row.matchAll(/<c\b([^>]*?)(?:\/>|>([\s\S]*?)<\/c>)/g)];
  if (sharedEntry && cells.some((c) => /\bt="s"/.test(c[1] ?? ''))) {
    const xml = await entryText(bytes, sharedEntry);
    shared = [...xml.matchAll(/<si\b[^>]*>([\s\S]*?)<\/si>/g)].map((m) => xmlText(m[1] ?? ''));
  }
  const header: string[] = [];
  cells.forEach((cell, position) => {
    const attributes = cell[1] ?? '';
    const body = cell[2] ?? '';
    const ref = /\br="([A-Z]+\d+)"/.exec(attributes)?.[1];
    const index = ref ? columnIndex(ref) : position;
    const type = /\bt="(\w+)"/.exec(attributes)?.[1];
    const value = /<v>([\s\S]*?)<\/v>/.exec(body)?.[1];
    let text = '';
    if (type === 's' && value !== undefined) text = shared[Number(value)] ?? '';
    else if (type === 'inlineStr') text = xmlText(/<is>([\s\S]*?)<\/is>/.exec(body)?.[1] ?? '');
    else if (value !== undefined) text = xmlText(value);
    header[index] = text.trim();
  });
  return Array.from(header, (h) => h ?? '');
}

export type ImportFileFormat = 'csv' | 'xlsx';

export const formatOfFile = (file: { name: string; type: string }): ImportFileFormat | undefined => {
  const name = file.name.toLowerCase();
  if (name.endsWith('.xlsx') || file.type === 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet') return 'xlsx';
  if (name.endsWith('.csv') || file.type === 'text/csv') return 'csv';
  return undefined;
};

/** The header of a file: CSV reads only its first 64 KiB. */
export async function fileHeader(file: Blob, format: ImportFileFormat): Promise<string[]> {
  if (format === 'xlsx') return xlsxHeader(file);
  return csvHeader(await file.slice(0, 65_536).text());
}
