import { createWriteStream, openSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { Writable } from 'node:stream';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { exportAuditJsonl } from '../platform/audit/siem/export-jsonl.js';
import { shipAuditEvents } from '../platform/audit/siem/shipper.js';
import { siemSyslogSettings, siemSyslogSink } from '../platform/audit/siem/siem-config.js';
import { cliConfig, out, withKernel } from './cli-context.js';

function auditGroup(program: Command): Command {
  return program.commands.find((c) => c.name() === 'audit') ?? program.command('audit').description('the audit trail');
}

function nonNegativeInteger(value: string): number {
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(Number(value))) throw new InvalidArgumentError('must be a whole number ≥ 0');
  return Number(value);
}

/** Resolves once `chunk` is handed to the stream (waiting for 'drain' when its buffer is full). */
function writeTo(stream: Writable): (chunk: string) => Promise<void> {
  return (chunk) =>
    new Promise((resolve, reject) => {
      const onError = (error: Error) => reject(error);
      stream.once('error', onError);
      const ok = stream.write(chunk, (error) => {
        if (error) reject(error);
      });
      const done = () => {
        stream.off('error', onError);
        resolve();
      };
      if (ok) done();
      else stream.once('drain', done);
    });
}

function closeStream(stream: Writable): Promise<void> {
  return new Promise((resolve, reject) => {
    stream.once('error', reject);
    stream.end(() => resolve());
  });
}

interface ExportFlags {
  format: 'jsonl';
  output: string;
  sinceSeq: number;
}

export function auditExportCommands(program: Command): void {
  const audit = auditGroup(program);

  audit
    .command('export')
    .description('write the audit events as JSON lines (one event per line, in seq order, with its hash chain); resumable with --since-seq')
    .addOption(new Option('--format <format>', 'output format').choices(['jsonl']).default('jsonl'))
    .option('--output <file>', 'file to write (- for standard output)', '-')
    .option('--since-seq <n>', 'only events after this seq (the last seq of a previous export)', nonNegativeInteger, 0)
    .action(async (opts: ExportFlags) => {
      const toStdout = opts.output === '-';
      const target = toStdout ? undefined : path.resolve(opts.output);
      // A file is written under a temporary name and renamed when complete: never a half export.
      const partial = target ? `${target}.partial-${process.pid}` : undefined;
      let stream: Writable = process.stdout;
      if (partial) {
        try {
          stream = createWriteStream('', { fd: openSync(partial, 'wx', 0o600) });
        } catch (error) {
          throw new Error(`cannot write ${target}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
        }
      }
      try {
        // Not itself an audit event: the log holds no personal value, and an export that changed the log
        // it exports could never be compared with what a SIEM received.
        const report = await withKernel((kernel) => exportAuditJsonl(kernel.db.kysely, writeTo(stream), { sinceSeq: opts.sinceSeq }));
        if (partial && target) {
          await closeStream(stream);
          renameSync(partial, target);
        }
        const range = report.count ? ` (seq ${report.firstSeq}–${report.lastSeq}); resume with --since-seq ${report.lastSeq}` : ` after seq ${opts.sinceSeq}`;
        const summary = `Exported ${report.count} audit events${target ? ` to ${target}` : ''}${range}`;
        if (toStdout) process.stderr.write(`${summary}\n`);
        else out(summary);
      } catch (error) {
        if (partial) {
          stream.destroy();
          rmSync(partial, { force: true });
        }
        throw error;
      }
    });

  audit
    .command('ship')
    .description('send the audit events not yet shipped to the SIEM (CASTELLAN_SIEM_SYSLOG_URL, syslog over TLS) until caught up, then exit')
    .action(async () => {
      const settings = siemSyslogSettings(cliConfig());
      if (!settings) throw new Error('CASTELLAN_SIEM_SYSLOG_URL is not set: set it to tls://host:port of the syslog receiver');
      const sink = siemSyslogSink(settings);
      const report = await withKernel((kernel) =>
        shipAuditEvents(kernel.db.kysely, sink, {
          onBatch: (shipped, lastSeq) => process.stderr.write(`shipped ${shipped} events (up to seq ${lastSeq})\r`),
        }),
      );
      out(
        report.shipped
          ? `Shipped ${report.shipped} audit events to ${sink.description} (up to seq ${report.lastSeq}).`
          : `Shipped 0 audit events: ${sink.description} already has every event (up to seq ${report.lastSeq}).`,
      );
    });
}
