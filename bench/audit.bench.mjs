import { createHash } from 'node:crypto';
import Database from 'better-sqlite3';
import { fmt } from './lib/measure.mjs';
import { benchLine, note, target } from './lib/report.mjs';
import { asSystem, canonicalAuditForm, noRequest, verifyAuditChain } from './lib/server.mjs';

/**
 * BENCH audit_verify: events/s checked by `audit verify` (hash + keyed seal + chain + signed
 * checkpoints) versus reading the same rows and SHA-256 hashing their canonical form in a bare loop
 * with better-sqlite3. Throughput: higher is better; target ratio >= 0.5 (SPEC section 5).
 * Also prints what the audit append costs inside a read (the event every GET writes).
 */
export async function benchAuditVerify({ install, events }) {
  const kernel = install.kernel;
  const actor = asSystem('castellan bench: audit events');
  const have = Number(
    (
      await kernel.db.kysely
        .selectFrom('audit_events')
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirst()
    ).n,
  );
  const missing = Math.max(0, events - have);
  const appendStart = performance.now();
  for (let done = 0; done < missing; done += 1000) {
    await kernel.transaction(async (tx) => {
      for (let i = 0; i < Math.min(1000, missing - done); i++) {
        await tx.audit(actor, noRequest, {
          action: 'personal_data.read',
          outcome: 'success',
          resource: 'contacts',
          subjectIds: [`bench-subject-${done + i}`],
          fields: ['name', 'email'],
        });
      }
    });
  }
  if (missing)
    note(`audit_verify: appended ${missing} events at ${fmt((missing * 1000) / (performance.now() - appendStart), 0)} events/s (1000 per transaction)`);
  const oneStart = performance.now();
  const N = 2000;
  for (let i = 0; i < N; i++) {
    await kernel.transaction((tx) =>
      tx.audit(actor, noRequest, { action: 'personal_data.read', outcome: 'success', resource: 'contacts', subjectIds: ['bench'], fields: ['name'] }),
    );
  }
  note(`audit append in its own transaction (what a GET adds): ${fmt(((performance.now() - oneStart) * 1000) / N, 1)} us per event`);

  const t0 = performance.now();
  const result = await verifyAuditChain(kernel);
  const verifyMs = performance.now() - t0;
  if (!result.intact) throw new Error(`audit verify found a problem in the bench log: ${result.problem?.message}`);

  const raw = new Database(kernel.config.database.file, { readonly: true });
  const t1 = performance.now();
  let count = 0;
  let last = '';
  for (const row of raw.prepare('SELECT * FROM audit_events ORDER BY seq').iterate()) {
    last = createHash('sha256').update(canonicalAuditForm(row)).digest('hex');
    count += 1;
  }
  const bareMs = performance.now() - t1;
  raw.close();
  if (count !== result.events || !last) throw new Error('bare loop and verify disagree on the number of events');
  const ratio = benchLine('audit_verify', (result.events * 1000) / verifyMs, (count * 1000) / bareMs, 'events/s');
  note(`audit_verify: ${result.events} events, ${result.checkpoints} checkpoints; verify ${fmt(verifyMs, 0)} ms, bare read+hash ${fmt(bareMs, 0)} ms`);
  target('audit_verify', ratio, { atLeast: 0.5 });
}
