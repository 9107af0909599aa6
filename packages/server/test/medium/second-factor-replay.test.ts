/**
 * One valid code, sent several times at once: exactly one use succeeds (SPEC 2.3: each TOTP code and
 * each recovery code is usable once). TOTP is guarded by a compare-and-set on the last used step,
 * recovery codes by a conditional UPDATE on `used_at`.
 *
 * On PostgreSQL the requests are lined up (helpers/lock-step.ts): all of them have read the code as
 * unused before any may write, so a guard that reads and then writes unconditionally lets every one
 * through — checked by removing the conditions: all four tests fail. SQLite's driver is synchronous,
 * so there the parallel requests run one after another; the tests still hold them to exactly one.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildApp } from '../../src/http/build-app.js';
import { Client } from '../helpers/cookie-client.js';
import { testDialects } from '../helpers/databases.js';
import { inLockStep } from '../helpers/lock-step.js';
import { addUser, createTestInstall, type TestInstall, USER_PASSWORD } from '../helpers/test-install.js';
import { oathtoolCode } from '../helpers/totp-codes.js';
import { nextTotpStep } from '../helpers/totp-sessions.js';

type App = Awaited<ReturnType<typeof buildApp>>;
/** Five at once: within the free failures of the user's counter, so every one is checked. */
const PARALLEL = 5;
const refused = (answers: { statusCode: number }[]) => answers.filter((a) => a.statusCode === 401).length;

describe.each(testDialects)('one code, used in parallel, on %s', (dialect) => {
  let install: TestInstall;
  let app: App;

  beforeAll(async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    install = await createTestInstall(dialect);
    app = await buildApp(install.kernel, { logger: false });
    await app.ready();
  });
  afterAll(async () => {
    vi.useRealTimers();
    await app?.close();
    await install?.cleanup();
  });

  /** A fresh user (each test its own: replays are failures on the user's counter) with TOTP and recovery codes. */
  async function enrolled() {
    const user = await addUser(install.kernel, ['service_agent'], 'Replay');
    const client = new Client(app);
    await client.call('POST', '/api/v1/auth/login', { email: user.email, password: USER_PASSWORD });
    const secret: string = (await client.call('POST', '/api/v1/me/mfa/totp')).json().secret;
    const confirm = await client.call('POST', '/api/v1/me/mfa/totp/confirm', { code: oathtoolCode(secret) });
    expect(confirm.statusCode).toBe(200);
    return { user, client, secret, recoveryCodes: confirm.json().recoveryCodes as string[] };
  }

  let address = 0;
  const fromNewAddress = () => {
    address += 1;
    return `10.20.${address >> 8}.${address & 255}`;
  };
  const challenges = async (email: string, count: number) => {
    const ids: string[] = [];
    for (let i = 0; i < count; i++) ids.push((await new Client(app).call('POST', '/api/v1/auth/login', { email, password: USER_PASSWORD })).json().challengeId);
    return ids;
  };
  /** Runs the parallel requests; on PostgreSQL lined up at the write of `table`. */
  const atOnce = <T>(table: 'users' | 'recovery_codes', userId: string, requests: () => Promise<T>): Promise<T> =>
    dialect === 'postgres'
      ? inLockStep(
          install.env.CASTELLAN_DATABASE_URL ?? '',
          { table, where: table === 'users' ? 'id = $1' : 'user_id = $1', params: [userId] },
          PARALLEL,
          requests,
        )
      : requests();
  const successes = (answers: { statusCode: number }[]) => answers.filter((a) => a.statusCode === 200).length;

  it('at sign-in: the same TOTP code on five challenges at once signs in once', async () => {
    const { user, secret } = await enrolled();
    const ids = await challenges(user.email, PARALLEL);
    nextTotpStep();
    const code = oathtoolCode(secret);
    const answers = await atOnce('users', user.id, () =>
      Promise.all(
        ids.map((challengeId) => app.inject({ method: 'POST', url: '/api/v1/auth/mfa', payload: { challengeId, code }, remoteAddress: fromNewAddress() })),
      ),
    );
    expect(successes(answers)).toBe(1);
    expect(refused(answers)).toBe(PARALLEL - 1);
  });

  it('at sign-in: the same recovery code on five challenges at once signs in once', async () => {
    const { user, recoveryCodes } = await enrolled();
    const ids = await challenges(user.email, PARALLEL);
    const code = recoveryCodes[0] ?? '';
    const answers = await atOnce('recovery_codes', user.id, () =>
      Promise.all(
        ids.map((challengeId) => app.inject({ method: 'POST', url: '/api/v1/auth/mfa', payload: { challengeId, code }, remoteAddress: fromNewAddress() })),
      ),
    );
    expect(successes(answers)).toBe(1);
    expect(refused(answers)).toBe(PARALLEL - 1);
    const left = await install.kernel.db.kysely
      .selectFrom('recovery_codes')
      .select('code_hash')
      .where('user_id', '=', user.id)
      .where('used_at', 'is', null)
      .execute();
    expect(left).toHaveLength(recoveryCodes.length - 1);
  });

  it('at step-up: the same TOTP code five times at once steps up once', async () => {
    const { user, client, secret } = await enrolled();
    nextTotpStep();
    const code = oathtoolCode(secret);
    const answers = await atOnce('users', user.id, () =>
      Promise.all(Array.from({ length: PARALLEL }, () => client.call('POST', '/api/v1/auth/step-up', { code }, {}, fromNewAddress()))),
    );
    expect(successes(answers)).toBe(1);
    expect(refused(answers)).toBe(PARALLEL - 1);
  });

  it('at step-up: the same recovery code five times at once steps up once', async () => {
    const { user, client, recoveryCodes } = await enrolled();
    const code = recoveryCodes[1] ?? '';
    const answers = await atOnce('recovery_codes', user.id, () =>
      Promise.all(Array.from({ length: PARALLEL }, () => client.call('POST', '/api/v1/auth/step-up', { code }, {}, fromNewAddress()))),
    );
    expect(successes(answers)).toBe(1);
    const events = await install.kernel.db.kysely
      .selectFrom('audit_events')
      .select(['outcome'])
      .where('action', '=', 'auth.step_up')
      .where('actor_id', '=', user.id)
      .execute();
    expect(events.filter((e) => e.outcome === 'success')).toHaveLength(1);
    expect(refused(answers)).toBe(PARALLEL - 1);
  });
});
