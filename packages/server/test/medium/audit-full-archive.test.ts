import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { noRequest } from '../../src/platform/audit/audit-event.js';
import { archiveExpiredEvents } from '../../src/platform/audit/retention.js';
import { verifyAuditChain } from '../../src/platform/audit/verify-audit-chain.js';
import { asSystem } from '../../src/platform/data/as-system.js';
import { testDialects } from '../helpers/databases.js';
import { addUser, createTestInstall, type TestInstall } from '../helpers/test-install.js';

const DAY = 86_400_000;

/**
 * A retention cut that archives EVERY event (nothing happened for a whole retention period) leaves
 * the table empty; the events appended next — the cut's own audit.archived first — must chain from
 * the signed anchor, not start a new chain from the genesis hash (which `audit verify` rightly
 * reports as removed events).
 */
describe.each(testDialects)('archiving the whole audit trail on %s', (dialect) => {
  let install: TestInstall;
  beforeAll(async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    install = await createTestInstall(dialect);
  });
  afterAll(async () => {
    vi.useRealTimers();
    await install?.cleanup();
  });

  it('continues the chain from the anchor, so the trail still verifies', async () => {
    const kernel = install.kernel;
    await addUser(kernel, ['sales_rep'], 'Quiet');
    const last = await kernel.db.kysely.selectFrom('audit_events').select(['seq', 'hash']).orderBy('seq', 'desc').limit(1).executeTakeFirstOrThrow();
    vi.setSystemTime(new Date(Date.now() + 400 * DAY));
    const result = await archiveExpiredEvents(kernel);
    expect(result?.toSeq).toBe(Number(last.seq));
    const after = await kernel.db.kysely.selectFrom('audit_events').select(['seq', 'action', 'prev_hash']).orderBy('seq').execute();
    expect(after.map((e) => e.action)).toEqual(['audit.archived']);
    expect(after[0]?.prev_hash).toBe(last.hash);
    await kernel.transaction((tx) => tx.audit(asSystem('test fixture'), noRequest, { action: 'audit.verified', outcome: 'success' }));
    expect(await verifyAuditChain(kernel)).toMatchObject({ intact: true });
  });
});
