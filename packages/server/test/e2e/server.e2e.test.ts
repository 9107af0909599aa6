/**
 * End-to-end: the real, built CLI and HTTPS server as child processes, driven as an operator would
 * (SPEC 2.1, 2.2, 3, 4). Runs on SQLite, or on PostgreSQL with CASTELLAN_TEST_DB=postgres
 * (and CASTELLAN_TEST_PG_URL). Needs `npm run build` (npm test does it).
 */
import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, copyFileSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import tls from 'node:tls';
import { Secret } from 'otpauth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { e2eDialect } from '../helpers/databases.js';
import { type Needle, searchDatabase } from '../helpers/plaintext-search.js';
import {
  assertBuilt,
  E2E_ADMIN_EMAIL,
  E2E_USER_PASSWORD,
  type E2eInstall,
  freePort,
  type HttpsResponse,
  httpsJson,
  initInstall,
  rawHttpsRequest,
  type ServerProcess,
} from '../helpers/server-process.js';
import { oathtoolCode } from '../helpers/totp-codes.js';

const dialect = e2eDialect;
const CONTACTS = '/api/v1/contacts';
/** A well-formed UUIDv7 that names no record. */
const MISSING_ID = '01890000-0000-7000-8000-000000000abc';
const STACK_TRACE = /\n\s+at |\bat [\w.<>]+ \(|node_modules|\.[cm]?[jt]s:\d+|stack/i;

// ---- helpers ----------------------------------------------------------------------------------

interface ContactInput {
  name: string;
  email: string;
  phone: string;
  idNumber: string;
  birthDate: string;
  address: string;
}

const letters = (n: number) => Array.from(randomBytes(n), (b) => String.fromCharCode(97 + (b % 26))).join('');
const digits = (n: number) => Array.from(randomBytes(n), (b) => String(b % 10)).join('');
const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
/** `n` random CJK unified ideographs (U+4E00..U+9DFF). */
const han = (n: number) => Array.from({ length: n }, () => String.fromCodePoint(0x4e00 + (randomBytes(2).readUInt16BE(0) % 0x5000))).join('');

function randomBirthDate(): string {
  const b = randomBytes(3);
  const year = 1950 + ((b[0] ?? 0) % 50);
  const month = 1 + ((b[1] ?? 0) % 12);
  const day = 1 + ((b[2] ?? 0) % 28);
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** A person whose every value is unique to this run (so a grep for it cannot match by chance). */
function uniquePerson(chinese = false): ContactInput {
  if (chinese) {
    return {
      name: han(3),
      email: `${cap(letters(9))}.${cap(letters(9))}@${letters(7)}.example.cn`,
      phone: `13${digits(9)}`,
      idNumber: `1101${digits(13)}x`,
      birthDate: randomBirthDate(),
      address: `北京市朝阳区${han(4)}路${digits(3)}号`,
    };
  }
  return {
    name: `${cap(letters(8))} ${cap(letters(9))}`,
    email: `${cap(letters(9))}.${cap(letters(9))}@${cap(letters(7))}.Example.com`,
    phone: `15${digits(9)}`,
    idNumber: `4403${digits(13)}X`,
    birthDate: randomBirthDate(),
    address: `${digits(3)} ${cap(letters(10))} Road, ${cap(letters(9))} District, Shenzhen`,
  };
}

/** Fixed words of the generated addresses: not personal, so not searched for. */
const COMMON_WORDS = new Set(['District', 'Shenzhen', 'Road']);

/** Every representation of a person's values that must never appear in plaintext at rest or in a log. */
function needlesOf(p: Partial<ContactInput>): string[] {
  const out: string[] = [];
  if (p.name) {
    out.push(p.name, p.name.replace(/\s+/g, ''));
    for (const token of p.name.split(/\s+/)) if (token.length >= 3) out.push(token);
  }
  if (p.email) out.push(p.email, p.email.split('@')[0] ?? '', p.email.split('@')[1] ?? '');
  if (p.phone) {
    const national = p.phone.replace(/\D/g, '').replace(/^86/, '');
    out.push(p.phone, national, `+86${national}`, `86${national}`, `+86 ${national.slice(0, 3)}-${national.slice(3, 7)}-${national.slice(7)}`);
  }
  if (p.idNumber) out.push(p.idNumber, p.idNumber.toUpperCase().replace(/[\s-]/g, ''));
  if (p.birthDate) out.push(p.birthDate);
  if (p.address) {
    out.push(p.address);
    for (const token of p.address.split(/[\s,，]+/)) if (token.length >= 7 && !COMMON_WORDS.has(token)) out.push(token);
  }
  return [...new Set(out.filter((n) => n.length >= 4))];
}

/** ASCII-only lower-casing: keeps UTF-8 multi-byte sequences intact, so Chinese needles still match. */
function asciiLower(buffer: Buffer): Buffer {
  const out = Buffer.from(buffer);
  for (let i = 0; i < out.length; i += 1) {
    const c = out[i] ?? 0;
    if (c >= 0x41 && c <= 0x5a) out[i] = c + 0x20;
  }
  return out;
}

/** Needles (case-insensitively; byte needles as bytes) found in `haystack`, each reported with `where`. */
function findNeedles(haystack: Buffer, needles: Needle[], where: string): string[] {
  const lowered = asciiLower(haystack);
  return needles
    .filter((n) => (typeof n === 'string' ? lowered.includes(asciiLower(Buffer.from(n, 'utf8'))) : haystack.includes(n)))
    .map((n) => `${typeof n === 'string' ? JSON.stringify(n) : `<${n.length} bytes>`} in ${where}`);
}

function listFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...listFiles(full));
    else if (entry.isFile()) out.push(full);
  }
  return out.sort();
}

/** Every file under `dir`: relative path, mode, size and SHA-256 (and every directory with its mode). */
function snapshotDir(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const entry of readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(d, entry.name);
      const st = statSync(full);
      const rel = path.relative(dir, full);
      if (entry.isDirectory()) {
        out.push(`dir ${rel} ${(st.mode & 0o777).toString(8)}`);
        walk(full);
      } else {
        out.push(`file ${rel} ${(st.mode & 0o777).toString(8)} ${st.size} ${createHash('sha256').update(readFileSync(full)).digest('hex')}`);
      }
    }
  };
  walk(dir);
  return out;
}

/** The public error shape (SPEC 3): {error:{code,message,requestId}}, request id echoed, no stack trace. */
function expectErrorShape(res: HttpsResponse, status: number, code?: string | RegExp): void {
  const context = `${status} expected, got ${res.status}: ${res.text.slice(0, 500)}`;
  expect(res.status, context).toBe(status);
  expect(String(res.headers['content-type']), context).toMatch(/^application\/json/);
  expect(res.body, context).toBeTypeOf('object');
  expect(Object.keys(res.body), context).toEqual(['error']);
  const error = res.body.error;
  expect(
    Object.keys(error)
      .filter((k) => k !== 'details')
      .sort(),
    context,
  ).toEqual(['code', 'message', 'requestId']);
  expect(error.code, context).toMatch(/^[a-z][a-z0-9_]*$/);
  if (code !== undefined) expect(error.code, context).toMatch(code instanceof RegExp ? code : new RegExp(`^${code}$`));
  expect(typeof error.message, context).toBe('string');
  expect(error.message.length, context).toBeGreaterThan(0);
  expect(error.requestId, context).toBe(res.headers['x-request-id']);
  expect(res.text, context).not.toMatch(STACK_TRACE);
  expectSecurityHeaders(res, context);
}

function expectSecurityHeaders(res: HttpsResponse, what: string): void {
  const h = res.headers;
  expect(String(h['strict-transport-security']), what).toMatch(/max-age=\d{7,}/);
  expect(String(h['content-security-policy']), what).toMatch(/frame-ancestors 'none'/);
  expect(String(h['x-content-type-options']), what).toBe('nosniff');
  expect(String(h['x-request-id']), what).toMatch(/^[0-9a-f-]{36}$/);
}

const get = (server: ServerProcess, url: string, token?: string) => httpsJson('GET', `${server.url}${url}`, { token });
const post = (server: ServerProcess, url: string, body: unknown, token?: string) => httpsJson('POST', `${server.url}${url}`, { token, body });
const query = (params: Record<string, string | undefined>) =>
  `?${new URLSearchParams(Object.entries(params).filter((e): e is [string, string] => e[1] !== undefined)).toString()}`;

async function listAll(server: ServerProcess, token: string, limit = 50): Promise<{ items: any[]; statuses: number[] }> {
  const items: any[] = [];
  const statuses: number[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < 1000; page += 1) {
    const res: HttpsResponse = await get(server, `${CONTACTS}${query({ limit: String(limit), ...(cursor ? { cursor } : {}) })}`, token);
    statuses.push(res.status);
    if (res.status !== 200) throw new Error(`listing contacts failed on page ${page}: ${res.status} ${res.text}`);
    items.push(...res.body.items);
    cursor = res.body.nextCursor;
    if (!cursor) break;
  }
  return { items, statuses };
}

/** Signs in with the password over HTTPS (cookies and the CSRF header by hand) and enrols TOTP; returns the base32 secret. */
async function enrolTotp(server: ServerProcess, email: string, password: string, userAgent?: string): Promise<string> {
  const agent: Record<string, string> = userAgent ? { 'user-agent': userAgent } : {};
  const login = await httpsJson('POST', `${server.url}/api/v1/auth/login`, { body: { email, password }, headers: agent });
  expect(login.status, login.text).toBe(200);
  expect(login.body).toMatchObject({ mfaEnrolmentRequired: true });
  const jar = new Map<string, string>();
  for (const line of [login.headers['set-cookie'] ?? []].flat()) {
    const [pair] = line.split(';');
    const at = pair?.indexOf('=') ?? -1;
    if (pair && at > 0) jar.set(pair.slice(0, at), pair.slice(at + 1));
  }
  const headers = {
    ...agent,
    cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; '),
    'x-csrf-token': jar.get('csrf_token') ?? '',
  };
  const start = await httpsJson('POST', `${server.url}/api/v1/me/mfa/totp`, { headers });
  expect(start.status, start.text).toBe(200);
  const secret = String(start.body.secret);
  const confirm = await httpsJson('POST', `${server.url}/api/v1/me/mfa/totp/confirm`, { headers, body: { code: oathtoolCode(secret) } });
  expect(confirm.status, confirm.text).toBe(200);
  expect(confirm.body).toMatchObject({ sessionKind: 'full' });
  return secret;
}

/** Child processes must not outlive the suite when an assertion throws half-way. */
async function stopQuietly(server: ServerProcess | undefined): Promise<void> {
  await server?.stop().catch(() => undefined);
}

beforeAll(() => {
  assertBuilt();
});

// ---- the main flow: one install, one server ---------------------------------------------------

describe(`castellan end to end (${dialect})`, () => {
  let install: E2eInstall;
  let server: ServerProcess;
  let managerA: { email: string; id: string };
  let tokenA: string;
  let tokenRepB: string;
  let tokenManagerB: string;

  beforeAll(async () => {
    // The operator flow as SPEC section 3 tells it: init → user add → token create → serve.
    install = await initInstall({ dialect });
    expect(install.init.stdout).toMatch(/Initialised/);
    managerA = await install.addUser('manager.a@castellan-e2e.test', 'Manager A', ['sales_manager'], 'Team A');
    await install.addUser('rep.b@castellan-e2e.test', 'Rep B', ['sales_rep'], 'Team B');
    await install.addUser('manager.b@castellan-e2e.test', 'Manager B', ['sales_manager'], 'Team B');
    tokenA = await install.createToken(managerA.email, { expiresDays: 30 }); // as the README's first session does
    tokenRepB = await install.createToken('rep.b@castellan-e2e.test');
    tokenManagerB = await install.createToken('manager.b@castellan-e2e.test');
    server = await install.startServer();
  }, 180_000);

  afterAll(async () => {
    await stopQuietly(server);
    await install?.cleanup();
  });

  it('init made the data dir for its own user only; token create prints only the token on stdout', async () => {
    const mode = (file: string) => (statSync(path.join(install.dataDir, file)).mode & 0o777).toString(8);
    expect(mode('.')).toBe('700');
    expect(mode('master.key')).toBe('600');
    expect(mode('tls/key.pem')).toBe('600');
    if (dialect === 'sqlite') expect(mode('castellan.db')).toBe('600');
    expect(tokenA).toMatch(/^[A-Za-z0-9_-]{20,200}$/);
    const health = await get(server, '/healthz');
    expect(health.status).toBe(200);
    expect(health.body).toEqual({ status: 'ok', database: dialect });
  });

  it('creates, reads, searches (email case, phone format, ID number), patches and deletes a contact', async () => {
    const input = {
      name: 'Li Na',
      email: 'Li.Na@Example.COM',
      phone: '13800138000',
      idNumber: '11010519491231002X',
      birthDate: '1990-03-07',
      address: 'Beijing, Chaoyang District, Jianguo Road 1',
    };
    const created = await post(server, CONTACTS, input, tokenA);
    expect(created.status, created.text).toBe(201);
    const c = created.body;
    expect(c).toMatchObject({
      name: input.name,
      email: input.email,
      phone: input.phone,
      idNumber: '1101**********002X', // sales_manager sees the ID number masked
      birthDate: input.birthDate,
      address: input.address,
      accountId: null,
      ownerId: managerA.id,
      maskedFields: ['idNumber'],
    });
    expect(c.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(c.teamId).toMatch(/^[0-9a-f-]{36}$/);

    const read = await get(server, `${CONTACTS}/${c.id}`, tokenA);
    expect(read.status, read.text).toBe(200);
    expect(read.body).toEqual(c);

    // Exact search on encrypted fields, through the blind indexes, with the value written differently.
    const searches: Record<string, string>[] = [
      { email: 'li.na@example.com' },
      { email: 'LI.NA@EXAMPLE.COM' },
      { phone: '+86 138-0013-8000' },
      { phone: '+8613800138000' },
      { phone: '(138) 0013 8000' },
      { idNumber: '11010519491231002X' },
      { idNumber: '110105 19491231 002x' },
      { name: 'li na' },
    ];
    for (const params of searches) {
      const found = await get(server, `${CONTACTS}${query(params)}`, tokenA);
      expect(found.status, `${JSON.stringify(params)}: ${found.text}`).toBe(200);
      expect(
        found.body.items.map((x: { id: string }) => x.id),
        JSON.stringify(params),
      ).toEqual([c.id]);
      expect(found.body.items[0]).toEqual(c);
    }
    for (const params of [{ email: 'li.na@example.org' }, { phone: '13800138001' }, { idNumber: '110105194912310021' }]) {
      const none = await get(server, `${CONTACTS}${query(params)}`, tokenA);
      expect(none.status, none.text).toBe(200);
      expect(none.body.items, JSON.stringify(params)).toEqual([]);
    }

    const patched = await httpsJson('PATCH', `${server.url}${CONTACTS}/${c.id}`, {
      token: tokenA,
      body: { phone: '139 0013 9000', address: 'Shanghai, Pudong, Century Avenue 8' },
    });
    expect(patched.status, patched.text).toBe(200);
    expect(patched.body).toMatchObject({ ...c, phone: '139 0013 9000', address: 'Shanghai, Pudong, Century Avenue 8', updatedAt: expect.any(String) });
    const reread = await get(server, `${CONTACTS}/${c.id}`, tokenA);
    expect(reread.body).toMatchObject({ name: input.name, email: input.email, phone: '139 0013 9000', address: 'Shanghai, Pudong, Century Avenue 8' });
    expect((await get(server, `${CONTACTS}${query({ phone: '13800138000' })}`, tokenA)).body.items).toEqual([]);
    expect((await get(server, `${CONTACTS}${query({ phone: '+8613900139000' })}`, tokenA)).body.items.map((x: { id: string }) => x.id)).toEqual([c.id]);

    const deleted = await httpsJson('DELETE', `${server.url}${CONTACTS}/${c.id}`, { token: tokenA });
    expect(deleted.status, deleted.text).toBe(204);
    expectErrorShape(await get(server, `${CONTACTS}/${c.id}`, tokenA), 404, 'not_found');
    expect((await get(server, `${CONTACTS}${query({ email: input.email })}`, tokenA)).body.items).toEqual([]);
    expectErrorShape(await httpsJson('DELETE', `${server.url}${CONTACTS}/${c.id}`, { token: tokenA }), 404, 'not_found');
  });

  it('keeps team A contacts away from a team B sales rep and a team B manager (404, not listed, not found by search)', async () => {
    const person = uniquePerson();
    const created = await post(server, CONTACTS, person, tokenA);
    expect(created.status, created.text).toBe(201);
    const id: string = created.body.id;

    for (const [who, token] of [
      ['sales_rep of team B', tokenRepB],
      ['sales_manager of team B', tokenManagerB],
    ] as const) {
      expectErrorShape(await get(server, `${CONTACTS}/${id}`, token), 404, 'not_found');
      const listed = await listAll(server, token);
      expect(
        listed.items.map((x) => x.id),
        who,
      ).not.toContain(id);
      for (const params of [{ email: person.email }, { email: person.email.toLowerCase() }, { phone: person.phone }, { name: person.name }]) {
        const found = await get(server, `${CONTACTS}${query(params)}`, token);
        expect(found.status, `${who} ${JSON.stringify(params)}: ${found.text}`).toBe(200);
        expect(found.body.items, `${who} ${JSON.stringify(params)}`).toEqual([]);
      }
      const patch = await httpsJson('PATCH', `${server.url}${CONTACTS}/${id}`, { token, body: { address: 'taken over' } });
      expectErrorShape(patch, 404, 'not_found');
    }
    // The rep has no delete permission at all; the manager of another team does not see the record.
    expectErrorShape(await httpsJson('DELETE', `${server.url}${CONTACTS}/${id}`, { token: tokenRepB }), 403, 'forbidden');
    expectErrorShape(await httpsJson('DELETE', `${server.url}${CONTACTS}/${id}`, { token: tokenManagerB }), 404, 'not_found');
    // Moving a record into team A from team B is refused as well.
    const intoA = await post(server, CONTACTS, { name: 'Sneaky Write', teamId: created.body.teamId }, tokenRepB);
    expect([403, 422], intoA.text).toContain(intoA.status);
    expectErrorShape(intoA, intoA.status);

    // Untouched, and still the owner's.
    const still = await get(server, `${CONTACTS}/${id}`, tokenA);
    expect(still.status).toBe(200);
    expect(still.body).toEqual(created.body);

    // The rep's own contact is visible to the rep, not to team A.
    const own = await post(server, CONTACTS, { name: 'Rep B Own Contact', email: 'own.contact@rep-b.example' }, tokenRepB);
    expect(own.status, own.text).toBe(201);
    expect((await listAll(server, tokenRepB)).items.map((x) => x.id)).toContain(own.body.id);
    expectErrorShape(await get(server, `${CONTACTS}/${own.body.id}`, tokenA), 404, 'not_found');
    expect((await get(server, `${CONTACTS}${query({ email: 'own.contact@rep-b.example' })}`, tokenA)).body.items).toEqual([]);
  });

  it('sets security headers and a request id on every response, success or error', async () => {
    const responses: [string, HttpsResponse][] = [
      ['GET /healthz', await get(server, '/healthz')],
      ['GET /', await get(server, '/')],
      ['GET /api/v1/contacts', await get(server, CONTACTS, tokenA)],
      ['GET /api/v1/contacts (401)', await get(server, CONTACTS)],
      ['GET /nope (404)', await get(server, '/nope')],
      ['GET /api/v1/openapi.json', await get(server, '/api/v1/openapi.json')],
    ];
    const ids = new Set<string>();
    for (const [what, res] of responses) {
      expectSecurityHeaders(res, what);
      ids.add(String(res.headers['x-request-id']));
    }
    expect(ids.size, 'every response has its own request id').toBe(responses.length);
    // A request id chosen by the client is not trusted (it would let a caller forge log correlation).
    const forged = await httpsJson('GET', `${server.url}/healthz`, { headers: { 'x-request-id': 'client-chosen-request-id' } });
    expect(forged.headers['x-request-id']).not.toBe('client-chosen-request-id');
    expect(String(forged.headers['x-request-id'])).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('answers errors in the public shape, never with a stack trace', async () => {
    // 401: no token, a malformed token, a well-formed but unknown token.
    expectErrorShape(await get(server, CONTACTS), 401, 'unauthenticated');
    expectErrorShape(await httpsJson('GET', `${server.url}${CONTACTS}`, { headers: { authorization: 'Bearer nope' } }), 401, 'unauthenticated');
    expectErrorShape(
      await httpsJson('GET', `${server.url}${CONTACTS}`, { headers: { authorization: `Bearer cst_${'0'.repeat(32)}_${'A'.repeat(43)}` } }),
      401,
      'unauthenticated',
    );
    expectErrorShape(await post(server, CONTACTS, { name: 'No Token' }), 401, 'unauthenticated');

    // 400: unknown field (mass assignment), wrong type, malformed JSON, invalid values, bad query.
    const unknown = await post(server, CONTACTS, { name: 'Mass Assignment', id: MISSING_ID }, tokenA);
    expectErrorShape(unknown, 400);
    const unknown2 = await post(server, CONTACTS, { name: 'Mass Assignment', createdAt: '2001-01-01T00:00:00Z', isAdmin: true }, tokenA);
    expectErrorShape(unknown2, 400);
    expectErrorShape(await post(server, CONTACTS, { name: 42 }, tokenA), 400);
    expectErrorShape(await post(server, CONTACTS, { name: ['Li', 'Na'] }, tokenA), 400);
    expectErrorShape(
      await httpsJson('POST', `${server.url}${CONTACTS}`, { token: tokenA, rawBody: '{"name": "Broken', headers: { 'content-type': 'application/json' } }),
      400,
    );
    expectErrorShape(await httpsJson('POST', `${server.url}${CONTACTS}`, { token: tokenA, rawBody: '', headers: { 'content-type': 'application/json' } }), 400);
    const badEmail = await post(server, CONTACTS, { name: 'Bad Email', email: 'not-an-email-qzxv' }, tokenA);
    expectErrorShape(badEmail, 400);
    expect(badEmail.text, 'the rejected value is not echoed').not.toContain('qzxv');
    expectErrorShape(await post(server, CONTACTS, { name: 'Future', birthDate: '2999-01-01' }, tokenA), 400);
    expectErrorShape(await get(server, `${CONTACTS}?limit=abc`, tokenA), 400);
    // Lists sort by plain fields only: a personal field is refused (its order would leak what the ciphertext hides).
    expectErrorShape(await get(server, `${CONTACTS}?sort=name`, tokenA), 422);
    expectErrorShape(await get(server, `${CONTACTS}/not-an-id`, tokenA), 400);
    expectErrorShape(await httpsJson('PATCH', `${server.url}${CONTACTS}/${MISSING_ID}`, { token: tokenA, body: {} }), 400);

    // 404: unknown route, unknown id.
    expectErrorShape(await get(server, '/api/v1/nothing-here', tokenA), 404, 'not_found');
    expectErrorShape(await get(server, '/api/v1/contacts/../../etc/passwd', tokenA), 404);
    expectErrorShape(await get(server, `${CONTACTS}/${MISSING_ID}`, tokenA), 404, 'not_found');
    expectErrorShape(await httpsJson('PATCH', `${server.url}${CONTACTS}/${MISSING_ID}`, { token: tokenA, body: { name: 'Nobody' } }), 404, 'not_found');

    // 413: a 2 MiB body, announced by content-length and sent chunked (the server counts while it reads).
    // The server answers 413 before reading the rest and closes the connection (Fastify sets
    // `connection: close`); now and then the TCP reset of the unread upload reaches the client before
    // the answer does. A reset is a refusal too, so retry until the answer itself can be checked.
    const big = JSON.stringify({ name: 'Big', address: 'x'.repeat(2 * 1024 * 1024) });
    for (const chunked of [false, true]) {
      const resets: string[] = [];
      let tooLarge: HttpsResponse | undefined;
      for (let attempt = 0; attempt < 10 && !tooLarge; attempt += 1) {
        try {
          tooLarge = await rawHttpsRequest('POST', `${server.url}${CONTACTS}`, {
            token: tokenA,
            body: big,
            chunked,
            headers: { 'content-type': 'application/json' },
          });
        } catch (error) {
          const message = String((error as Error).message);
          if (!/EPIPE|ECONNRESET|closed without a complete response/.test(message)) throw error;
          resets.push(message);
        }
      }
      expect(tooLarge, `no answer to a 2 MiB body (chunked: ${chunked}) in 10 tries: ${resets.join('; ')}`).toBeDefined();
      if (tooLarge) expectErrorShape(tooLarge, 413, 'payload_too_large');
    }

    // A cursor that is not one of ours.
    expectErrorShape(await get(server, `${CONTACTS}?cursor=${Buffer.from('1 OR 1=1').toString('base64url')}`, tokenA), 400);

    // Nothing of the above was written.
    const all = await listAll(server, tokenA);
    expect(all.items.map((x) => x.name)).not.toContain('Mass Assignment');
    expect(all.items.map((x) => x.name)).not.toContain('Big');
    expect(all.items.map((x) => x.name)).not.toContain('Bad Email');

    // Still serving after all that.
    expect((await get(server, '/healthz')).status).toBe(200);
  });

  it('speaks TLS 1.2 and 1.3 and refuses TLS 1.1', async () => {
    const connect = (min: tls.SecureVersion, max: tls.SecureVersion, port: number) =>
      new Promise<{ ok: true; protocol: string | null } | { ok: false; code: string | undefined }>((resolve) => {
        const socket = tls.connect(
          // SECLEVEL=0 lets OpenSSL 3 offer TLS 1.1 at all, so a refusal is the server's, not the client's.
          { host: '127.0.0.1', port, servername: 'localhost', minVersion: min, maxVersion: max, rejectUnauthorized: false, ciphers: 'DEFAULT:@SECLEVEL=0' },
          () => {
            resolve({ ok: true, protocol: socket.getProtocol() });
            socket.end();
          },
        );
        socket.setTimeout(10_000, () => socket.destroy(new Error('timeout')));
        socket.on('error', (error: NodeJS.ErrnoException) => resolve({ ok: false, code: error.code ?? error.message }));
      });

    // Control: this client really can speak TLS 1.1 to a server that allows it.
    const legacy = tls.createServer(
      {
        key: readFileSync(path.join(install.dataDir, 'tls', 'key.pem')),
        cert: readFileSync(path.join(install.dataDir, 'tls', 'cert.pem')),
        minVersion: 'TLSv1',
        ciphers: 'DEFAULT:@SECLEVEL=0',
      },
      (socket) => socket.end(),
    );
    await new Promise<void>((resolve) => legacy.listen(0, '127.0.0.1', resolve));
    try {
      const address = legacy.address();
      const control = await connect('TLSv1.1', 'TLSv1.1', typeof address === 'object' && address ? address.port : 0);
      expect(control).toEqual({ ok: true, protocol: 'TLSv1.1' });
    } finally {
      legacy.close();
    }

    const v11 = await connect('TLSv1.1', 'TLSv1.1', server.port);
    expect(v11.ok, 'TLS 1.1 must be refused').toBe(false);
    expect(v11).toMatchObject({ code: 'ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION' });
    expect((await connect('TLSv1', 'TLSv1', server.port)).ok, 'TLS 1.0 must be refused').toBe(false);
    expect(await connect('TLSv1.2', 'TLSv1.2', server.port)).toEqual({ ok: true, protocol: 'TLSv1.2' });
    expect(await connect('TLSv1.3', 'TLSv1.3', server.port)).toEqual({ ok: true, protocol: 'TLSv1.3' });
  });

  it('publishes an OpenAPI 3.1 document without credentials', async () => {
    const doc = await get(server, '/api/v1/openapi.json');
    expect(doc.status, doc.text).toBe(200);
    expect(String(doc.headers['content-type'])).toMatch(/^application\/json/);
    expect(doc.body.openapi).toMatch(/^3\.1\./);
    expect(Object.keys(doc.body.paths)).toContain('/api/v1/contacts');
    expect(Object.keys(doc.body.paths['/api/v1/contacts'])).toEqual(expect.arrayContaining(['get', 'post']));
    expect(Object.keys(doc.body.paths['/api/v1/contacts/{id}'] ?? {})).toEqual(expect.arrayContaining(['get', 'patch', 'delete']));
    // Generated from the schemas that validate requests: the create body is strict and knows the fields.
    const body = doc.body.paths['/api/v1/contacts'].post.requestBody?.content?.['application/json']?.schema;
    expect(body, 'POST /api/v1/contacts documents its body').toBeTruthy();
    expect(Object.keys(body.properties ?? {})).toEqual(expect.arrayContaining(['name', 'email', 'phone', 'idNumber', 'birthDate', 'address']));
    expect(body.additionalProperties).toBe(false);
  });
});

// ---- the CLI refuses what it must -------------------------------------------------------------

describe(`castellan CLI refusals (${dialect})`, () => {
  let install: E2eInstall;
  let token: string;
  let contactId: string;

  beforeAll(async () => {
    install = await initInstall({ dialect });
    const manager = await install.addUser('refusals.manager@castellan-e2e.test', 'Refusals Manager', ['sales_manager'], 'Team R');
    token = await install.createToken(manager.email);
    const server = await install.startServer();
    try {
      const created = await post(server, CONTACTS, { name: 'Kept Safe', email: 'kept.safe@example.org' }, token);
      expect(created.status, created.text).toBe(201);
      contactId = created.body.id;
    } finally {
      const exit = await server.stop();
      expect(exit.forced, `serve did not exit on SIGTERM:\n${server.output()}`).toBe(false);
      expect(exit.code, server.output()).toBe(0);
    }
  }, 180_000);

  afterAll(async () => {
    await install?.cleanup();
  });

  async function expectStillServes(): Promise<void> {
    const server = await install.startServer();
    try {
      const read = await get(server, `${CONTACTS}/${contactId}`, token);
      expect(read.status, read.text).toBe(200);
      expect(read.body).toMatchObject({ id: contactId, name: 'Kept Safe', email: 'kept.safe@example.org' });
    } finally {
      await server.stop();
    }
  }

  it('`castellan init` on an existing data directory exits non-zero and changes nothing', async () => {
    const before = snapshotDir(install.dataDir);
    expect(before.some((line) => line.startsWith('file master.key 600 '))).toBe(true);
    const otherPassword = install.secretFile('other-admin-password.txt', 'another admin password 12345');
    for (const args of [
      ['init', '--admin-email', 'intruder@castellan-e2e.test', '--admin-password-file', otherPassword],
      ['init', '--admin-email', 'intruder@castellan-e2e.test'],
      ['init', '--admin-email', 'intruder@castellan-e2e.test', '--suite', 'gm'],
    ]) {
      const result = await install.cli(args);
      expect(result.timedOut).toBe(false);
      expect(result.code, `${args.join(' ')}\n${result.stdout}\n${result.stderr}`).not.toBe(0);
      expect(result.stderr).toMatch(/refusing to overwrite|not empty|already/i);
      expect(result.stderr).not.toMatch(STACK_TRACE);
      expect(result.stdout).not.toMatch(/One-time password/i);
      expect(snapshotDir(install.dataDir)).toEqual(before);
    }

    if (install.dialect === 'postgres') {
      // A fresh data directory pointed at the installed database is refused as well, before it creates anything.
      const freshDir = path.join(install.root, 'fresh-data');
      const result = await install.cli(['init', '--admin-email', 'intruder@castellan-e2e.test', '--admin-password-file', otherPassword], {
        CASTELLAN_DATA_DIR: freshDir,
      });
      expect(result.code, result.stderr).not.toBe(0);
      expect(result.stderr).toMatch(/refusing to overwrite|already/i);
      expect(readdirSync(install.root)).not.toContain('fresh-data');
    }
    expect(snapshotDir(install.dataDir)).toEqual(before);
    await expectStillServes();
  });

  it('CLI verbs report operator mistakes in one line, without a stack trace', async () => {
    const password = install.secretFile('mistakes-password.txt', 'a password for mistakes 12345');
    const cases: [string[], RegExp][] = [
      [['token', 'create', '--user', 'nobody@castellan-e2e.test'], /no user/i],
      [['user', 'add', '--email', 'x@castellan-e2e.test', '--name', 'X', '--role', 'emperor', '--password-file', password], /role|emperor/i],
      [
        ['user', 'add', '--email', 'y@castellan-e2e.test', '--name', 'Y', '--role', 'sales_rep', '--password-file', path.join(install.root, 'missing.txt')],
        /password/i,
      ],
      [
        ['user', 'add', '--email', 'refusals.manager@castellan-e2e.test', '--name', 'Dup', '--role', 'sales_rep', '--password-file', password],
        /exist|already|taken|duplicate/i,
      ],
    ];
    for (const [args, message] of cases) {
      const result = await install.cli(args);
      const context = `${args.join(' ')}\nstdout: ${result.stdout}\nstderr: ${result.stderr}`;
      expect(result.code, context).not.toBe(0);
      expect(result.stderr, context).toMatch(message);
      expect(result.stderr, context).not.toMatch(STACK_TRACE);
    }
  });

  it('a bad configuration value stops `serve` with a message naming the variable', async () => {
    const port = String(await freePort());
    const cases: [Record<string, string>, string | RegExp][] = [
      [{ CASTELLAN_PORT: 'abc' }, 'CASTELLAN_PORT'],
      [{ CASTELLAN_PORT: '70000' }, 'CASTELLAN_PORT'],
      [{ CASTELLAN_MASTER_KEY_PROVIDER: 'nope' }, 'CASTELLAN_MASTER_KEY_PROVIDER'],
      [{ CASTELLAN_MASTER_KEY_PROVIDER: 'env', CASTELLAN_PORT: port }, /CASTELLAN_MASTER_KEY(?!_)/],
      [{ CASTELLAN_LOG_LEVEL: 'loud', CASTELLAN_PORT: port }, 'CASTELLAN_LOG_LEVEL'],
      [{ CASTELLAN_BODY_LIMIT: '-5', CASTELLAN_PORT: port }, 'CASTELLAN_BODY_LIMIT'],
      [{ CASTELLAN_DATABASE_URL: 'mysql://db/castellan', CASTELLAN_PORT: port }, 'CASTELLAN_DATABASE_URL'],
    ];
    for (const [settings, variable] of cases) {
      const result = await install.cli(['serve'], settings, { timeoutMs: 30_000 });
      const context = `${JSON.stringify(settings)}\nstdout: ${result.stdout}\nstderr: ${result.stderr}`;
      expect(result.timedOut, `serve started instead of refusing: ${context}`).toBe(false);
      expect(result.code, context).not.toBe(0);
      expect(result.stderr, context).toMatch(variable);
      expect(result.stderr, context).not.toMatch(STACK_TRACE);
    }
    // The flag goes through the same validation.
    const flag = await install.cli(['serve', '--port', 'abc'], {}, { timeoutMs: 30_000 });
    expect(flag.timedOut).toBe(false);
    expect(flag.code).not.toBe(0);
    expect(flag.stderr).toMatch(/CASTELLAN_PORT|--port/);
  });

  it('a wrong master key makes `serve` refuse to start, saying the master key is wrong', async () => {
    const keyFile = path.join(install.dataDir, 'master.key');
    const backup = path.join(install.root, 'master.key.backup');
    copyFileSync(keyFile, backup);
    const otherKey = randomBytes(32).toString('base64');
    try {
      writeFileSync(keyFile, `castellan-master-key-v1\n${otherKey}\n`, { mode: 0o600 });
      chmodSync(keyFile, 0o600);
      const port = String(await freePort());
      const result = await install.cli(['serve', '--port', port], {}, { timeoutMs: 30_000 });
      const context = `stdout: ${result.stdout}\nstderr: ${result.stderr}`;
      expect(result.timedOut, `serve started with the wrong master key: ${context}`).toBe(false);
      expect(result.code, context).not.toBe(0);
      expect(result.stderr, context).toMatch(/master key/i);
      expect(result.stderr, context).toMatch(/wrong/i);
      expect(result.stderr + result.stdout, 'the key is never echoed').not.toContain(otherKey);
      expect(result.stderr, context).not.toMatch(STACK_TRACE);

      // The same with the env provider.
      const viaEnv = await install.cli(
        ['serve', '--port', port],
        { CASTELLAN_MASTER_KEY_PROVIDER: 'env', CASTELLAN_MASTER_KEY: otherKey },
        { timeoutMs: 30_000 },
      );
      expect(viaEnv.timedOut).toBe(false);
      expect(viaEnv.code, viaEnv.stderr).not.toBe(0);
      expect(viaEnv.stderr).toMatch(/master key/i);
      expect(viaEnv.stderr).toMatch(/wrong/i);
      expect(viaEnv.stderr + viaEnv.stdout).not.toContain(otherKey);

      // A key file others can read is refused too.
      copyFileSync(backup, keyFile);
      chmodSync(keyFile, 0o644);
      const loose = await install.cli(['serve', '--port', port], {}, { timeoutMs: 30_000 });
      expect(loose.timedOut).toBe(false);
      expect(loose.code, loose.stderr).not.toBe(0);
      expect(loose.stderr).toMatch(/master key/i);
    } finally {
      copyFileSync(backup, keyFile);
      chmodSync(keyFile, 0o600);
    }
    // With the right key back, everything is as it was.
    await expectStillServes();
  });
});

// ---- no plaintext personal value at rest or in a log ----------------------------------------------

describe(`no plaintext personal data at rest or in logs (${dialect})`, () => {
  let install: E2eInstall;
  let server: ServerProcess | undefined;

  beforeAll(async () => {
    // The most verbose log level: a debug or trace line that carried a personal value would show up here.
    install = await initInstall({ dialect, env: { CASTELLAN_LOG_LEVEL: 'trace' } });
  }, 120_000);

  afterAll(async () => {
    await stopQuietly(server);
    await install?.cleanup();
  });

  it('values sent through the API appear in no column, no file of the data dir, no log and no file the run left behind', async () => {
    // Staff are personal data too: a name and an address unique to this run, and a TOTP secret.
    const staff = { email: `${letters(9)}.${letters(7)}@castellan-e2e.test`, name: `${cap(letters(8))} ${cap(letters(9))}` };
    const manager = await install.addUser(staff.email, staff.name, ['sales_manager'], 'Team P');
    const token = await install.createToken(manager.email);
    server = await install.startServer();
    // The staff member's browser is personal data too: its user agent is kept only sealed (sessions.client_enc).
    const staffAgent = `Mozilla/5.0 (X11; Linux x86_64) ${cap(letters(10))}-Workstation`;
    const totpSecret = await enrolTotp(server, staff.email, E2E_USER_PASSWORD, staffAgent);
    const totpBytes = Buffer.from(Secret.fromBase32(totpSecret).bytes);
    expect(totpBytes.length).toBeGreaterThanOrEqual(16);

    const people = [uniquePerson(), uniquePerson(), uniquePerson(true), uniquePerson(true)];
    const replaced = uniquePerson();
    const rejected = { phone: `call-me-${letters(10)}`, email: `bad-${letters(10)}` };
    const ids: string[] = [];
    for (const person of people) {
      const created = await post(server, CONTACTS, person, token);
      expect(created.status, created.text).toBe(201);
      ids.push(created.body.id);
    }
    // Reads and searches (values in query strings) must not leak into the log either.
    for (const [i, person] of people.entries()) {
      expect((await get(server, `${CONTACTS}/${ids[i]}`, token)).body.email).toBe(person.email);
      for (const params of [
        { email: person.email.toUpperCase() },
        { phone: `+86 ${person.phone}` },
        { idNumber: person.idNumber.toLowerCase() },
        { name: person.name },
      ]) {
        const found = await get(server, `${CONTACTS}${query(params)}`, token);
        expect(
          found.body.items.map((x: { id: string }) => x.id),
          JSON.stringify(params),
        ).toEqual([ids[i]]);
      }
    }
    // An update replaces values; the old ones must be gone from the file as well.
    const patched = await httpsJson('PATCH', `${server.url}${CONTACTS}/${ids[0]}`, {
      token,
      body: { email: replaced.email, address: replaced.address, phone: replaced.phone },
    });
    expect(patched.status, patched.text).toBe(200);
    // Rejected input is not echoed back, nor logged.
    for (const bad of [
      { name: 'Rejected', phone: rejected.phone },
      { name: 'Rejected', email: rejected.email },
    ]) {
      const res = await post(server, CONTACTS, bad, token);
      expectErrorShape(res, 400);
      expect(res.text).not.toContain(Object.values(bad)[1]);
    }
    // A deleted contact leaves nothing readable either.
    expect((await httpsJson('DELETE', `${server.url}${CONTACTS}/${ids[3]}`, { token })).status).toBe(204);

    const staffNeedles = [...needlesOf({ name: staff.name }), staff.email, staff.email.split('@')[0] ?? '', E2E_ADMIN_EMAIL];
    const needles: Needle[] = [
      ...new Set([...people.flatMap(needlesOf), ...needlesOf(replaced), rejected.phone, rejected.email, ...staffNeedles, totpSecret, staffAgent]),
      totpBytes,
    ];
    expect(needles.length).toBeGreaterThan(40);
    const leaks: string[] = [];

    // While the server runs: the SQLite file, its WAL and shared-memory file hold the freshly written pages.
    if (install.dialect === 'sqlite') {
      const live = listFiles(install.dataDir);
      expect(live.map((f) => path.basename(f))).toEqual(expect.arrayContaining(['castellan.db', 'castellan.db-wal']));
      for (const file of live) leaks.push(...findNeedles(readFileSync(file), needles, `${path.relative(install.root, file)} (server running)`));
    }

    const exit = await server.stop();
    expect(exit.forced, `serve did not exit on SIGTERM:\n${server.output()}`).toBe(false);
    expect(exit.code).toBe(0);

    // The log output, and every CLI output of the run.
    const log = server.output();
    expect(log).toMatch(/request completed|incoming request/);
    leaks.push(...findNeedles(Buffer.from(log, 'utf8'), needles, 'server log output'));
    // The CLI may echo what the operator typed (init and token create name the staff address); nothing else.
    const typedByOperator = new Set<Needle>(staffNeedles);
    const cliNeedles = needles.filter((n) => !typedByOperator.has(n));
    for (const [i, out] of install.cliOutputs.entries())
      leaks.push(...findNeedles(Buffer.from(out.stdout + out.stderr, 'utf8'), cliNeedles, `CLI output #${i}`));

    // Every file the run left in its temp dir: database (+ -wal, -shm, -journal), keys, certificates, logs.
    const files = listFiles(install.root);
    if (install.dialect === 'sqlite') expect(files.map((f) => path.basename(f))).toContain('castellan.db');
    for (const file of files) leaks.push(...findNeedles(readFileSync(file), needles, path.relative(install.root, file)));

    // Every column of every table, asked of the database itself (both dialects; PostgreSQL as the owner,
    // which can read every table): text case-insensitively, blob / bytea as bytes. It fails, rather than
    // passing, if it cannot read a table (test/medium/plaintext-search.test.ts plants values to prove it finds them).
    const search = await searchDatabase(
      install.dialect === 'sqlite'
        ? { dialect: 'sqlite', file: path.join(install.dataDir, 'castellan.db') }
        : { dialect: 'postgres', url: install.env.CASTELLAN_DATABASE_OWNER_URL ?? '' },
      needles,
    );
    expect(search.columns).toEqual(
      expect.arrayContaining(['contacts.email_enc', 'contacts.address_enc', 'users.email_enc', 'users.name_enc', 'users.totp_secret_enc']),
    );
    leaks.push(...search.hits.map((hit) => `${hit} (SQL search of the ${install.dialect} database)`));

    // Sanity: the scan does find a value where one is (so a clean result means something).
    expect(findNeedles(Buffer.from(`xx${people[0]?.email.toUpperCase()}xx`), needles, 'probe').length).toBeGreaterThan(0);
    expect(findNeedles(Buffer.concat([Buffer.from('xx'), totpBytes]), needles, 'probe').length).toBeGreaterThan(0);
    expect(leaks, 'plaintext personal values found').toEqual([]);

    // And the server still reads everything back after the restart.
    server = await install.startServer();
    const after = await get(server, `${CONTACTS}/${ids[1]}`, token);
    expect(after.body).toMatchObject({ name: people[1]?.name, email: people[1]?.email, phone: people[1]?.phone, address: people[1]?.address });
    const patchedBack = await get(server, `${CONTACTS}/${ids[0]}`, token);
    expect(patchedBack.body).toMatchObject({ email: replaced.email, address: replaced.address, phone: replaced.phone });
    await server.stop();
  }, 180_000);
});

// ---- kill -9 in the middle of a bulk write -------------------------------------------------------

describe(`kill -9 during a bulk write (${dialect})`, () => {
  let install: E2eInstall;
  let server: ServerProcess | undefined;

  beforeAll(async () => {
    install = await initInstall({ dialect });
  }, 120_000);

  afterAll(async () => {
    await stopQuietly(server);
    await install?.cleanup();
  });

  it('every acknowledged contact survives, none is half-written, and the list pages through cleanly', async () => {
    const manager = await install.addUser('crash.manager@castellan-e2e.test', 'Crash Manager', ['sales_manager'], 'Team K');
    const token = await install.createToken(manager.email);
    server = await install.startServer();

    const total = 200;
    const killAfter = 60;
    const inputs: ContactInput[] = Array.from({ length: total }, (_, i) => ({
      ...uniquePerson(i % 4 === 0),
      name: `Crash Person ${String(i).padStart(3, '0')} ${cap(letters(6))}`,
    }));
    const byName = new Map(inputs.map((p) => [p.name, p]));
    const acknowledged: { input: ContactInput; view: any }[] = [];
    let killed: Promise<unknown> | undefined;
    const victim = server;

    const results = await Promise.allSettled(
      inputs.map(async (input) => {
        const res = await post(victim, CONTACTS, input, token);
        if (res.status === 201) {
          acknowledged.push({ input, view: res.body });
          if (acknowledged.length === killAfter) killed = victim.kill9();
        } else if (res.status >= 400) {
          throw new Error(`POST answered ${res.status}: ${res.text}`);
        }
        return res.status;
      }),
    );
    await killed;
    const exit = await victim.exited;
    expect(exit.signal, 'the server was killed with SIGKILL').toBe('SIGKILL');
    const errors = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected').map((r) => String(r.reason?.message ?? r.reason));
    // Requests cut off by the kill fail at the socket, never with an HTTP error status.
    expect(errors.filter((e) => /answered/.test(e))).toEqual([]);
    expect(acknowledged.length).toBeGreaterThanOrEqual(killAfter);
    expect(acknowledged.length, 'the kill came in the middle of the writes').toBeLessThan(total);

    // Restart on the same data: no repair step, no operator action.
    server = await install.startServer();
    expect((await get(server, '/healthz')).status).toBe(200);

    for (const { input, view } of acknowledged) {
      const read = await get(server, `${CONTACTS}/${view.id}`, token);
      expect(read.status, `acknowledged contact ${view.id} (${input.name}): ${read.text}`).toBe(200);
      expect(read.body).toEqual(view);
      expect(read.body).toMatchObject({ name: input.name, email: input.email, phone: input.phone, birthDate: input.birthDate, address: input.address });
    }

    const { items, statuses } = await listAll(server, token, 37);
    expect(statuses.every((s) => s === 200)).toBe(true);
    const listedIds = items.map((x) => x.id);
    expect(new Set(listedIds).size, 'no record listed twice').toBe(listedIds.length);
    expect(listedIds).toEqual(expect.arrayContaining(acknowledged.map((a) => a.view.id)));
    expect(items.length).toBeLessThanOrEqual(total);
    // Whatever committed without an answer is complete: every value is the one that was sent.
    for (const item of items) {
      const input = byName.get(item.name);
      expect(input, `a listed contact matches a request: ${JSON.stringify(item)}`).toBeDefined();
      expect(item).toMatchObject({
        email: input?.email,
        phone: input?.phone,
        birthDate: input?.birthDate,
        address: input?.address,
        maskedFields: ['idNumber'],
      });
    }
    // The blind indexes survived as well.
    const sample = acknowledged[acknowledged.length - 1];
    const found = await get(server, `${CONTACTS}${query({ email: sample?.input.email.toLowerCase() ?? '' })}`, token);
    expect(found.body.items.map((x: { id: string }) => x.id)).toEqual([sample?.view.id]);
    expect(server.output()).not.toMatch(/integrity/i);

    // And it keeps taking writes.
    const after = await post(server, CONTACTS, uniquePerson(), token);
    expect(after.status, after.text).toBe(201);
    const exit2 = await server.stop();
    expect(exit2.forced).toBe(false);

    // A change and its audit event are one transaction: every contact that exists has its
    // record.created event, and the trail the kill cut through still verifies.
    const exported = await install.cliOk(['audit', 'export', '--format', 'jsonl']);
    const createdIds = new Set(
      exported.stdout
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as { action: string; resource_id: string | null })
        .filter((e) => e.action === 'record.created')
        .map((e) => e.resource_id),
    );
    for (const id of [...listedIds, after.body.id]) expect(createdIds.has(id), `record.created event of ${id}`).toBe(true);
    const verified = await install.cli(['audit', 'verify']);
    expect(verified.code, verified.stdout).toBe(0);
  }, 240_000);
});
