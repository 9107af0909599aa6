import type { SubjectRecords } from '../../platform/data/subject-records.js';

/** The readable content of an access package: every table as JSON, and as CSV per table (portability). */
export type PackageFormat = 'json' | 'csv';

const cell = (value: unknown): string => {
  if (value === null || value === undefined) return '';
  const text = typeof value === 'object' ? JSON.stringify(value) : String(value);
  // Quote every cell; a leading = + - @ is prefixed so a spreadsheet never runs it as a formula.
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return `"${safe.replace(/"/g, '""')}"`;
};

export function toCsv(rows: readonly Record<string, unknown>[]): string {
  const columns = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  return [columns.map(cell).join(','), ...rows.map((r) => columns.map((c) => cell(r[c])).join(','))].join('\r\n');
}

export function packageContent(records: SubjectRecords, meta: { requestId: string | null; createdAt: string; format: PackageFormat }): Buffer {
  const document = {
    format: 'castellan-access-package/1',
    subjectId: records.subjectId,
    requestId: meta.requestId,
    createdAt: meta.createdAt,
    erased: records.erased,
    records: records.tables,
    searchKeys: records.searchKeys,
    accesses: records.accesses,
    ...(meta.format === 'csv'
      ? {
          csv: {
            ...Object.fromEntries(Object.entries(records.tables).map(([table, rows]) => [`${table}.csv`, toCsv(rows)])),
            'accesses.csv': toCsv(records.accesses as unknown as Record<string, unknown>[]),
          },
        }
      : {}),
  };
  return Buffer.from(JSON.stringify(document, null, 2), 'utf8');
}
