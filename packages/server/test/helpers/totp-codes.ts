import { execFileSync } from 'node:child_process';

/** A TOTP code from the real oathtool binary (Debian oath-toolkit), `offsetSteps` steps from now. */
export function oathtoolCode(secret: string, offsetSteps = 0): string {
  const epoch = Math.floor(Date.now() / 1000) + offsetSteps * 30;
  try {
    return execFileSync('oathtool', ['--totp', '-b', '-N', `@${epoch}`, secret], { encoding: 'utf8' }).trim();
  } catch (error) {
    throw new Error(`oathtool failed (install it: apt-get install oathtool): ${(error as Error).message}`);
  }
}
