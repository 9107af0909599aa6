import type { Command } from 'commander';
import { completeRotation, rotationStatus, startRotation } from '../platform/crypto/key-rotation.js';
import { operatorActor, out, withKernel } from './cli-context.js';

export function keysCommands(program: Command): void {
  const keys = program.command('keys').description('encryption keys');
  keys
    .command('rotate')
    .description('start a new data key version (used by new writes at once) and re-encrypt old data in batches; resumes a rotation left running')
    .option('--background', 'only start it: a running server finishes the re-encryption')
    .action(async (opts: { background?: boolean }) => {
      await withKernel(async (kernel) => {
        const actor = operatorActor('keys rotate');
        const started = await startRotation(kernel, actor);
        out(`${started.resumed ? 'Resuming' : 'Started'} rotation to data key version ${started.toVersion}`);
        if (opts.background) return;
        let done = 0;
        const finished = await completeRotation(kernel, actor, started.id, {
          workerId: `cli-${process.pid}`,
          batchSize: kernel.config.rotationBatch,
          leaseMs: kernel.config.rotationLeaseMs,
          onProgress: (n) => {
            done += n;
            process.stderr.write(`re-encrypted ${done} data subjects\r`);
          },
        }).then(
          () => true,
          (error: Error) => {
            if (!/lease/.test(error.message)) throw error;
            out('Another process (a running server) is re-encrypting; follow it with castellan keys status');
            return false;
          },
        );
        if (!finished) return;
        const status = await rotationStatus(kernel);
        out(`Rotation finished: all data is under data key version ${status.currentVersion}`);
      });
    });
  keys
    .command('status')
    .description('key versions, how many data subjects each protects, rotation progress')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      const status = await withKernel((kernel) => rotationStatus(kernel));
      if (opts.json) return out(JSON.stringify(status, null, 2));
      out(`Current data key version: ${status.currentVersion}`);
      for (const v of status.versions) out(`  v${v.version}  ${v.status.padEnd(8)} ${String(v.subjects).padStart(8)} subjects  created ${v.createdAt}`);
      const r = status.rotation;
      if (r)
        out(
          `Last rotation to v${r.toVersion}: ${r.status}, ${r.done}/${r.total} re-encrypted, ${r.remaining} remaining${r.finishedAt ? `, finished ${r.finishedAt}` : ''}`,
        );
    });
}
