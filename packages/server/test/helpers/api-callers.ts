import { expect } from 'vitest';
import type { Kernel } from '../../src/platform/kernel.js';
import type { SampleCall } from './samples/types.js';
import type { App } from './test-app.js';
import { addUser, type TestUser, tokenFor } from './test-install.js';

export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'DELETE';

/** Who to add: a name for each test user, with its default roles and (optionally) its team. */
export type CallerTable = Record<string, readonly [roles: readonly string[], team?: string]>;

/**
 * Named test users calling the in-process API, each with its own integration token. `app` is a
 * getter because the app is started in `beforeAll`, after the callers are declared.
 */
export function apiCallers(app: () => App) {
  const tokens: Record<string, string> = {};

  /** One request as `who` (a name given to `addCallers`, or set in `tokens`). */
  const call = (who: string, method: HttpMethod, url: string, payload?: object) =>
    app().inject({ method, url, headers: { authorization: `Bearer ${tokens[who]}` }, ...(payload ? { payload } : {}) });

  /** `who` as a `SampleCall`, for the sample makers and fixtures. */
  const as =
    (who: string): SampleCall =>
    (method, url, payload) =>
      call(who, method, url, payload) as never;

  /** POSTs as `who`, expects 201 (showing the body otherwise) and answers the created record. */
  const created = async (who: string, url: string, payload: object) => {
    const res = await call(who, 'POST', url, payload);
    expect(res.statusCode, res.body).toBe(201);
    return res.json();
  };

  /** Adds the users of the table in order, each with a token; answers them by name. */
  const addCallers = async <T extends CallerTable>(kernel: Kernel, users: T): Promise<Record<keyof T, TestUser>> => {
    const made = {} as Record<keyof T, TestUser>;
    for (const [name, [roles, team]] of Object.entries(users)) {
      const user = await addUser(kernel, [...roles], team);
      made[name as keyof T] = user;
      tokens[name] = await tokenFor(kernel, user);
    }
    return made;
  };

  return { tokens, call, as, created, addCallers };
}
