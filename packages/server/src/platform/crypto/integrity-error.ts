/** A ciphertext, envelope or signature failed authentication. Never carries plaintext or key bytes. */
export class IntegrityError extends Error {
  readonly code = 'integrity_error';
  constructor(message: string) {
    super(message);
    this.name = 'IntegrityError';
  }
}
