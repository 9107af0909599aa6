import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { generate } from 'selfsigned';

/** A self-signed ECDSA P-256 certificate for localhost, valid one year; key file mode 0600. */
export async function writeSelfSignedCertificate(certFile: string, keyFile: string, hostname: string): Promise<void> {
  const names = [...new Set(['localhost', hostname].filter((h) => h && h !== '0.0.0.0' && h !== '::'))];
  const notAfter = new Date(Date.now() + 365 * 86_400_000);
  const pems = await generate(
    [
      { name: 'commonName', value: 'localhost' },
      { name: 'organizationName', value: 'Castellan (self-signed)' },
    ],
    {
      keyType: 'ec',
      curve: 'P-256',
      algorithm: 'sha256',
      notAfterDate: notAfter,
      extensions: [
        { name: 'basicConstraints', cA: false },
        { name: 'keyUsage', digitalSignature: true, critical: true },
        { name: 'extKeyUsage', serverAuth: true },
        {
          name: 'subjectAltName',
          altNames: [...names.map((value) => ({ type: 2 as const, value })), { type: 7, ip: '127.0.0.1' }, { type: 7, ip: '::1' }],
        },
      ],
    },
  );
  mkdirSync(path.dirname(certFile), { recursive: true, mode: 0o700 });
  mkdirSync(path.dirname(keyFile), { recursive: true, mode: 0o700 });
  writeFileSync(keyFile, pems.private, { mode: 0o600, flag: 'wx' });
  writeFileSync(certFile, pems.cert, { mode: 0o644, flag: 'wx' });
}
