import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiCallers } from '../helpers/api-callers.js';
import { testDialects } from '../helpers/databases.js';
import { type App, startTestApp, stopTestApp } from '../helpers/test-app.js';
import type { TestInstall } from '../helpers/test-install.js';

/**
 * Reference data (channels here) through the generated routes: every holder of `<object>.read` sees
 * every row, whatever their team; writes need the object's permission; bad input and duplicates are
 * refused and change nothing.
 */
describe.each(testDialects)('reference records over HTTP on %s', (dialect) => {
  let install: TestInstall;
  let app: App;
  const { call, addCallers } = apiCallers(() => app);

  beforeAll(async () => {
    ({ install, app } = await startTestApp(dialect));
    await addCallers(install.kernel, {
      manager: [['sales_manager'], 'North'],
      rep: [['sales_rep'], 'South'],
      agent: [['service_agent'], 'Care'],
    });
  });
  afterAll(async () => stopTestApp({ install, app }));

  it('creates, lists, reads, changes and deletes a channel; every seller of any team reads it', async () => {
    const created = await call('manager', 'POST', '/api/v1/channels', { code: 'CCTV-1', name: '综合频道', kind: 'tv' });
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json().id;
    expect(created.json()).toMatchObject({ code: 'CCTV-1', kind: 'tv', active: true });
    expect(created.json().ownerId).toBeUndefined();
    const listed = await call('rep', 'GET', '/api/v1/channels?kind=tv');
    expect(listed.json().items.map((c: { id: string }) => c.id)).toContain(id);
    expect((await call('rep', 'GET', `/api/v1/channels/${id}`)).json().name).toBe('综合频道');
    const changed = await call('manager', 'PATCH', `/api/v1/channels/${id}`, { active: false });
    expect(changed.json().active).toBe(false);
    expect((await call('rep', 'GET', '/api/v1/channels?active=false')).json().items).toHaveLength(1);
    expect((await call('manager', 'DELETE', `/api/v1/channels/${id}`)).statusCode).toBe(204);
    expect((await call('rep', 'GET', `/api/v1/channels/${id}`)).statusCode).toBe(404);
  });

  it('refuses writes without the permission, and every access without read', async () => {
    expect((await call('rep', 'POST', '/api/v1/channels', { code: 'X1', name: 'X', kind: 'tv' })).statusCode).toBe(403);
    expect((await call('agent', 'GET', '/api/v1/channels')).statusCode).toBe(403);
  });

  it('refuses bad input and a duplicate code, changing nothing', async () => {
    const before = (await call('rep', 'GET', '/api/v1/channels')).json().items.length;
    for (const bad of [
      { code: 'A', name: 'A' },
      { code: 'A', name: 'A', kind: 'satellite' },
      { code: '', name: 'A', kind: 'tv' },
      { code: 'A', name: 'A', kind: 'tv', ownerId: 'x' },
    ]) {
      expect((await call('manager', 'POST', '/api/v1/channels', bad)).statusCode, JSON.stringify(bad)).toBe(400);
    }
    expect((await call('manager', 'POST', '/api/v1/channels', { code: 'DUP', name: 'One', kind: 'radio' })).statusCode).toBe(201);
    const twice = await call('manager', 'POST', '/api/v1/channels', { code: 'DUP', name: 'Two', kind: 'radio' });
    expect(twice.statusCode).toBe(409);
    expect(twice.json().error.code).toBe('conflict');
    expect((await call('rep', 'GET', '/api/v1/channels')).json().items.length).toBe(before + 1);
  });
});
