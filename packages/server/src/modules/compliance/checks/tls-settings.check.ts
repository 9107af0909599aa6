import { type CheckOutcome, failing, passing } from '../compliance-check.js';
import type { ComplianceState } from '../compliance-state.js';

const versions = ['TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'];
export const minimumTlsVersion = 'TLSv1.2';
/** Cipher names that are broken or offer no confidentiality / authentication. */
const weak = /(^|[-_])(RC4|DES|3DES|NULL|EXPORT|EXP|MD5|ANON|ADH|AECDH|PSK|SRP|IDEA|SEED)([-_]|$)|^(e|a)?NULL$|^ALL$|^LOW$|^MEDIUM$/i;

/** The configured cipher-list entries that enable a weak cipher (entries starting `!` or `-` remove ciphers). */
export function weakCiphers(cipherList: string): string[] {
  return cipherList
    .split(':')
    .map((entry) => entry.trim())
    .filter((entry) => entry && !entry.startsWith('!') && !entry.startsWith('-'))
    .filter((entry) => entry.split('+').some((part) => weak.test(part)));
}

/** The HTTPS server refuses protocols below TLS 1.2 and enables no weak cipher. */
export function tlsSettings(state: Pick<ComplianceState, 'tls'>): CheckOutcome {
  const weakOnes = weakCiphers(state.tls.ciphers);
  const versionOk = versions.indexOf(state.tls.minVersion) >= versions.indexOf(minimumTlsVersion);
  const evidence = { minVersion: state.tls.minVersion, requiredMinVersion: minimumTlsVersion, weakCiphers: weakOnes };
  if (!versionOk) return failing(`the server accepts ${state.tls.minVersion}, below ${minimumTlsVersion}`, evidence);
  if (weakOnes.length > 0) return failing(`the server enables ${weakOnes.length} weak cipher entr(ies)`, evidence);
  return passing(`the server requires ${state.tls.minVersion} or later with no weak cipher`, evidence);
}
