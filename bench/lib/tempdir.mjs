import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * A temp directory that is removed when the process ends however it ends: normal exit, a thrown
 * error, Ctrl-C or SIGTERM ('exit' handlers run synchronously, so rmSync is used).
 */
export function makeTempRoot(prefix = 'castellan-bench-') {
  const root = mkdtempSync(path.join(tmpdir(), prefix));
  let removed = false;
  const remove = () => {
    if (removed) return;
    removed = true;
    rmSync(root, { recursive: true, force: true });
  };
  process.once('exit', remove);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.once(signal, () => {
      console.error(`# interrupted by ${signal}; removing ${root}`);
      remove();
      process.exit(128 + ({ SIGINT: 2, SIGTERM: 15, SIGHUP: 1 }[signal] ?? 0));
    });
  }
  return { root, remove };
}
