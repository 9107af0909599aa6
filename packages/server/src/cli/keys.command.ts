import { createPrivateKey, createPublicKey } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { rotateAuditSigningKey } from '../platform/audit/rotate-signing-key.js';
import { signingKeyStatus } from '../platform/crypto/key-administration.js';
import { completeRotation, rotationStatus, startRotation } from '../platform/crypto/key-rotation.js';
import { escrowMasterKey, recoverMasterKey } from '../platform/crypto/master-key-escrow.js';
import { isSm2Pem } from '../platform/crypto/sm2-keys.js';
import { cliConfig, operatorActor, out, withKernel } from './cli-context.js';

export function keysCommands(program: Command): void {
  const keys = program.command('keys').description('encryption keys');
  keys
    .command('escrow')
    .description('seal the master key (file or env provider) to an escrow X25519 public key, for safe keeping apart from this host')
    .requiredOption('--to <pem>', 'the escrow public key (openssl genpkey -algorithm X25519 -out escrow.pem; openssl pkey -in escrow.pem -pubout)')
    .requiredOption('--out <file>', 'where to write the escrow file')
    .action(async (opts: { to: string; out: string }) => {
      const keyId = await withKernel(async (kernel) => kernel.keyring.provider.keyId);
      const pem = readFileSync(opts.to, 'utf8');
      if (isSm2Pem(pem)) throw new Error('master key escrow takes an X25519 public key only (an SM2 key is for asymmetric backups)');
      const file = await escrowMasterKey(cliConfig().masterKey, createPublicKey(pem), keyId);
      writeFileSync(opts.out, file, { flag: 'wx', mode: 0o600 });
      out(`Wrote the escrow of master key ${keyId} to ${opts.out}: keep the escrow private key offline`);
    });
  keys
    .command('recover')
    .description('write a master key file back from its escrow file and the escrow private key')
    .requiredOption('--escrow <file>', 'the escrow file')
    .requiredOption('--private-key <pem>', 'the escrow private key')
    .requiredOption('--out <file>', 'the master key file to write (must not exist)')
    .action(async (opts: { escrow: string; privateKey: string; out: string }) => {
      const keyId = await recoverMasterKey(readFileSync(opts.escrow), createPrivateKey(readFileSync(opts.privateKey, 'utf8')), opts.out);
      out(`Recovered master key ${keyId} into ${opts.out} (mode 0600)`);
    });
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
    .command('rotate-signing')
    .description(
      'a new audit signing key signs from now on (checkpoints, backups, erasure ledger, reports); the old one still verifies what it signed unless --revoke-previous',
    )
    .option('--revoke-previous', 'the replaced key leaked: revoke it, so what it signed is trusted only where the new key vouches for it')
    .action(async (opts: { revokePrevious?: boolean }) => {
      const done = await withKernel((kernel) => rotateAuditSigningKey(kernel, operatorActor('keys rotate-signing'), { revokePrevious: !!opts.revokePrevious }));
      out(
        `The audit signing key is now version ${done.toVersion} (${done.toKeyId}); version ${done.fromVersion} (${done.fromKeyId}) ${done.revoked ? 'is REVOKED' : 'still verifies what it signed'}`,
      );
      if (done.checkpointSeq !== null) out(`The new key signed a checkpoint at event ${done.checkpointSeq}, covering the whole audit trail so far`);
      out('audit-public-key.pem beside the checkpoints now lists every version: give the new copy to whoever keeps one off this host');
      if (done.revoked) out('Take a backup now (castellan backup create): the new manifest vouches for the older backups the revoked key signed');
    });
  keys
    .command('status')
    .description('key versions, how many data subjects each protects, rotation progress')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      const { status, signing } = await withKernel(async (kernel) => ({ status: await rotationStatus(kernel), signing: await signingKeyStatus(kernel) }));
      if (opts.json) return out(JSON.stringify({ ...status, signing }, null, 2));
      out(`Current data key version: ${status.currentVersion}`);
      for (const v of status.versions) out(`  v${v.version}  ${v.status.padEnd(8)} ${String(v.subjects).padStart(8)} subjects  created ${v.createdAt}`);
      const r = status.rotation;
      if (r)
        out(
          `Last rotation to v${r.toVersion}: ${r.status}, ${r.done}/${r.total} re-encrypted, ${r.remaining} remaining${r.finishedAt ? `, finished ${r.finishedAt}` : ''}`,
        );
      out('Audit signing keys:');
      for (const k of signing) out(`  v${k.version}  ${k.status.padEnd(10)} ${k.keyId}${k.revokedAt ? `  revoked ${k.revokedAt}` : ''}`);
    });
}
