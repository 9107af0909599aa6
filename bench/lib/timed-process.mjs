import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const castellanCli = fileURLToPath(new URL('../../packages/server/dist/main.js', import.meta.url));

/**
 * Runs one process to its end and times it (wall clock, from spawn to exit). Its peak RSS is read
 * from /proc/<pid>/status (VmHWM, the kernel's high-water mark) every 50 ms while it runs, so the
 * figure is the process's own peak, not the bench's. A non-zero exit throws with the tail of its output.
 */
export async function runTimed(command, args, { env = process.env, what = command } = {}) {
  const started = performance.now();
  const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (c) => {
    if (stdout.length < 100_000) stdout += c;
  });
  child.stderr.setEncoding('utf8').on('data', (c) => {
    stderr += c;
    if (stderr.length > 100_000) stderr = stderr.slice(-50_000);
  });
  let peakKiB = 0;
  const sample = () => {
    try {
      const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
      if (hwm) peakKiB = Math.max(peakKiB, Number(hwm[1]));
    } catch {}
  };
  const sampler = setInterval(sample, 50);
  const [code] = await once(child, 'close');
  clearInterval(sampler);
  const seconds = (performance.now() - started) / 1000;
  if (code !== 0) throw new Error(redact(`${what} exited ${code}:\n${stdout.slice(-2000)}\n${stderr.slice(-2000)}`));
  return { seconds, stdout, stderr, peakRssMiB: peakKiB / 1024 };
}

/** A password inside a database URL (postgres://user:secret@host) never reaches an error message. */
const redact = (text) => text.replace(/(\/\/[^:/@\s]+):[^@\s]+@/g, '$1:***@');

/** A shell pipeline (the baselines: sqlite3 | gzip | openssl, pg_dump, pg_restore), timed as a whole. */
export const runShell = (script, options = {}) => runTimed('/bin/sh', ['-c', `set -e\n${script}`], { what: script.split('\n')[0], ...options });

/** The built CLI (`castellan …`) in its own process, with this environment. */
export const runCastellan = (args, env) => runTimed(process.execPath, [castellanCli, ...args], { env, what: `castellan ${args.join(' ')}` });
