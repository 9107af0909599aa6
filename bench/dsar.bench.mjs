import path from 'node:path';
import { addBenchUser, createBenchInstall } from './lib/install.mjs';
import { fmt } from './lib/measure.mjs';
import { benchLine, note } from './lib/report.mjs';
import { buildAccessPackage, eraseSubject, noRequest, userActor } from './lib/server.mjs';

/**
 * BENCH dsar_export_erase: milliseconds to build the access package of one data subject (a contact
 * with a case and a consent) and then erase them, at the run's size (protected=) versus an
 * installation of 10 000 contacts (baseline=). ratio = big/small: the target is 1 ± 0.2 — the
 * export plan reads every table by subject_id (or its via column) through an index, so the cost
 * does not grow with the number of other people. The median of `rounds` subjects is reported.
 */
export async function benchDsar({ install, size, root, rounds = 7 }) {
  const big = await measureInstall(install, rounds);
  note(`dsar_export_erase: ${fmt(big, 1)} ms at ${size} contacts; now an installation of 10000`);
  const small = await createBenchInstall(path.join(root, 'dsar-10k'));
  try {
    await fillContacts(small, 10_000);
    const base = await measureInstall(small, rounds);
    benchLine('dsar_export_erase', big, base, 'ms');
    note(`dsar_export_erase: export + erasure of one subject: ${fmt(big, 1)} ms at ${size} contacts vs ${fmt(base, 1)} ms at 10000 (ratio target 0.8–1.2)`);
  } finally {
    await small.close();
  }
}

async function fillContacts(install, count) {
  for (let start = 0; start < count; start += 5000) {
    const bodies = Array.from({ length: Math.min(5000, count - start) }, (_, i) => ({
      name: `Bench Person ${start + i}`,
      email: `bench.${start + i}@dsar.example.com`,
      phone: `139${String(10_000_000 + start + i).slice(-8)}`,
    }));
    await install.store.createMany(install.actor, noRequest, 'contacts', bodies);
  }
}

async function measureInstall(install, rounds) {
  const { kernel, app } = install;
  const desk = await addBenchUser(kernel, { email: `desk-${Date.now()}@bench.example.com`, name: 'Desk', roles: ['service_agent'], tokenName: 'dsar-desk' });
  const officerUser = await addBenchUser(kernel, {
    email: `officer-${Date.now()}@bench.example.com`,
    name: 'Officer',
    roles: ['privacy_officer'],
    tokenName: 'dsar',
  });
  const post = async (url, payload) => {
    const res = await app.inject({ method: 'POST', url, headers: { authorization: `Bearer ${desk.token}` }, payload });
    if (res.statusCode !== 201) throw new Error(`${url}: ${res.statusCode} ${res.body}`);
    return res.json();
  };
  const times = [];
  for (let round = 0; round < rounds; round += 1) {
    const contact = await post('/api/v1/contacts', {
      name: `Subject ${round}`,
      email: `subject.${round}.${Date.now()}@dsar.example.com`,
      phone: '13800001234',
    });
    await post('/api/v1/cases', { contactId: contact.id, category: 'complaint', priority: 'p2', channel: 'wechat', description: 'bench case' });
    await post('/api/v1/consents', { contactId: contact.id, purpose: 'marketing', channel: 'sms', status: 'granted', source: 'call', evidence: 'bench' });
    const subject = await kernel.db.kysely.selectFrom('contacts').select('subject_id').where('id', '=', contact.id).executeTakeFirstOrThrow();
    const officer = userActor({ id: officerUser.user.id, teamId: null }, ['privacy_officer'], { id: 'bench', kind: 'full', mfaAt: new Date().toISOString() });
    const started = performance.now();
    await buildAccessPackage(kernel, officer, noRequest, subject.subject_id, { format: 'json' });
    const erased = await eraseSubject(kernel, officer, noRequest, subject.subject_id, {});
    times.push(performance.now() - started);
    if (erased.status !== 'done') throw new Error('the erasure did not finish');
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}
