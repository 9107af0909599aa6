import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { csvHeader, fileHeader, formatOfFile, xlsxHeader } from '../../src/features/data/file-header';
import {
  duplicateFields,
  guessField,
  ignoredButMatching,
  importFields,
  initialMapping,
  mappingQuery,
  mayIgnore,
  missingRequired,
} from '../../src/features/data/import-mapping';

async function workbook(rows: unknown[][], sharedStrings = true): Promise<Blob> {
  const book = new ExcelJS.Workbook();
  const sheet = book.addWorksheet('Sheet');
  for (const row of rows) sheet.addRow(row);
  const buffer = await book.xlsx.writeBuffer({ useSharedStrings: sharedStrings } as never);
  return new Blob([buffer as ArrayBuffer]);
}

describe('the header row of an import file, read in the browser', () => {
  it('reads a CSV header: quotes, doubled quotes, commas inside quotes, CRLF, a BOM, and nothing past the first record', () => {
    expect(csvHeader('\uFEFFname,"E-mail, work","say ""hi""",phone\r\n王芳,wang@example.cn,x,1\n')).toEqual(['name', 'E-mail, work', 'say "hi"', 'phone']);
    expect(csvHeader('a,b')).toEqual(['a', 'b']);
    expect(csvHeader(' name , email \n')).toEqual(['name', 'email']);
    expect(csvHeader('')).toEqual([]);
    expect(csvHeader('\n1,2')).toEqual([]);
  });

  it('reads the first row of an XLSX workbook, with shared or inline strings, numbers and gaps', async () => {
    expect(
      await xlsxHeader(
        await workbook([
          ['Full name', 'Mail', 2024, null, '电话'],
          ['王芳', 'w@example.cn', 1, 2, 3],
        ]),
      ),
    ).toEqual(['Full name', 'Mail', '2024', '', '电话']);
    expect(await xlsxHeader(await workbook([['name', 'email & more']], false))).toEqual(['name', 'email & more']);
  });

  it('tells the format by name or type, and reads either', async () => {
    expect(formatOfFile({ name: 'people.CSV', type: '' })).toBe('csv');
    expect(formatOfFile({ name: 'book.xlsx', type: '' })).toBe('xlsx');
    expect(formatOfFile({ name: 'notes.txt', type: 'text/plain' })).toBeUndefined();
    expect(await fileHeader(new Blob(['name,email\nA,a@example.com\n']), 'csv')).toEqual(['name', 'email']);
    await expect(xlsxHeader(new Blob(['not a zip']))).rejects.toThrow();
  });
});

describe('mapping columns to fields', () => {
  const fields = importFields('contacts');

  it('offers the fields a contact can be given, required ones marked, never system fields', () => {
    const names = fields.map((f) => f.name);
    expect(names).toContain('email');
    expect(names).not.toContain('id');
    expect(names).not.toContain('createdAt');
    expect(
      importFields('accounts')
        .filter((f) => f.required)
        .map((f) => f.name),
    ).toEqual(['name', 'kind']);
  });

  it('matches columns named after a field as the server does (any case, the column name too), each field once', () => {
    expect(guessField(' EMAIL ', fields)).toBe('email');
    expect(guessField('birth_date', fields)).toBe('birthDate');
    expect(guessField('Mail', fields)).toBeUndefined();
    expect(initialMapping(['Name', 'Mail', 'email', 'EMAIL'], fields)).toEqual(['name', null, 'email', null]);
  });

  it('finds fields chosen twice and required fields left out, and builds the map query', () => {
    const header = ['Full name', 'Mail', 'Notes'];
    const accounts = importFields('accounts');
    expect(missingRequired(['name', null], accounts)).toEqual(['kind']);
    expect(missingRequired(['name', 'kind'], accounts)).toEqual([]);
    expect(duplicateFields(['email', 'email', 'name'])).toEqual(['email']);
    expect(mappingQuery(header, ['name', 'email', null])).toEqual(['Full name=name', 'Mail=email']);
  });

  it('does not offer to leave out a column the server would fill by its name', () => {
    expect(mayIgnore('email', fields)).toBe(false);
    expect(mayIgnore('Notes', fields)).toBe(true);
    expect(ignoredButMatching(['email', 'Notes'], [null, null], fields)).toEqual(['email']);
  });
});
