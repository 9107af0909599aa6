#!/usr/bin/env node
/**
 * Where the time of a backup goes (issue 11): the steps of `castellan backup create` and of the
 * verify/restore read path, each timed alone in-process on a fresh installation of N contacts
 * (default 20 000), with the shipped modules from packages/server/dist (run `npm run build` first):
 *   node bench/profile-backup.mjs [N]
 * Not part of `npm run bench`; it prints '#' lines only.
 */
import { createHash, randomBytes } from 'node:crypto';
import path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import Database from 'better-sqlite3';
import { createBenchInstall } from './lib/install.mjs';
import { fmt } from './lib/measure.mjs';
import { contactBatch } from './lib/people.mjs';
import { createRng } from './lib/prng.mjs';
import { note } from './lib/report.mjs';
import { noRequest } from './lib/server.mjs';
import { makeTempRoot } from './lib/tempdir.mjs';

const dist = '../packages/server/dist/platform';
const { openSnapshot } = await import(`${dist}/backup/snapshot-reader.js`);
const { encodeRow, decodeRow, RowChecksum } = await import(`${dist}/backup/row-codec.js`);
const { chunkKeys } = await import(`${dist}/backup/backup-chunk.js`);
const { sealBytes, openBytes } = await import(`${dist}/crypto/envelope.js`);
const { localFolderTarget } = await import(`${dist}/backup/local-folder.target.js`);

const size = Number(process.argv[2] ?? 20_000);
const temp = makeTempRoot('castellan-backup-profile-');
const install = await createBenchInstall(temp.root);
try {
  const rng = createRng(20250101);
  for (let done = 0; done < size; done += 5000)
    await install.store.createMany(install.actor, noRequest, 'contacts', contactBatch(rng, Math.min(5000, size - done)));
  const suite = install.kernel.suite;
  const keys = chunkKeys(randomBytes(32));
  const target = localFolderTarget('profile', path.join(temp.root, 'target'));
  const t = { read: 0, encode: 0, checksum: 0, join: 0, mac: 0, gzip: 0, seal: 0, put: 0, getBack: 0, sha: 0 };
  const tick = (k, t0) => {
    const now = performance.now();
    t[k] += now - t0;
    return now;
  };
  const stored = [];
  let rows = 0;
  let plainBytes = 0;
  const started = performance.now();
  const snapshot = await openSnapshot(install.config.database);
  for await (const table of snapshot.tables()) {
    let lines = [];
    let n = 0;
    const checksum = new RowChecksum();
    const flush = async () => {
      if (!lines.length) return;
      let t0 = performance.now();
      const plaintext = Buffer.from(`${lines.join('\n')}\n`, 'utf8');
      t0 = tick('join', t0);
      const id = suite.mac(keys.id, plaintext).toString('hex');
      t0 = tick('mac', t0);
      const gz = gzipSync(plaintext, { level: 1 });
      t0 = tick('gzip', t0);
      const bytes = sealBytes(suite, keys.seal, 1, gz, Buffer.from(`aad:${table.name}:${stored.length}:${id}`));
      t0 = tick('seal', t0);
      const file = `chunks/${id}`;
      createHash('sha256').update(bytes).digest('hex');
      t0 = tick('sha', t0);
      await target.put(file, bytes);
      t0 = tick('put', t0);
      const back = await target.get(file);
      t0 = tick('getBack', t0);
      createHash('sha256').update(back).digest('hex');
      tick('sha', t0);
      stored.push({ file, id, table: table.name, columns: table.columns.length, aad: `aad:${table.name}:${stored.length}:${id}` });
      plainBytes += plaintext.length;
      lines = [];
      n = 0;
    };
    const it = table.rows[Symbol.asyncIterator]();
    for (;;) {
      let t0 = performance.now();
      const next = await it.next();
      t0 = tick('read', t0);
      if (next.done) break;
      const line = encodeRow(next.value);
      t0 = tick('encode', t0);
      checksum.add(line);
      tick('checksum', t0);
      lines.push(line);
      n += line.length + 1;
      rows += 1;
      if (n >= 4 * 1024 * 1024) await flush();
    }
    await flush();
  }
  await snapshot.close();
  const total = performance.now() - started;
  const mib = plainBytes / 2 ** 20;
  note(
    `backup create path: ${rows} rows, ${fmt(mib, 1)} MiB of row lines, ${stored.length} chunks, ${fmt(total, 0)} ms in all (${fmt(mib / (total / 1000), 1)} MiB/s of lines)`,
  );
  for (const [k, v] of Object.entries(t)) note(`  ${k.padEnd(9)} ${fmt(v, 0).padStart(7)} ms  ${fmt((100 * v) / total, 1).padStart(5)} %`);

  // The floor of the read step: the same tables read with better-sqlite3's own synchronous iterator.
  const raw = new Database(install.dbFile, { readonly: true });
  const s0 = performance.now();
  let rawRows = 0;
  for (const { name } of raw.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").all())
    for (const _ of raw.prepare(`SELECT * FROM "${name}"`).raw().iterate()) rawRows += 1;
  note(`  (read floor: ${rawRows} rows through better-sqlite3's synchronous iterator in ${fmt(performance.now() - s0, 0)} ms)`);
  raw.close();

  const r = { get: 0, open: 0, gunzip: 0, mac: 0, split: 0, checksum: 0, decode: 0 };
  const rt0 = performance.now();
  for (const s of stored) {
    let t0 = performance.now();
    const bytes = await target.get(s.file);
    t0 = tickR('get', t0);
    const gz = openBytes(keys.seal, bytes, Buffer.from(s.aad), suite);
    t0 = tickR('open', t0);
    const plaintext = gunzipSync(gz);
    t0 = tickR('gunzip', t0);
    suite.mac(keys.id, plaintext);
    t0 = tickR('mac', t0);
    const lines = plaintext.toString('utf8').slice(0, -1).split('\n');
    t0 = tickR('split', t0);
    const checksum = new RowChecksum();
    for (const line of lines) checksum.add(line);
    t0 = tickR('checksum', t0);
    for (const line of lines) decodeRow(line, s.columns);
    tickR('decode', t0);
  }
  const rtotal = performance.now() - rt0;
  note(`verify/restore read path (once; restore reads every chunk twice: verify, then load): ${fmt(rtotal, 0)} ms`);
  for (const [k, v] of Object.entries(r)) note(`  ${k.padEnd(9)} ${fmt(v, 0).padStart(7)} ms  ${fmt((100 * v) / rtotal, 1).padStart(5)} %`);
  function tickR(k, t0) {
    const now = performance.now();
    r[k] += now - t0;
    return now;
  }
} finally {
  await install.close();
  temp.remove();
}
