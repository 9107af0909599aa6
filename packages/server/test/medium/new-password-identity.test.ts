import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { noRequest } from '../../src/platform/audit/audit-event.js';
import { asSystem } from '../../src/platform/data/as-system.js';
import { assertAcceptableNewPassword } from '../../src/platform/identity/new-password-check.js';
import { createUser, type UserRecord } from '../../src/platform/identity/user-directory.js';
import { testDialects } from '../helpers/databases.js';
import { createTestInstall, type TestInstall, USER_PASSWORD } from '../helpers/test-install.js';

/** A new password (change or reset: both pass here) may contain neither the user's e-mail nor their name — as at creation. */
describe.each(testDialects)('new passwords and the user’s identity on %s', (dialect) => {
  let install: TestInstall;
  let user: UserRecord;
  beforeAll(async () => {
    install = await createTestInstall(dialect);
    user = await install.kernel.transaction((tx) =>
      createUser(install.kernel, tx, asSystem('test fixture'), noRequest, {
        email: 'quillon.brightwater@example.com',
        name: 'Marguerite Okonkwo',
        roles: ['marketing'],
        password: USER_PASSWORD,
      }),
    );
  });
  afterAll(async () => install?.cleanup());

  const problemsOf = (password: string) =>
    assertAcceptableNewPassword(install.kernel, user.id, password).then(
      () => [],
      (error: { details?: string[] }) => error.details ?? ['?'],
    );

  it('refuses a password holding the name', async () => {
    expect(await problemsOf('okonkwo orchard lantern 77')).toContain('contains_identity');
  });

  it('refuses a password holding the e-mail address', async () => {
    expect(await problemsOf('quillon.brightwater is my secret')).toContain('contains_identity');
  });

  it('accepts a strong password holding neither', async () => {
    expect(await problemsOf('velvet harbour stone 42 maple')).toEqual([]);
  });
});
