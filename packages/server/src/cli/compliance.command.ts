import { readFileSync, writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { complianceChecks, createComplianceReport } from '../modules/compliance/compliance.service.js';
import { type ReportFormat, verifyReport } from '../modules/compliance/report-signature.js';
import { noRequest } from '../platform/audit/audit-event.js';
import { type Checkpoint, checkpointSignatureValid } from '../platform/audit/checkpoints.js';
import { SigningKeyTrust, signingKeyTrust } from '../platform/audit/signing-keys.js';
import { operatorActor, out, withKernel } from './cli-context.js';

const formats: readonly ReportFormat[] = ['json', 'html', 'pdf'];

/** `castellan compliance checks | report | verify`: the dashboard's checks and the signed auditor's report. */
export function complianceCommands(program: Command): void {
  const group = program.command('compliance').description('compliance checks and the signed auditor report');
  group
    .command('checks')
    .description('compute every compliance check from live state; exit 0 only when all pass')
    .option('--json', 'print the checks as JSON')
    .action(async (opts: { json?: boolean }) => {
      const { checks } = await withKernel((kernel) => complianceChecks(kernel, { refresh: true }));
      if (opts.json) out(JSON.stringify(checks, null, 2));
      else for (const c of checks) out(`${c.status === 'passing' ? 'PASS' : 'FAIL'}  ${c.id}: ${c.reason}`);
      if (checks.some((c) => c.status === 'failing')) process.exitCode = 4;
    });
  group
    .command('report')
    .description('write the signed report (JSON, HTML or PDF) embedding the latest signed audit checkpoint')
    .option('--format <format>', 'json, html or pdf', 'json')
    .option('--out <file>', 'write to this file instead of standard output')
    .action(async (opts: { format: string; out?: string }) => {
      if (!formats.includes(opts.format as ReportFormat)) throw new Error(`--format must be one of ${formats.join(', ')}, not ${JSON.stringify(opts.format)}`);
      const report = await withKernel((kernel) => createComplianceReport(kernel, operatorActor('compliance report'), noRequest, opts.format as ReportFormat));
      if (opts.out) {
        writeFileSync(opts.out, report.bytes, { mode: 0o600 });
        out(`Wrote the signed ${opts.format} report to ${opts.out}`);
      } else process.stdout.write(report.bytes);
    });
  group
    .command('verify <file>')
    .description("check a report's signature against this installation's audit key (or --public-key); exit 0 only when valid")
    .option('--public-key <pem>', 'the audit public key (audit-public-key.pem next to the audit checkpoints) instead of opening the installation')
    .action(async (file: string, opts: { publicKey?: string }) => {
      const bytes = readFileSync(file);
      const trust = opts.publicKey ? SigningKeyTrust.fromPem(readFileSync(opts.publicKey, 'utf8')) : await withKernel(signingKeyTrust);
      const result = verifyReport(bytes, trust.resolve);
      out(`${result.valid ? 'VALID' : 'INVALID'} (${result.format}): ${result.reason}`);
      const checkpoint = result.report?.auditCheckpoint as Checkpoint | null | undefined;
      if (result.valid && checkpoint) {
        const key = trust.entry(checkpoint.keyId)?.publicKey;
        const signed = !!key && checkpointSignatureValid(checkpoint, key);
        out(`embedded audit checkpoint at event ${checkpoint.seq}: ${signed ? 'signature valid' : 'signature INVALID'}`);
        if (!signed) process.exitCode = 3;
      }
      if (!result.valid) process.exitCode = 3;
    });
}
