import { describe, expect, it } from 'vitest';
import { sealPackage } from '../../../server/src/modules/subject-data/package-crypto.js';
import { openAccessPackage } from '../../src/features/privacy/portal/open-package.js';

/** The portal opens in the browser exactly what the server seals (same scrypt, same AES-GCM layout). */
describe('opening an access package in the browser', () => {
  const passphrase = 'abcde-fghjk-mnpqr-stuvw-xyz23-45678';
  const document = JSON.stringify({ records: { contacts: [{ name: '李雷', email: 'lilei@example.com' }] } });
  const sealed = new Uint8Array(sealPackage(passphrase, Buffer.from(document, 'utf8')));

  it('opens a package the server sealed', async () => {
    expect(await openAccessPackage(passphrase, sealed)).toBe(document);
    // Spaces around a pasted passphrase do not matter.
    expect(await openAccessPackage(`  ${passphrase}\n`, sealed)).toBe(document);
  });

  it('refuses a wrong passphrase, an altered byte and a file that is no package', async () => {
    await expect(openAccessPackage('abcde-fghjk-mnpqr-stuvw-xyz23-45679', sealed)).rejects.toMatchObject({ reason: 'wrong_passphrase' });
    const altered = sealed.slice();
    altered[altered.length - 1] = (altered[altered.length - 1] ?? 0) ^ 1;
    await expect(openAccessPackage(passphrase, altered)).rejects.toMatchObject({ reason: 'wrong_passphrase' });
    await expect(openAccessPackage(passphrase, new TextEncoder().encode('{"not":"a package"}'))).rejects.toMatchObject({ reason: 'not_a_package' });
  });
});
