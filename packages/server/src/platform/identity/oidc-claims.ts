import type { RoleKey } from '@castellan/shared';
import type { OidcConfig } from '../../config/load-config.js';

/** Reading an ID token's (and UserInfo's) claims: e-mail, groups, name, and whether the IdP's sign-in was multi-factor. */
export type Claims = Record<string, unknown>;

const MFA_AMR = new Set(['mfa', 'otp', 'hwk']);

export const stringClaim = (claims: Claims, name: string): string | undefined => {
  const value = claims[name];
  return typeof value === 'string' && value.trim() ? value.trim() : undefined;
};

export function groupsOf(claims: Claims, name: string): string[] {
  const value = claims[name];
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.filter((g): g is string => typeof g === 'string');
  return [];
}

/** The roles the mapping gives these groups, and every role the mapping can give (which SSO manages). */
export function mappedRoles(mapping: OidcConfig['roleMapping'], groups: readonly string[]): { granted: RoleKey[]; managed: RoleKey[] } {
  const granted = new Set<RoleKey>();
  // Own keys only: a group named "constructor" or "__proto__" must not reach Object.prototype.
  for (const group of groups) for (const role of Object.hasOwn(mapping, group) ? (mapping[group] ?? []) : []) granted.add(role);
  const managed = new Set<RoleKey>(Object.values(mapping).flat());
  return { granted: [...granted], managed: [...managed] };
}

/**
 * Whether the IdP's sign-in counts as multi-factor. Only what the operator said to trust: `amr`
 * holding mfa, otp or hwk when CASTELLAN_OIDC_TRUST_AMR=true, `acr` equal to CASTELLAN_OIDC_MFA_ACR
 * when that is set. Otherwise Castellan's own second factor is asked, as after a password.
 */
export function idpMultiFactor(claims: Claims, trust: Pick<OidcConfig, 'trustAmr' | 'mfaAcr'>): boolean {
  const amr = Array.isArray(claims.amr) ? claims.amr : [];
  if (trust.trustAmr && amr.some((m) => typeof m === 'string' && MFA_AMR.has(m))) return true;
  return trust.mfaAcr !== undefined && claims.acr === trust.mfaAcr;
}

export const emailVerified = (claims: Claims): boolean => claims.email_verified === true || claims.email_verified === 'true';

export function displayName(claims: Claims, email: string): string {
  const full = stringClaim(claims, 'name') ?? [stringClaim(claims, 'given_name'), stringClaim(claims, 'family_name')].filter(Boolean).join(' ');
  return (full || stringClaim(claims, 'preferred_username') || email.split('@')[0] || email).slice(0, 200);
}
