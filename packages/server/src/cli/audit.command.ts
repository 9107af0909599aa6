import type { Command } from 'commander';
import { archiveExpiredEvents } from '../platform/audit/retention.js';
import { verifyAuditChain } from '../platform/audit/verify-audit-chain.js';
import { out, withKernel } from './cli-context.js';

/** The `audit` verb group (other audit verbs register on the same group). */
export function auditGroup(program: Command): Command {
  return program.commands.find((c) => c.name() === 'audit') ?? program.command('audit').description('the audit trail');
}

export function auditVerifyCommand(program: Command): void {
  auditGroup(program)
    .command('verify')
    .description('recompute the hash chain, seals and signed checkpoints; exit 0 only when intact, else name the first bad event')
    .option('--json', 'print the result as JSON')
    .action(async (opts: { json?: boolean }) => {
      const result = await withKernel((kernel) => verifyAuditChain(kernel));
      if (opts.json) out(JSON.stringify(result, null, 2));
      else if (result.intact) out(`The audit trail is intact: ${result.events} events, ${result.checkpoints} signed checkpoints.`);
      else out(`The audit trail is NOT intact: ${result.problem?.message}`);
      if (!result.intact) process.exitCode = 3;
    });
  auditGroup(program)
    .command('archive')
    .description('verify, then archive events older than CASTELLAN_AUDIT_RETENTION_DAYS to a signed compressed file and remove them')
    .action(async () => {
      const result = await withKernel((kernel) => archiveExpiredEvents(kernel));
      out(
        result ? `Archived events ${result.fromSeq}-${result.toSeq} (${result.count}) to ${result.file}` : 'No audit event is older than the retention period.',
      );
    });
}
