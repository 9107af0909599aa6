import type { Command } from 'commander';
import type { DemoAccount } from '../demo/demo-users.js';
import { loadDemo } from '../demo/load-demo.js';
import type { Kernel } from '../platform/kernel.js';
import { operatorActor, osUserName, out, withKernel } from './cli-context.js';

export function printDemoStaff(accounts: DemoAccount[]): void {
  out('');
  out('Demo staff (one per default role). Each one-time enrolment link sets the password and second factor; give it to the person only:');
  for (const a of accounts) out(`  ${a.role.padEnd(18)} ${a.email.padEnd(40)} ${a.link}`);
  out('');
}

/** Loads the demo data set, reporting each step on stderr. */
export async function runDemo(kernel: Kernel, opts: { scale?: string; seed?: string }) {
  const scale = opts.scale === undefined ? 1 : Number(opts.scale);
  if (!Number.isFinite(scale) || scale <= 0 || scale > 10) throw new Error('--scale must be a number above 0 and at most 10');
  const seed = opts.seed === undefined ? undefined : Number.parseInt(opts.seed, 10);
  if (seed !== undefined && !Number.isSafeInteger(seed)) throw new Error('--seed must be an integer');
  const started = Date.now();
  const result = await loadDemo(kernel, {
    scale,
    seed,
    osUser: osUserName(),
    operator: operatorActor('demo'),
    report: (line) => process.stderr.write(`demo: ${line}\n`),
  });
  process.stderr.write(`demo: loaded in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  return result;
}

export function demoCommand(program: Command): void {
  program
    .command('demo')
    .description(
      'load a realistic zh-CN + en demo organisation (staff for every default role, parties, ad sales, licensing, subscribers, cases, consents) through the protected store',
    )
    .option('--scale <n>', 'size relative to the full data set (1 = 2,000 contacts, 1,000 subscribers…)', '1')
    .option('--seed <n>', 'random seed, for the same data set every time')
    .action(async (opts: { scale?: string; seed?: string }) => {
      const { accounts } = await withKernel((kernel) => runDemo(kernel, opts));
      printDemoStaff(accounts);
    });
}
