import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/http/build-app.js';
import { loggerOptions } from '../../src/http/logger-options.js';
import { auditPseudonym } from '../../src/platform/audit/audit-personal-details.js';
import { addUser, createTestInstall, type TestInstall, tokenFor } from '../helpers/test-install.js';

/** Request logs carry no personal value: no query string, no body, and the client address only as a keyed pseudonym. */
describe('request logs', () => {
  let install: TestInstall;
  const lines: string[] = [];
  let app: Awaited<ReturnType<typeof buildApp>>;

  beforeAll(async () => {
    install = await createTestInstall('sqlite');
    const stream = new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk));
        done();
      },
    });
    app = await buildApp(install.kernel, {
      logger: { ...(loggerOptions('info', (ip) => auditPseudonym(install.kernel.keyring, 'ip', ip)) as object), stream },
    });
    await app.ready();
  });
  afterAll(async () => {
    await app?.close();
    await install?.cleanup();
  });

  it('shows a client address as the audit trail’s pseudonym, never as itself', async () => {
    const manager = await addUser(install.kernel, ['sales_manager'], 'Log Team');
    const token = await tokenFor(install.kernel, manager);
    const res = await app.inject({
      method: 'GET',
      url: '/api/v1/contacts?email=logged.person%40example.com',
      remoteAddress: '203.0.113.77',
      headers: { authorization: `Bearer ${token}`, 'user-agent': 'LogProbe/9.9' },
    });
    expect(res.statusCode).toBe(200);
    const log = lines.join('');
    expect(log).toContain('/api/v1/contacts');
    for (const personal of ['203.0.113.77', 'logged.person', 'LogProbe', token]) expect(log).not.toContain(personal);
    expect(log).toContain(auditPseudonym(install.kernel.keyring, 'ip', '203.0.113.77'));
  });

  it('never shows the token of an access package link', async () => {
    const officer = await addUser(install.kernel, ['privacy_officer']);
    const token = await tokenFor(install.kernel, officer);
    const link = 'Zk3vQ9sT1uW2xY4zA5bC6dE7fG8hJ9kL0mN1pQ2rS3t';
    const res = await app.inject({ method: 'GET', url: `/api/v1/access-packages/${link}`, headers: { authorization: `Bearer ${token}` } });
    expect(res.statusCode).toBe(404);
    const log = lines.join('');
    expect(log).toContain('/api/v1/access-packages/[redacted]');
    expect(log).not.toContain(link);
  });
});
