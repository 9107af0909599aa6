/**
 * kill -9 during `castellan keys rotate`: no committed row is lost, old data still reads, and the
 * rotation resumes — here finished by a running server's background worker once the lease lapses.
 * A staff member's TOTP factor and recovery codes still work afterwards (they are sealed under the
 * same per-person keys, and a rotation that forgot them once made every TOTP sign-in answer 500).
 */
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { e2eDialect } from '../helpers/databases.js';
import { HttpsSession } from '../helpers/https-session.js';
import { CLI_MAIN, childEnv, E2E_USER_PASSWORD, type E2eInstall, httpsJson, initInstall } from '../helpers/server-process.js';
import { oathtoolCode } from '../helpers/totp-codes.js';

const COUNT = 240;

describe(`key rotation killed mid-way (${e2eDialect})`, () => {
  let install: E2eInstall;
  let token: string;
  const created = new Map<string, string>();
  let totpSecret: string;
  let recoveryCodes: string[];
  const agentEmail = 'agent.rotation@example.com';

  beforeAll(async () => {
    install = await initInstall({ dialect: e2eDialect, env: { CASTELLAN_ROTATION_BATCH: '4', CASTELLAN_ROTATION_LEASE_SECONDS: '1' } });
    const user = await install.addUser('rotator@example.com', 'Ro Tator', ['sales_manager'], 'Rotation Team');
    token = await install.createToken(user.email);
    const server = await install.startServer();
    for (let i = 0; i < COUNT; i++) {
      const email = `rotated${i}@example.org`;
      const res = await httpsJson('POST', `${server.url}/api/v1/contacts`, {
        headers: { authorization: `Bearer ${token}` },
        body: { name: `Rotated ${i}`, email },
      });
      expect(res.status).toBe(201);
      created.set(String(res.body.id), email);
    }
    await install.addUser(agentEmail, 'Agent Rotation', ['service_agent'], 'Rotation Team');
    const agent = new HttpsSession(server.url);
    expect((await agent.call('POST', '/api/v1/auth/login', { email: agentEmail, password: E2E_USER_PASSWORD })).status).toBe(200);
    totpSecret = (await agent.call('POST', '/api/v1/me/mfa/totp')).body.secret;
    const confirm = await agent.call('POST', '/api/v1/me/mfa/totp/confirm', { code: oathtoolCode(totpSecret) });
    expect(confirm.status, confirm.text).toBe(200);
    recoveryCodes = confirm.body.recoveryCodes;
    await server.stop();
  }, 180_000);
  afterAll(async () => install?.cleanup());

  it('resumes after kill -9 and re-encrypts everyone, losing nothing', async () => {
    const child = spawn(process.execPath, [CLI_MAIN, 'keys', 'rotate'], { env: childEnv(install.env), stdio: ['ignore', 'pipe', 'pipe'] });
    let progress = '';
    await new Promise<void>((resolve, reject) => {
      child.stderr.on('data', (chunk: Buffer) => {
        progress += chunk.toString();
        if (/re-encrypted (\d+)/.exec(progress) && Number(/re-encrypted (\d+)[^\d]*$/.exec(progress)?.[1] ?? 0) >= 40) resolve();
      });
      child.on('exit', () => reject(new Error(`keys rotate ended before it could be killed: ${progress}`)));
    });
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));

    const mid = JSON.parse((await install.cliOk(['keys', 'status', '--json'])).stdout);
    expect(mid.rotation.status).toBe('running');
    expect(mid.rotation.remaining).toBeGreaterThan(0);
    expect(mid.rotation.remaining).toBeLessThan(COUNT + 1);

    const server = await install.startServer();
    let status = mid;
    for (let i = 0; i < 120 && status.rotation.status !== 'finished'; i++) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      status = JSON.parse((await install.cliOk(['keys', 'status', '--json'])).stdout);
    }
    expect(status.rotation.status).toBe('finished');
    expect(status.currentVersion).toBe(2);
    expect(status.versions.find((v: { version: number }) => v.version === 1).subjects).toBe(0);

    for (const [id, email] of created) {
      const res = await httpsJson('GET', `${server.url}/api/v1/contacts/${id}`, { headers: { authorization: `Bearer ${token}` } });
      expect(res.status).toBe(200);
      expect(res.body.email).toBe(email);
    }
    // The next step's code: the enrolment used this step's (each code works once).
    const agent = new HttpsSession(server.url);
    const login = await agent.call('POST', '/api/v1/auth/login', { email: agentEmail, password: E2E_USER_PASSWORD });
    expect(login.body.mfaRequired).toBe(true);
    const mfa = await agent.call('POST', '/api/v1/auth/mfa', { challengeId: login.body.challengeId, code: oathtoolCode(totpSecret, 1) });
    expect(mfa.status, mfa.text).toBe(200);
    const stepUp = await agent.call('POST', '/api/v1/auth/step-up', { code: recoveryCodes[0] });
    expect(stepUp.status, stepUp.text).toBe(200);
    await server.stop();
  }, 180_000);
});
