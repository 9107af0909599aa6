import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Config } from '../../src/config/load-config.js';
import { keyModeOf } from '../../src/modules/backups/backup-targets.js';

/** The key mode the backups overview shows follows the kind of key file configured (made by the system openssl). */
const dir = mkdtempSync(path.join(tmpdir(), 'castellan-key-mode-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function publicKeyFile(algorithm: string): string {
  const key = path.join(dir, `${algorithm}.pem`);
  const pub = path.join(dir, `${algorithm}.pub.pem`);
  execFileSync('openssl', ['genpkey', '-algorithm', algorithm, '-out', key]);
  execFileSync('openssl', ['pkey', '-in', key, '-pubout', '-out', pub]);
  return pub;
}
const configWith = (publicKeyFile: string | undefined) => ({ backup: { publicKeyFile } }) as unknown as Config;

describe('the backups overview key mode', () => {
  it.each([
    ['no public key file', undefined, 'master'],
    ['an X25519 public key', 'X25519', 'x25519'],
    ['an SM2 public key', 'SM2', 'sm2'],
  ])('is told from %s', (_what, algorithm, mode) => {
    expect(keyModeOf(configWith(algorithm ? publicKeyFile(algorithm) : undefined))).toBe(mode);
  });

  it('refuses a key file of another kind, naming the setting', () => {
    expect(() => keyModeOf(configWith(publicKeyFile('ED25519')))).toThrow(/CASTELLAN_BACKUP_PUBLIC_KEY_FILE/);
  });
});
