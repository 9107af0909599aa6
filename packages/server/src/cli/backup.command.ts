import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { Config } from '../config/load-config.js';
import { backupPublicKey, withTargets } from '../modules/backups/backup-targets.js';
import { runRestoreDrill } from '../modules/backups/restore-drill.js';
import { restoreInstallation } from '../modules/backups/restore-installation.js';
import { noRequest } from '../platform/audit/audit-event.js';
import { SigningKeyTrust, signingKeyTrust } from '../platform/audit/signing-keys.js';
import { readBackupKeyFile } from '../platform/backup/backup-key-file.js';
import { latestGoodSequence } from '../platform/backup/backup-records.js';
import type { BackupTarget } from '../platform/backup/backup-target.js';
import { createBackup } from '../platform/backup/create-backup.js';
import { auditKeysFromBackup, BackupRefused, listBackups, verifyBackup } from '../platform/backup/read-backup.js';
import { openMasterKeyProvider } from '../platform/crypto/open-master-key-provider.js';
import { suiteById } from '../platform/crypto/suites.js';
import { cliConfig, operatorActor, out, withKernel } from './cli-context.js';

function pickTarget(targets: BackupTarget[], name: string | undefined): BackupTarget {
  const target = name ? targets.find((t) => t.name === name) : targets[0];
  if (!target) throw new Error(`no backup target named ${name} (configured: ${targets.map((t) => t.name).join(', ')})`);
  return target;
}

/** The audit keys of a PEM file (audit-public-key.pem lists every version): all of them trusted. */
function readAuditPublicKeys(file: string): SigningKeyTrust {
  try {
    return SigningKeyTrust.fromPem(readFileSync(file, 'utf8'));
  } catch {
    throw new Error(`cannot read a public key from ${file}`);
  }
}

/** A refusal is the expected answer to a bad backup: one line naming what failed, exit code 3. */
async function refusing(work: () => Promise<void>): Promise<void> {
  try {
    await work();
  } catch (error) {
    if (!(error instanceof BackupRefused)) throw error;
    process.stderr.write(`castellan: backup refused: ${error.message}\n`);
    process.exitCode = 3;
  }
}

/** `castellan backup create | list | verify | restore | drill` (docs/OPERATIONS.md, "Backup and recovery"). */
export function backupCommands(program: Command): void {
  const group = program.command('backup').description('encrypted, signed backups: create, list, verify, restore, drill');
  group
    .command('create')
    .description('take a consistent, encrypted and signed backup now, to every configured target (or one)')
    .option('--target <name>', 'only this target')
    .option('--json', 'print the run as JSON')
    .action(async (opts: { target?: string; json?: boolean }) => {
      const run = await withKernel((kernel) =>
        withTargets(kernel.config, (all) => {
          const targets = opts.target ? [pickTarget(all, opts.target)] : all;
          return createBackup(kernel, operatorActor('backup create'), noRequest, targets, { kind: 'manual', publicKey: backupPublicKey(kernel.config) });
        }),
      );
      if (opts.json) return out(JSON.stringify(run, null, 2));
      out(`Backup ${run.sequence} (${run.id}): ${run.status}, ${run.rows} rows in ${run.chunks} chunks, ${run.bytes} bytes`);
      for (const t of run.targets)
        out(`  ${t.target}: ${t.ok ? 'written and read back' : `FAILED (${t.failure})`}${t.retries ? `, ${t.retries} retries` : ''}`);
    });
  group
    .command('list')
    .description('the backups on a target, oldest first, with whether each is finished and signed')
    .option('--target <name>', 'the target to list (default: the first)')
    .action(async (opts: { target?: string }) => {
      await withKernel((kernel) =>
        withTargets(kernel.config, async (targets) => {
          const target = pickTarget(targets, opts.target);
          const listed = await listBackups(target, await signingKeyTrust(kernel));
          if (listed.length === 0) out(`No backup on target ${target.name}.`);
          for (const b of listed)
            out(
              `${String(b.sequence).padStart(6)}  ${b.backupId}  ${b.state.padEnd(10)}  ${b.createdAt ?? '-'}  ${b.rows ?? '-'} rows  ${b.bytes ?? '-'} bytes${b.problem ? `  (${b.problem})` : ''}`,
            );
        }),
      );
    });
  group
    .command('verify [backup]')
    .description(
      'check a backup (id, sequence or "latest"): signature, chain of manifests, chunks; --read-data opens every chunk and compares counts and checksums',
    )
    .option('--target <name>', 'the target to read (default: the first)')
    .option('--read-data', 'decrypt every chunk and compare every count and checksum')
    .option('--private-key <pem>', 'the backup private key (asymmetric backups, with --read-data)')
    .action(async (which: string | undefined, opts: { target?: string; readData?: boolean; privateKey?: string }) => {
      await withKernel((kernel) =>
        refusing(() =>
          withTargets(kernel.config, async (targets) => {
            const target = pickTarget(targets, opts.target);
            const keys = {
              signing: await signingKeyTrust(kernel),
              provider: kernel.keyring.provider,
              knownSequence: await latestGoodSequence(kernel),
              ...(opts.privateKey ? { privateKey: readBackupKeyFile(opts.privateKey, 'private') } : {}),
            };
            const verified = await verifyBackup(target, which ?? 'latest', keys, { readData: !!opts.readData });
            verified.key.fill(0);
            const m = verified.manifest;
            out(
              `VALID: backup ${m.sequence} (${m.backupId}) of ${m.createdAt}, ${m.totals.rows} rows in ${m.tables.length} tables, ${m.totals.chunks} chunks${opts.readData ? ', every chunk opened and every checksum compared' : ' (present and of the right size; --read-data opens them)'}`,
            );
          }),
        ),
      );
    });
  group
    .command('restore <backup>')
    .description(
      'restore a backup (id, sequence or "latest") into an EMPTY database: the configured one, or --into; checks every byte as it loads (a refusal leaves the database empty) and replays the erasure ledger',
    )
    .option('--into <url>', 'the empty database to restore into (postgres://… or sqlite:/path/castellan.db)')
    .option('--target <name>', 'the target to read (default: the first)')
    .option(
      '--public-key <pem>',
      "the audit public key (audit-public-key.pem); default: the installation's copy, else the key inside the backup that the master key opens",
    )
    .option('--private-key <pem>', 'the backup private key (asymmetric backups)')
    .option('--verify-first', 'verify every chunk, count and checksum in a pass of its own before the database is touched (reads the backup twice)')
    .action(async (which: string, opts: { into?: string; target?: string; publicKey?: string; privateKey?: string; verifyFirst?: boolean }) => {
      const into: Config = cliConfig(opts.into ? { CASTELLAN_DATABASE_URL: opts.into } : {});
      await refusing(() =>
        withTargets(into, async (targets) => {
          const target = pickTarget(targets, opts.target);
          const privateKey = opts.privateKey ? readBackupKeyFile(opts.privateKey, 'private') : undefined;
          const provider = await openMasterKeyProvider(into.masterKey, suiteById(into.suite));
          try {
            // From the newest backup (it knows of every rotation and revocation), unless the operator gives the key file.
            const signing = opts.publicKey
              ? readAuditPublicKeys(opts.publicKey)
              : await auditKeysFromBackup(target, 'latest', { provider, ...(privateKey ? { privateKey } : {}) });
            const restored = await restoreInstallation(target, which, { signing, provider, ...(privateKey ? { privateKey } : {}) }, into, undefined, {
              verifyFirst: !!opts.verifyFirst,
            });
            out(
              `Restored backup ${restored.sequence} (${restored.backupId}): ${restored.rows} rows in ${restored.tables} tables into ${restored.into} in ${restored.ms} ms`,
            );
            out(`Erasure ledger: ${restored.ledgerSegments} segment(s); ${restored.erasedAgain} person(s) erased after the backup were erased again`);
            if (restored.checkpointsKeptAside) out(`The earlier audit checkpoint file was kept aside as ${restored.checkpointsKeptAside}`);
            out(`Audit chain: ${restored.audit.intact ? `intact (${restored.audit.events} events)` : `BROKEN: ${restored.audit.problem?.message}`}`);
            if (!restored.audit.intact) process.exitCode = 3;
          } finally {
            await provider.close();
          }
        }),
      );
    });
  group
    .command('drill')
    .description('restore the newest backup into a scratch database, check it, record RTO / RPO as signed compliance evidence')
    .option('--target <name>', 'the target to drill (default: the first)')
    .option('--private-key <pem>', 'the backup private key (asymmetric backups)')
    .option('--json', 'print the signed result as JSON')
    .action(async (opts: { target?: string; privateKey?: string; json?: boolean }) => {
      const result = await withKernel((kernel) =>
        withTargets(kernel.config, (targets) =>
          runRestoreDrill(kernel, operatorActor('backup drill'), noRequest, pickTarget(targets, opts.target), {
            kind: 'manual',
            ...(opts.privateKey ? { privateKey: readBackupKeyFile(opts.privateKey, 'private') } : {}),
          }),
        ),
      );
      if (opts.json) out(JSON.stringify(result, null, 2));
      else {
        out(`Drill ${result.drillId}: ${result.status.toUpperCase()} on backup ${result.sequence ?? '-'} (${result.backupId ?? 'none'})`);
        out(`  RTO ${result.rtoMs ?? '-'} ms, RPO ${result.rpoSeconds ?? '-'} s`);
        for (const c of result.checks) out(`  ${c.ok ? 'ok    ' : 'FAILED'} ${c.name}: ${c.detail}`);
      }
      if (result.status !== 'passed') process.exitCode = 3;
    });
}
