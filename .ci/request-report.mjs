#!/usr/bin/env node
// After a failed browser run: what the test servers' logs (CASTELLAN_TEST_KEEP_LOGS) say about the
// requests — the slowest, the answers of 5xx, and any request that came in and was never answered
// (a socket dropped mid-request: what the browser sees as a failed load). No personal value is in
// these logs (paths without query strings, pseudonymous addresses).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

const dir = process.argv[2];
const files = [];
const walk = (d) => {
  for (const name of readdirSync(d)) {
    const p = path.join(d, name);
    if (statSync(p).isDirectory()) walk(p);
    else if (name.endsWith('.log')) files.push(p);
  }
};
walk(dir);
const done = [];
const unanswered = [];
for (const file of files) {
  const open = new Map();
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line.startsWith('{')) continue;
    let entry;
    try {
      entry = JSON.parse(line);
    } catch {
      continue;
    }
    if (entry.msg === 'incoming request') open.set(entry.reqId, entry);
    else if (entry.msg === 'request completed') {
      const start = open.get(entry.reqId);
      open.delete(entry.reqId);
      done.push({ file: path.basename(path.dirname(file)), ms: Math.round(entry.responseTime), status: entry.res?.statusCode, what: `${start?.req?.method} ${start?.req?.path}` });
    }
  }
  for (const entry of open.values()) unanswered.push({ file: path.basename(path.dirname(file)), at: new Date(entry.time).toISOString(), what: `${entry.req?.method} ${entry.req?.path}` });
}
console.log(`== requests in ${files.length} server logs: ${done.length} answered, ${unanswered.length} never answered`);
for (const u of unanswered.slice(0, 20)) console.log(`  never answered: ${u.what} (${u.file}, came in ${u.at})`);
for (const d of done.filter((d) => d.status >= 500).slice(0, 20)) console.log(`  ${d.status}: ${d.what} in ${d.ms} ms (${d.file})`);
for (const d of done.sort((a, b) => b.ms - a.ms).slice(0, 10)) console.log(`  slow: ${d.what} ${d.status} in ${d.ms} ms (${d.file})`);
