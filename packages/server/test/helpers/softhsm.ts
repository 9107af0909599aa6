/**
 * Test helper: a throw-away SoftHSM2 token in its own directory.
 *
 * SoftHSM2 reads SOFTHSM2_CONF from the real process environment when the module is
 * initialised (C_Initialize), so this must run in the main thread of the test process
 * (vitest pool `forks`, the default); in a worker thread `process.env` is a private copy.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isMainThread } from 'node:worker_threads';

const MODULE_CANDIDATES = [
  '/usr/lib/softhsm/libsofthsm2.so',
  '/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so',
  '/usr/lib/aarch64-linux-gnu/softhsm/libsofthsm2.so',
  '/usr/local/lib/softhsm/libsofthsm2.so',
  '/opt/homebrew/lib/softhsm/libsofthsm2.so',
];

export const SOFTHSM_USER_PIN = '1234';
export const SOFTHSM_SO_PIN = '5678';

export interface SoftHsmToken {
  modulePath: string;
  tokenLabel: string;
  pin: string;
  conf: string;
  dir: string;
  cleanup(): void;
}

/** Path of the SoftHSM2 PKCS#11 module (SOFTHSM2_MODULE overrides), or undefined. */
export function softHsmModulePath(): string | undefined {
  const override = process.env.SOFTHSM2_MODULE;
  if (override) return existsSync(override) ? override : undefined;
  return MODULE_CANDIDATES.find((p) => existsSync(p));
}

export function softHsmAvailable(): boolean {
  return softHsmModulePath() !== undefined;
}

export function createSoftHsmToken(label = 'castellan-test'): SoftHsmToken {
  const modulePath = softHsmModulePath();
  if (!modulePath) {
    throw new Error(
      `SoftHSM2 is not installed (looked for ${MODULE_CANDIDATES.join(', ')}; or set SOFTHSM2_MODULE). ` +
        'Install it with `apt-get install -y softhsm2 opensc`.',
    );
  }
  if (!isMainThread) {
    throw new Error('SoftHSM tests must run in a forked process (vitest pool "forks"), not a worker thread');
  }
  const dir = mkdtempSync(join(tmpdir(), 'castellan-softhsm-'));
  const tokens = join(dir, 'tokens');
  mkdirSync(tokens, { mode: 0o700 });
  const conf = join(dir, 'softhsm2.conf');
  writeFileSync(conf, `directories.tokendir = ${tokens}\nobjectstore.backend = file\nlog.level = ERROR\nslots.removable = false\n`);
  const previousConf = process.env.SOFTHSM2_CONF;
  process.env.SOFTHSM2_CONF = conf;
  try {
    execFileSync('softhsm2-util', ['--init-token', '--free', '--label', label, '--pin', SOFTHSM_USER_PIN, '--so-pin', SOFTHSM_SO_PIN], {
      env: { ...process.env, SOFTHSM2_CONF: conf },
      stdio: 'pipe',
    });
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    const stderr = (err as { stderr?: Buffer }).stderr?.toString().trim();
    throw new Error(`softhsm2-util --init-token failed${stderr ? `: ${stderr}` : ''}`);
  }
  return {
    modulePath,
    tokenLabel: label,
    pin: SOFTHSM_USER_PIN,
    conf,
    dir,
    cleanup() {
      rmSync(dir, { recursive: true, force: true });
      if (process.env.SOFTHSM2_CONF === conf) {
        if (previousConf === undefined) delete process.env.SOFTHSM2_CONF;
        else process.env.SOFTHSM2_CONF = previousConf;
      }
    },
  };
}
