import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/http/build-app.js';
import { noRequest } from '../../src/platform/audit/audit-event.js';
import { formatSyslogMessage } from '../../src/platform/audit/siem/syslog-format.js';
import { onBehalfOfActor } from '../../src/platform/authz/actor.js';
import { exportRecords } from '../../src/platform/data/export-records.js';
import { ProtectedStore } from '../../src/platform/data/protected-store.js';
import { testDialects } from '../helpers/databases.js';
import { addUser, createTestInstall, type TestInstall, type TestUser, tokenFor } from '../helpers/test-install.js';

/**
 * An operator at the console exporting "as" a user (castellan export --as E): E's permission, scope
 * and field rules apply, but every audit event names the operator (OS account) as the actor and E
 * only as the user acted for — in the table, the audit query API, the per-contact access list and
 * the SIEM message. Nobody at the console can make the export look like E's own.
 */
describe.each(testDialects)('exports by an operator on behalf of a user on %s', (dialect) => {
  let install: TestInstall;
  let store: ProtectedStore;
  let manager: TestUser;
  let auditToken: string;
  let app: Awaited<ReturnType<typeof buildApp>>;
  let contactId: string;
  const operator = { osUser: 'ops-console', verb: 'export contacts' };

  beforeAll(async () => {
    install = await createTestInstall(dialect);
    store = new ProtectedStore(install.kernel);
    manager = await addUser(install.kernel, ['sales_manager'], 'North');
    const elsewhere = await addUser(install.kernel, ['sales_manager'], 'South');
    contactId = String((await store.create(manager.actor, noRequest, 'contacts', { name: '林美', idNumber: '110101199003071234' })).id);
    await store.create(elsewhere.actor, noRequest, 'contacts', { name: 'Out Of Scope' });
    await store.create(manager.actor, noRequest, 'accounts', { name: 'North Star Media', kind: 'advertiser' });
    await store.create(elsewhere.actor, noRequest, 'accounts', { name: 'South Wind Films', kind: 'advertiser' });
    auditToken = await tokenFor(install.kernel, await addUser(install.kernel, ['audit_admin']));
    app = await buildApp(install.kernel, { logger: false });
    await app.ready();
  });
  afterAll(async () => {
    await app?.close();
    await install?.cleanup();
  });

  async function exported(object: 'contacts' | 'accounts', user = manager): Promise<Record<string, unknown>[]> {
    const actor = onBehalfOfActor({ ...operator, verb: `export ${object}` }, { id: user.id, teamId: user.teamId }, user.roles);
    let text = '';
    for await (const chunk of exportRecords(store, actor, noRequest, object, 'jsonl')) text += chunk;
    return text
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line));
  }
  const newestEvent = (action: string) =>
    install.kernel.db.kysely.selectFrom('audit_events').selectAll().where('action', '=', action).orderBy('seq', 'desc').limit(1).executeTakeFirstOrThrow();

  it("applies the user's scope and masking, and names the operator as the actor", async () => {
    const rows = await exported('contacts');
    expect(rows.map((r) => r.name)).toEqual(['林美']);
    expect(rows[0]?.idNumber).toBe('1101**********1234');
    const event = await newestEvent('personal_data.export');
    expect(event.actor_kind).toBe('operator');
    expect(event.actor_id).toBe('os:ops-console');
    expect(event.actor_id).not.toContain(manager.id);
    expect(JSON.parse(String(event.detail))).toMatchObject({ onBehalfOf: manager.id, cliVerb: 'export contacts' });
  });

  it('shows the operator as actor and the user as acted-for in the audit query API and the access list', async () => {
    const res = await app.inject({
      method: 'GET',
      url: '/api/v1/audit-events?action=personal_data.export&limit=1',
      headers: { authorization: `Bearer ${auditToken}` },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().items[0]).toMatchObject({ actorKind: 'operator', actorId: 'os:ops-console', onBehalfOf: manager.id });
    // Filtering by the user finds nothing the operator did: the user did not act.
    const byUser = await app.inject({
      method: 'GET',
      url: `/api/v1/audit-events?action=personal_data.export&actor=${manager.id}`,
      headers: { authorization: `Bearer ${auditToken}` },
    });
    expect(byUser.json().items).toEqual([]);

    const accesses = await app.inject({
      method: 'GET',
      url: `/api/v1/contacts/${contactId}/accesses`,
      // "Who has seen this customer" is for audit and privacy roles (audit.personal).
      headers: { authorization: `Bearer ${await tokenFor(install.kernel, await addUser(install.kernel, ['privacy_officer']))}` },
    });
    expect(accesses.statusCode, accesses.body).toBe(200);
    const exportAccess = accesses.json().items.find((a: { action: string }) => a.action === 'personal_data.export');
    expect(exportAccess.actor).toEqual({ kind: 'operator', id: 'os:ops-console', userId: null, onBehalfOf: manager.id });
  });

  it('shows both in the SIEM message', async () => {
    const message = formatSyslogMessage(await newestEvent('personal_data.export'), { facility: 10, hostname: 'h' });
    expect(message).toContain(`actor="operator:os:ops-console" onBehalfOf="${manager.id}"`);
  });

  it('exports accounts with the accounts.export permission, in scope, audited as an export', async () => {
    const rows = await exported('accounts');
    expect(rows.map((r) => r.name)).toEqual(['North Star Media']);
    const event = await newestEvent('record.exported');
    expect(event).toMatchObject({ actor_kind: 'operator', actor_id: 'os:ops-console', resource: 'accounts', outcome: 'success' });
    expect(JSON.parse(String(event.detail))).toMatchObject({ count: 1, onBehalfOf: manager.id });
  });

  it('refuses a user without the export permission, exporting nothing', async () => {
    const rep = await addUser(install.kernel, ['sales_rep'], 'North');
    await expect(exported('accounts', rep)).rejects.toThrow(/accounts\.export/);
    await expect(exported('contacts', rep)).rejects.toThrow(/contacts\.export/);
  });
});
