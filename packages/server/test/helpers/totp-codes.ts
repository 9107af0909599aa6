import { execFileSync } from 'node:child_process';

/** A TOTP code from the real oathtool binary (Debian oath-toolkit), `offsetSteps` steps from now. */
export function oathtoolCode(secret: string, offsetSteps = 0): string {
  return oathtoolCodeAt(secret, Math.floor(Date.now() / 1000) + offsetSteps * 30);
}

/** The code of the step holding `epoch` (seconds). */
export function oathtoolCodeAt(secret: string, epoch: number): string {
  try {
    return execFileSync('oathtool', ['--totp', '-b', '-N', `@${epoch}`, secret], { encoding: 'utf8' }).trim();
  } catch (error) {
    throw new Error(`oathtool failed (install it: apt-get install oathtool): ${(error as Error).message}`);
  }
}

/** A well-formed code that is wrong for `secret` at every step the server accepts now (−1, 0, +1). */
export function wrongTotpCode(secret: string, seed = 0): string {
  const valid = new Set([-1, 0, 1].map((offset) => oathtoolCode(secret, offset)));
  for (let n = 123_456 + seed * 7919; ; n = (n + 1) % 1_000_000) {
    const code = String(n).padStart(6, '0');
    if (!valid.has(code)) return code;
  }
}
