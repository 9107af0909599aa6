import type { FastifyInstance } from 'fastify';
import { expect, vi } from 'vitest';
import { Client } from './cookie-client.js';
import { oathtoolCode } from './totp-codes.js';

/** Moves the (faked) clock to the next TOTP step: each code is usable once. */
export const nextTotpStep = (): void => {
  vi.setSystemTime(new Date(Date.now() + 61_000));
};

/**
 * Full sessions for tests (needs `vi.useFakeTimers({ toFake: ['Date'] })`): password, then TOTP
 * enrolment the first time a user signs in, a TOTP code from oathtool after that.
 */
export class TotpSessions {
  readonly secrets = new Map<string, string>();
  constructor(private readonly app: FastifyInstance) {}

  async fullSession(email: string, password: string): Promise<Client> {
    const client = new Client(this.app);
    nextTotpStep();
    const login = await client.call('POST', '/api/v1/auth/login', { email, password });
    expect(login.statusCode, login.body).toBe(200);
    if (login.json().mfaRequired) {
      const done = await client.call('POST', '/api/v1/auth/mfa', { challengeId: login.json().challengeId, code: oathtoolCode(this.secrets.get(email) ?? '') });
      expect(done.statusCode, done.body).toBe(200);
      return client;
    }
    const start = await client.call('POST', '/api/v1/me/mfa/totp');
    this.secrets.set(email, start.json().secret);
    const confirm = await client.call('POST', '/api/v1/me/mfa/totp/confirm', { code: oathtoolCode(start.json().secret) });
    expect(confirm.json().sessionKind).toBe('full');
    return client;
  }
}
