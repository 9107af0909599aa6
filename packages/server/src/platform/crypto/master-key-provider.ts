export type MasterKeyProviderKind = 'file' | 'env' | 'pkcs11';
export interface MasterKeyProvider {
  readonly kind: MasterKeyProviderKind;
  /** Stable, non-secret identifier of the KEK (e.g. a fingerprint or the HSM label); stored beside wrapped keys. */
  readonly keyId: string;
  /** Encrypts a data key under the KEK, binding `aad`; returns an opaque blob. */
  wrap(dataKey: Buffer, aad: Buffer): Promise<Buffer>;
  /** Reverses wrap; throws IntegrityError (from ./integrity-error.js) when the blob, aad or KEK do not match. */
  unwrap(wrapped: Buffer, aad: Buffer): Promise<Buffer>;
  close(): Promise<void>;
}
