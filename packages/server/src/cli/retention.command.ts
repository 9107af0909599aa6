import { readFileSync, writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { noRequest } from '../platform/audit/audit-event.js';
import { SigningKeyTrust, signingKeyTrust } from '../platform/audit/signing-keys.js';
import { verifyCertificate } from '../platform/retention/retention-certificate.js';
import { retentionCertificate, startRetentionRun } from '../platform/retention/retention-runs.js';
import { operatorActor, out, withKernel } from './cli-context.js';

/** `castellan retention run [--dry-run] | verify <file>`: run the rules now, check a certificate. */
export function retentionCommands(program: Command): void {
  const group = program.command('retention').description('retention rules: run them now, verify a run certificate');
  group
    .command('run')
    .description('run every enabled retention rule now (batches of 1 000, resumable); prints the counts per rule')
    .option('--dry-run', 'count what would be removed or anonymised; change nothing')
    .option('--certificate <file>', 'write the signed certificate of the run to this file')
    .option('--json', 'print the run as JSON')
    .action(async (opts: { dryRun?: boolean; certificate?: string; json?: boolean }) => {
      const actor = operatorActor('retention run');
      const { run, certificate } = await withKernel(async (kernel) => {
        const run = await startRetentionRun(kernel, actor, noRequest, { kind: 'manual', dryRun: !!opts.dryRun });
        const certificate = run.certificate && opts.certificate ? await retentionCertificate(kernel, actor, noRequest, run.id) : undefined;
        return { run, certificate };
      });
      if (opts.json) out(JSON.stringify(run, null, 2));
      else {
        out(`${run.dryRun ? 'Dry run' : 'Run'} ${run.id}: ${run.rules.length} rule(s)`);
        for (const r of run.rules)
          out(
            `  ${r.object} / ${r.purpose}: ${r.action} after ${r.days} days (${r.trigger}) — due ${r.due}, ${r.action === 'delete' ? `removed ${r.removed}` : `anonymised ${r.anonymised}`}, held ${r.held}, restricted ${r.restricted}, still referenced ${r.referenced}`,
          );
      }
      if (certificate && opts.certificate) {
        writeFileSync(opts.certificate, certificate, { mode: 0o600 });
        out(`Wrote the signed certificate to ${opts.certificate}`);
      }
    });
  group
    .command('verify <file>')
    .description("check a run certificate's signature against this installation's audit key (or --public-key); exit 0 only when valid")
    .option('--public-key <pem>', 'the audit public key (audit-public-key.pem) instead of opening the installation')
    .action(async (file: string, opts: { publicKey?: string }) => {
      const bytes = readFileSync(file);
      const trust = opts.publicKey ? SigningKeyTrust.fromPem(readFileSync(opts.publicKey, 'utf8')) : await withKernel(signingKeyTrust);
      const result = verifyCertificate(bytes, trust.resolve);
      out(`${result.valid ? 'VALID' : 'INVALID'}${result.runId ? ` (run ${result.runId})` : ''}: ${result.reason}`);
      if (!result.valid) process.exitCode = 3;
    });
}
