import { once } from 'node:events';
import { createWriteStream } from 'node:fs';

/** A contact row of the generated files: unique e-mail and phone per index (an offset gives another set). */
export const contactRow = (i: number) => ({
  name: `Person ${i}`,
  email: `person${i}@example.org`,
  phone: `+86 139 ${String(10_000_000 + i).slice(-8, -4)} ${String(10_000_000 + i).slice(-4)}`,
  birthDate: `19${String(50 + (i % 50))}-0${1 + (i % 9)}-1${i % 10}`,
});

/**
 * Writes a CSV of `count` contacts (header + rows, so row i is on line i + 2) where every
 * `badEvery`-th row is bad — in turn an e-mail address without @, a phone number that is none, and a name over 500 characters —
 * and returns the lines of the bad rows and the bad values written (to check none is reported).
 */
export async function writeContactsCsv(file: string, count: number, badEvery = 0): Promise<{ badLines: number[]; badValues: string[] }> {
  const out = createWriteStream(file);
  const badLines: number[] = [];
  const badValues: string[] = [];
  out.write('Name,E-mail,Phone,birthDate\n');
  for (let i = 0; i < count; i++) {
    const row = contactRow(i);
    if (badEvery > 0 && i % badEvery === badEvery - 1) {
      badLines.push(i + 2);
      const kind = badLines.length % 3;
      if (kind === 1) {
        row.email = `person${i}.at.example.org`;
        badValues.push(row.email);
      } else if (kind === 2) {
        row.phone = `ext ${i}`;
        badValues.push(row.phone);
      } else {
        row.name = `Person ${i} ${'x'.repeat(500)}`;
      }
    }
    if (!out.write(`${row.name},${row.email},${row.phone},${row.birthDate}\n`)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  return { badLines, badValues };
}
