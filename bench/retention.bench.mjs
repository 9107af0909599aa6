import { addBenchUser } from './lib/install.mjs';
import { fmt } from './lib/measure.mjs';
import { benchLine, note } from './lib/report.mjs';
import { createRetentionRule, noRequest, startRetentionRun, userActor } from './lib/server.mjs';

/**
 * BENCH retention_purge: milliseconds per 1 000 due contacts handled by a retention run (keyset batches of
 * 1 000, each a transaction with its checkpoint and audit event; holds and restrictions looked up,
 * subject keys destroyed) against the same batched keyset delete on the plaintext copy (baseline=).
 * It runs last: it deletes `rows` of the shared installation's contacts (--quick: 5 000; otherwise all
 * of them, 1 000 000 at the SPEC size). The peak RSS growth during the run is noted: it must stay flat
 * as the number of rows grows (nothing loads every id).
 */
export async function benchRetention({ install, plain, size, quick }) {
  const rows = quick ? Math.min(5000, size) : size;
  const { kernel } = install;
  const old = '2000-01-01T00:00:00.000Z';
  const db = kernel.db.kysely;
  await db.updateTable('contacts').set({ updated_at: old }).where('id', 'in', db.selectFrom('contacts').select('id').orderBy('id').limit(rows)).execute();
  plain.db.exec('CREATE INDEX IF NOT EXISTS plain_contacts_updated ON plain_contacts (updated_at, id)');
  plain.db.prepare('UPDATE plain_contacts SET updated_at = ? WHERE id IN (SELECT id FROM plain_contacts ORDER BY id LIMIT ?)').run(old, rows);

  const officerUser = await addBenchUser(kernel, {
    email: `retention-${Date.now()}@bench.example.com`,
    name: 'Officer',
    roles: ['privacy_officer'],
    tokenName: 'retention',
  });
  const officer = userActor({ id: officerUser.user.id, teamId: null }, ['privacy_officer'], { id: 'bench', kind: 'full', mfaAt: new Date().toISOString() });
  await createRetentionRule(kernel, officer, noRequest, {
    object: 'contacts',
    purpose: 'customer_relations',
    action: 'delete',
    trigger: 'inactivity',
    days: 3650,
    enabled: true,
  });

  globalThis.gc?.();
  const rssStart = process.memoryUsage().rss;
  let rssPeak = rssStart;
  const sampler = setInterval(() => {
    rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
  }, 100);
  const started = performance.now();
  const run = await startRetentionRun(kernel, officer, noRequest, { kind: 'manual', dryRun: false });
  const elapsed = performance.now() - started;
  clearInterval(sampler);
  const removed = run.rules.reduce((n, r) => n + r.removed, 0);
  // Contacts another benchmark gave a billing account (list_subscriptions) are kept as referenced:
  // every due contact must be either removed or kept for a named cause.
  const kept = run.rules.reduce((n, r) => n + r.held + r.restricted + r.referenced, 0);
  if (removed === 0 || removed + kept !== rows) throw new Error(`the retention run removed ${removed} and kept ${kept} of ${rows} due contacts`);

  const cutoff = new Date(Date.now() - 3650 * 86_400_000).toISOString();
  const page = plain.db.prepare(
    'SELECT id, updated_at FROM plain_contacts WHERE updated_at < ? AND (updated_at, id) > (?, ?) ORDER BY updated_at, id LIMIT 1000',
  );
  const remove = plain.db.prepare('DELETE FROM plain_contacts WHERE id = ?');
  const batch = plain.db.transaction((ids) => {
    for (const id of ids) remove.run(id);
  });
  const baseStarted = performance.now();
  let cursor = ['', ''];
  let plainRemoved = 0;
  for (;;) {
    const found = page.all(cutoff, cursor[0], cursor[1]);
    if (!found.length) break;
    batch(found.map((r) => r.id));
    plainRemoved += found.length;
    const last = found.at(-1);
    cursor = [last.updated_at, last.id];
  }
  const baseElapsed = performance.now() - baseStarted;
  // Per 1 000 due contacts: a kept one is looked at (hold, restriction, references) as a removed one is.
  const per1000 = (elapsed / rows) * 1000;
  const basePer1000 = (baseElapsed / plainRemoved) * 1000;
  benchLine('retention_purge', per1000, basePer1000, 'ms');
  note(
    `retention_purge: ${removed} contacts deleted (${kept} kept as referenced, held or restricted) in ${fmt(elapsed / 1000, 1)} s (${fmt(per1000, 1)} ms per 1 000; plaintext batched delete ${fmt(basePer1000, 2)} ms per 1 000); peak RSS growth ${fmt((rssPeak - rssStart) / 2 ** 20, 1)} MiB`,
  );
}
