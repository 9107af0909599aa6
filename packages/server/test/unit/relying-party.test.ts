import { describe, expect, it } from 'vitest';
import { relyingParty } from '../../src/platform/identity/passkeys.js';

/**
 * The WebAuthn relying party comes from CASTELLAN_PUBLIC_URL; without it the Host header counts only
 * when it names this machine (a Host header is the client's word: behind a proxy, or from a
 * DNS-rebinding page, it names whatever the attacker likes).
 */
describe('passkey relying party', () => {
  it.each([
    // [Host header, CASTELLAN_PUBLIC_URL, rpID, origin]
    ['localhost:8443', undefined, 'localhost', 'https://localhost:8443'],
    ['LocalHost', undefined, 'localhost', 'https://localhost'],
    ['evil.example', 'https://crm.example.com', 'crm.example.com', 'https://crm.example.com'],
    [undefined, 'https://crm.example.com:9443/', 'crm.example.com', 'https://crm.example.com:9443'],
  ] as const)('Host %s with public URL %s → %s', (host, publicUrl, rpID, origin) => {
    expect(relyingParty(host, publicUrl)).toEqual({ rpID, origin });
  });

  it.each([
    // [Host header, the error message must match]
    ['crm.example.com', /CASTELLAN_PUBLIC_URL/],
    ['crm.example.com:8443', /CASTELLAN_PUBLIC_URL/],
    ['localhost.evil.example', /CASTELLAN_PUBLIC_URL/],
    ['127.0.0.1:8443', /domain name .*not an IP address/],
    ['[::1]:8443', /domain name .*not an IP address/],
    ['localhost@evil.example', /Host header is missing or not valid/],
    ['localhost/evil', /Host header is missing or not valid/],
    [undefined, /Host header is missing or not valid/],
  ] as const)('refuses Host %s without a public URL', (host, message) => {
    expect(() => relyingParty(host, undefined)).toThrow(message);
  });
});
