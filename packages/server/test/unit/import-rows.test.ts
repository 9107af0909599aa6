import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { userActor } from '../../src/platform/authz/actor.js';
import { DigestSet } from '../../src/platform/data/import-digests.js';
import { resolveMapping, rowReader } from '../../src/platform/data/import-rows.js';

const manager = userActor({ id: '01a231dd-3245-72e2-af16-3881cdc3a801', teamId: null }, ['sales_manager']);
const rep = userActor({ id: '01a231dd-3245-72e2-af16-3881cdc3a802', teamId: null }, ['sales_rep']);

describe('import column mapping', () => {
  it.each([
    { header: ['Name', 'EMAIL', 'birth_date', 'Notes'], explicit: {}, fields: ['name', 'email', 'birthDate', undefined], ignored: ['Notes'] },
    { header: ['Full name', 'E-mail'], explicit: { 'Full name': 'name', 'E-mail': 'email' }, fields: ['name', 'email'], ignored: [] },
    { header: ['email', 'Mail'], explicit: { email: 'phone', Mail: 'email' }, fields: ['phone', 'email'], ignored: [] },
    { header: ['id', 'name', 'createdAt'], explicit: {}, fields: [undefined, 'name', undefined], ignored: ['id', 'createdAt'] },
  ])('maps $header with $explicit', ({ header, explicit, fields, ignored }) => {
    const mapping = resolveMapping(manager, 'contacts', header, explicit);
    expect(mapping.fields.map((f) => f?.name)).toEqual(fields);
    expect(mapping.ignored).toEqual(ignored);
  });

  it.each([
    { actor: manager, header: ['name'], explicit: { nick: 'name' }, error: /column nick, which is not in the file's header/ },
    { actor: manager, header: ['nick'], explicit: { nick: 'nickname' }, error: /nickname, which is not a field/ },
    { actor: manager, header: ['id'], explicit: { id: 'id' }, error: /id, which is not a field/ },
    { actor: manager, header: ['email', 'Mail'], explicit: { Mail: 'email' }, error: /email and Mail both fill email/ },
    { actor: manager, header: ['Notes'], explicit: {}, error: /no column of the file fills a field/ },
    { actor: rep, header: ['name', 'idNumber'], explicit: {}, error: /you may not write idNumber/ },
  ])('refuses $explicit over $header', ({ actor, header, explicit, error }) => {
    expect(() => resolveMapping(actor, 'contacts', header, explicit)).toThrow(error);
  });
});

describe('import row validation (the API create schema)', () => {
  const contacts = rowReader('contacts', resolveMapping(manager, 'contacts', ['name', 'email', 'phone', 'accountId'], {}));
  const accounts = rowReader('accounts', resolveMapping(manager, 'accounts', ['name', 'kind', 'country', 'website'], {}));

  it.each([
    {
      reader: contacts,
      cells: ['王芳', ' Wang@Example.cn ', '+86 139 0000 0001', ''],
      values: { name: '王芳', email: 'Wang@Example.cn', phone: '+86 139 0000 0001' },
    },
    { reader: contacts, cells: ['', 'only@example.com'], values: { email: 'only@example.com' } },
    {
      reader: accounts,
      cells: ['CCTV Ads', 'advertiser', 'CN', 'https://cctv.com'],
      values: { name: 'CCTV Ads', kind: 'advertiser', country: 'CN', website: 'https://cctv.com' },
    },
  ])('accepts $cells', ({ reader, cells, values }) => {
    expect(reader.read(2, cells)).toEqual({ values, problems: [] });
  });

  it.each([
    { reader: contacts, cells: ['A', 'a.example.com'], column: 'email', reason: 'not an e-mail address' },
    { reader: contacts, cells: ['A', '', 'call me'], column: 'phone', reason: 'not a phone number' },
    { reader: contacts, cells: ['A', '', '', 'not-an-id'], column: 'accountId', reason: undefined },
    { reader: contacts, cells: ['', '', '', ''], column: null, reason: 'the row is empty' },
    { reader: contacts, cells: ['A', '', '', '', 'extra'], column: null, reason: 'the row has 5 cells, the header 4' },
    { reader: accounts, cells: ['X', 'broadcaster', 'CN'], column: 'kind', reason: undefined },
    { reader: accounts, cells: ['', 'agency', 'CN'], column: 'name', reason: undefined },
    { reader: accounts, cells: ['X', 'agency', 'china'], column: 'country', reason: 'must be an ISO 3166-1 alpha-2 code' },
  ])('reports $cells at $column, never with the value', ({ reader, cells, column, reason }) => {
    const { values, problems } = reader.read(7, cells);
    expect(values).toBeUndefined();
    expect(problems[0]).toMatchObject({ line: 7, kind: 'invalid', column, ...(reason ? { reason } : {}) });
    for (const cell of cells.filter((c) => c.length >= 3)) expect(problems[0]?.reason).not.toContain(cell);
  });
});

describe('the digest set of an import', () => {
  it('remembers the first line of each digest across growth, and nothing else', () => {
    const set = new DigestSet(4);
    const digests = Array.from({ length: 5000 }, () => randomBytes(16));
    digests.forEach((d, i) => {
      expect(set.addOrGet(d, i + 2)).toBe(0);
    });
    expect(set.size).toBe(5000);
    digests.forEach((d, i) => {
      expect(set.addOrGet(Buffer.from(d), 99_999)).toBe(i + 2);
    });
    expect(set.get(randomBytes(16))).toBe(0);
    expect(set.size).toBe(5000);
  });
});
