import { vi } from 'vitest';
import type { ConfigKey } from '../../src/config/config.schema.js';
import { buildApp } from '../../src/http/build-app.js';
import { createTestInstall, type TestInstall } from './test-install.js';
import { TotpSessions } from './totp-sessions.js';

export type App = Awaited<ReturnType<typeof buildApp>>;

/**
 * A fresh installation with its HTTP app in this process and a TOTP session maker, on a faked `Date`
 * (TOTP steps are moved on by the tests). Call from `beforeAll`; undo with `stopTestApp` in `afterAll`.
 */
export async function startTestApp(
  dialect: 'sqlite' | 'postgres',
  settings: Partial<Record<ConfigKey, string>> = {},
): Promise<{ install: TestInstall; app: App; sessions: TotpSessions }> {
  vi.useFakeTimers({ toFake: ['Date'] });
  const install = await createTestInstall(dialect, settings);
  const app = await buildApp(install.kernel, { logger: false });
  await app.ready();
  return { install, app, sessions: new TotpSessions(app) };
}

export async function stopTestApp(started: { install?: TestInstall; app?: App }): Promise<void> {
  vi.useRealTimers();
  await started.app?.close();
  await started.install?.cleanup();
}
