/**
 * Master key provider backed by a PKCS#11 token (HSM, SoftHSM2, ...).
 *
 * The KEK is an AES-256 secret key that lives on the token and never leaves it: it is generated
 * sensitive and non-extractable, and every wrap/unwrap is an AES-GCM operation performed by the token.
 *
 * Blob format (version 1): 0x01 || iv (12 bytes) || ciphertext || tag (16 bytes).
 *
 * PKCS#11 keeps module initialisation and login state per process and per token, not per session:
 * C_Finalize or C_Logout from one provider would break every other provider on the same module.
 * Providers therefore share a reference-counted module handle and a reference-counted login.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { resolve } from 'node:path';
import type { Module, SecretKey, Session, Slot } from 'graphene-pk11';
import graphene from 'graphene-pk11';
import { IntegrityError } from './integrity-error.js';
import type { MasterKeyProvider } from './master-key-provider.js';

export interface Pkcs11MasterKeyOptions {
  /** Path to the PKCS#11 shared library, e.g. /usr/lib/softhsm/libsofthsm2.so. */
  modulePath: string;
  tokenLabel: string;
  /** User PIN. Never logged nor included in error messages. */
  pin: string;
  /** CKA_LABEL of the AES-256 KEK on the token. */
  keyLabel: string;
  /** Generate the KEK on the token when no key carries `keyLabel`. */
  createIfMissing: boolean;
}

const FORMAT_V1 = 1;
const IV_LENGTH = 12;
const TAG_LENGTH = 16;
const KEK_LENGTH = 32;
const MAX_DATA_KEY_LENGTH = 1024;

const CKR_USER_ALREADY_LOGGED_IN = 0x100;

interface TokenLogin {
  refs: number;
  /** HMAC of the PIN under a per-process random key, to check later opens without keeping the PIN. */
  pinTag: Buffer;
}

interface LoadedModule {
  module: Module;
  refs: number;
  /** Keyed by slot handle (hex). */
  logins: Map<string, TokenLogin>;
}

const loadedModules = new Map<string, LoadedModule>();
const pinTagKey = randomBytes(32);

/** Extracts the CKR_* code name from a PKCS#11 error; never echoes arbitrary text (which could hold secrets). */
function pkcs11Reason(err: unknown): string {
  if (err instanceof Error) {
    const match = /CKR_[A-Z0-9_]+/.exec(err.message);
    if (match) return match[0];
    return err.message.split('\n')[0] ?? 'unknown error';
  }
  return 'unknown error';
}

function pkcs11Code(err: unknown): number | undefined {
  if (err && typeof err === 'object' && 'code' in err && typeof err.code === 'number') return err.code;
  return undefined;
}

function acquireModule(modulePath: string): LoadedModule {
  const existing = loadedModules.get(modulePath);
  if (existing) {
    existing.refs++;
    return existing;
  }
  let module: Module;
  try {
    module = graphene.Module.load(modulePath);
  } catch (err) {
    throw new Error(`PKCS#11: cannot load module ${modulePath}: ${err instanceof Error ? err.message : String(err)}`);
  }
  try {
    module.initialize();
  } catch (err) {
    try {
      module.close();
    } catch {
      /* ignore */
    }
    throw new Error(`PKCS#11: cannot initialise module ${modulePath}: ${pkcs11Reason(err)}`);
  }
  const loaded: LoadedModule = { module, refs: 1, logins: new Map() };
  loadedModules.set(modulePath, loaded);
  return loaded;
}

function releaseModule(modulePath: string): void {
  const loaded = loadedModules.get(modulePath);
  if (!loaded) return;
  loaded.refs--;
  if (loaded.refs > 0) return;
  loadedModules.delete(modulePath);
  try {
    loaded.module.finalize();
  } catch {
    /* best effort */
  }
  try {
    loaded.module.close();
  } catch {
    /* best effort */
  }
}

function findSlot(module: Module, modulePath: string, tokenLabel: string): Slot {
  const slots = module.getSlots(true);
  const matches: Slot[] = [];
  const seen: string[] = [];
  for (let i = 0; i < slots.length; i++) {
    const slot = slots.items(i);
    let label: string;
    try {
      const token = slot.getToken();
      // Uninitialised SoftHSM slots report an empty label; skip tokens we cannot describe.
      if ((token.flags & graphene.TokenFlag.TOKEN_INITIALIZED) === 0) continue;
      label = token.label;
    } catch {
      continue;
    }
    seen.push(label);
    if (label === tokenLabel) matches.push(slot);
  }
  if (matches.length > 1) {
    throw new Error(`PKCS#11: several tokens are labelled "${tokenLabel}" in ${modulePath}; labels must be unique`);
  }
  const slot = matches[0];
  if (!slot) {
    const available = seen.length > 0 ? seen.map((l) => `"${l}"`).join(', ') : 'none';
    throw new Error(`PKCS#11: no token labelled "${tokenLabel}" in ${modulePath} (initialised tokens: ${available})`);
  }
  return slot;
}

function login(loaded: LoadedModule, slot: Slot, session: Session, pin: string, tokenLabel: string): string {
  const loginKey = slot.handle.toString('hex');
  const pinTag = createHmac('sha256', pinTagKey).update(pin, 'utf8').digest();
  const existing = loaded.logins.get(loginKey);
  if (existing) {
    // The token is already logged in for this process (login state is shared by all sessions),
    // so C_Login would not check the PIN: compare it with the one that was accepted.
    if (!timingSafeEqual(existing.pinTag, pinTag)) {
      throw new Error(`PKCS#11: login to token "${tokenLabel}" failed: CKR_PIN_INCORRECT`);
    }
    existing.refs++;
    return loginKey;
  }
  try {
    session.login(pin, graphene.UserType.USER);
  } catch (err) {
    if (pkcs11Code(err) === CKR_USER_ALREADY_LOGGED_IN) {
      throw new Error(`PKCS#11: token "${tokenLabel}" is already logged in by another component of this process; cannot verify the PIN`);
    }
    throw new Error(`PKCS#11: login to token "${tokenLabel}" failed: ${pkcs11Reason(err)}`);
  }
  loaded.logins.set(loginKey, { refs: 1, pinTag });
  return loginKey;
}

function logout(loaded: LoadedModule, loginKey: string, session: Session): void {
  const entry = loaded.logins.get(loginKey);
  if (!entry) return;
  entry.refs--;
  if (entry.refs > 0) return;
  loaded.logins.delete(loginKey);
  try {
    session.logout();
  } catch {
    /* best effort (e.g. CKR_USER_NOT_LOGGED_IN): the session is closed right after */
  }
}

function findOrCreateKey(session: Session, opts: Pkcs11MasterKeyOptions): SecretKey {
  const found = session.find({
    class: graphene.ObjectClass.SECRET_KEY,
    keyType: graphene.KeyType.AES,
    label: opts.keyLabel,
  });
  if (found.length > 1) {
    throw new Error(`PKCS#11: ${found.length} AES keys are labelled "${opts.keyLabel}" on token "${opts.tokenLabel}"; labels must be unique`);
  }
  if (found.length === 0) {
    if (!opts.createIfMissing) {
      throw new Error(`PKCS#11: no AES secret key labelled "${opts.keyLabel}" on token "${opts.tokenLabel}" (createIfMissing is off)`);
    }
    try {
      return session.generateKey(graphene.KeyGenMechanism.AES, {
        class: graphene.ObjectClass.SECRET_KEY,
        keyType: graphene.KeyType.AES,
        label: opts.keyLabel,
        token: true,
        private: true,
        sensitive: true,
        extractable: false,
        modifiable: false,
        encrypt: true,
        decrypt: true,
        wrap: false,
        unwrap: false,
        derive: false,
        sign: false,
        verify: false,
        valueLen: KEK_LENGTH,
      });
    } catch (err) {
      throw new Error(`PKCS#11: cannot generate AES-256 key "${opts.keyLabel}" on token "${opts.tokenLabel}": ${pkcs11Reason(err)}`);
    }
  }
  const key = found.items(0).toType() as SecretKey;
  let attrs: { encrypt?: boolean | null; decrypt?: boolean | null; valueLen?: number | null };
  try {
    attrs = key.getAttribute({ encrypt: null, decrypt: null, valueLen: null });
  } catch (err) {
    throw new Error(`PKCS#11: cannot read attributes of key "${opts.keyLabel}": ${pkcs11Reason(err)}`);
  }
  if (attrs.encrypt !== true || attrs.decrypt !== true) {
    throw new Error(`PKCS#11: key "${opts.keyLabel}" must allow both encrypt and decrypt (CKA_ENCRYPT/CKA_DECRYPT)`);
  }
  if (attrs.valueLen !== KEK_LENGTH) {
    throw new Error(`PKCS#11: key "${opts.keyLabel}" must be AES-256 (found ${String(attrs.valueLen)} bytes)`);
  }
  return key;
}

function gcmParams(iv: Buffer, aad: Buffer) {
  // PKCS#11 v2.40 CK_GCM_PARAMS (with ulIvBits), as implemented by SoftHSM2 and current HSMs.
  return { name: 'AES_GCM', params: new graphene.AesGcm240Params(iv, aad, TAG_LENGTH * 8) };
}

class Pkcs11MasterKeyProvider implements MasterKeyProvider {
  readonly kind = 'pkcs11' as const;
  readonly keyId: string;
  /** A PKCS#11 session runs one operation at a time: calls are serialised through this chain. */
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;

  constructor(
    tokenLabel: string,
    keyLabel: string,
    private readonly modulePath: string,
    private readonly loaded: LoadedModule,
    private readonly session: Session,
    private readonly loginKey: string,
    private readonly key: SecretKey,
  ) {
    this.keyId = `pkcs11:${tokenLabel}/${keyLabel}`;
  }

  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(() => {
      if (this.closed) throw new Error('PKCS#11 master key provider is closed');
      return fn();
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  wrap(dataKey: Buffer, aad: Buffer): Promise<Buffer> {
    if (dataKey.length === 0 || dataKey.length > MAX_DATA_KEY_LENGTH) {
      return Promise.reject(new RangeError(`data key must be 1..${MAX_DATA_KEY_LENGTH} bytes`));
    }
    return this.exclusive(async () => {
      const iv = randomBytes(IV_LENGTH);
      let sealed: Buffer;
      try {
        const cipher = this.session.createCipher(gcmParams(iv, aad), this.key);
        sealed = await new Promise<Buffer>((ok, fail) => {
          cipher.once(dataKey, Buffer.alloc(dataKey.length + TAG_LENGTH), (err, out) => (err ? fail(err) : ok(out)));
        });
      } catch (err) {
        throw new Error(`PKCS#11: wrap with key ${this.keyId} failed: ${pkcs11Reason(err)}`);
      }
      if (sealed.length !== dataKey.length + TAG_LENGTH) {
        throw new Error(`PKCS#11: wrap with key ${this.keyId} returned ${sealed.length} bytes, expected ${dataKey.length + TAG_LENGTH}`);
      }
      return Buffer.concat([Buffer.of(FORMAT_V1), iv, sealed]);
    });
  }

  unwrap(wrapped: Buffer, aad: Buffer): Promise<Buffer> {
    if (wrapped.length < 1 + IV_LENGTH + TAG_LENGTH + 1) {
      return Promise.reject(new IntegrityError('wrapped key is truncated'));
    }
    if (wrapped[0] !== FORMAT_V1) {
      return Promise.reject(new IntegrityError('wrapped key has an unknown format'));
    }
    const iv = Buffer.from(wrapped.subarray(1, 1 + IV_LENGTH));
    const sealed = Buffer.from(wrapped.subarray(1 + IV_LENGTH));
    return this.exclusive(async () => {
      let decipher: ReturnType<Session['createDecipher']>;
      try {
        decipher = this.session.createDecipher(gcmParams(iv, aad), this.key);
      } catch (err) {
        throw new Error(`PKCS#11: unwrap with key ${this.keyId} failed: ${pkcs11Reason(err)}`);
      }
      try {
        // Output buffer as large as the input: some tokens (SoftHSM2) demand it for GCM, and a
        // CKR_BUFFER_TOO_SMALL would leave the operation active on the session.
        const out = Buffer.alloc(sealed.length);
        try {
          return await new Promise<Buffer>((ok, fail) => {
            decipher.once(sealed, out, (err, plain) => (err ? fail(err) : ok(Buffer.from(plain))));
          });
        } finally {
          out.fill(0);
        }
      } catch {
        // Tag mismatch (wrong AAD, tampered blob, other KEK) surfaces as CKR_ENCRYPTED_DATA_INVALID
        // or similar; the details are not useful to callers and must not hint at the cause.
        throw new IntegrityError(`wrapped key failed authentication under ${this.keyId}`);
      }
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    await this.queue;
    if (this.closed) return;
    this.closed = true;
    logout(this.loaded, this.loginKey, this.session);
    try {
      this.session.close();
    } catch {
      /* best effort */
    }
    releaseModule(this.modulePath);
  }
}

export async function openPkcs11MasterKeyProvider(opts: Pkcs11MasterKeyOptions): Promise<MasterKeyProvider> {
  for (const field of ['modulePath', 'tokenLabel', 'keyLabel'] as const) {
    if (!opts[field]) throw new Error(`PKCS#11: ${field} is required`);
  }
  if (!opts.pin) throw new Error('PKCS#11: a user PIN is required');
  const modulePath = resolve(opts.modulePath);
  const loaded = acquireModule(modulePath);
  let session: Session | undefined;
  let loginKey: string | undefined;
  try {
    const slot = findSlot(loaded.module, modulePath, opts.tokenLabel);
    try {
      session = slot.open(graphene.SessionFlag.RW_SESSION | graphene.SessionFlag.SERIAL_SESSION);
    } catch (err) {
      throw new Error(`PKCS#11: cannot open a session on token "${opts.tokenLabel}": ${pkcs11Reason(err)}`);
    }
    loginKey = login(loaded, slot, session, opts.pin, opts.tokenLabel);
    const key = findOrCreateKey(session, opts);
    return new Pkcs11MasterKeyProvider(opts.tokenLabel, opts.keyLabel, modulePath, loaded, session, loginKey, key);
  } catch (err) {
    if (session) {
      if (loginKey) logout(loaded, loginKey, session);
      try {
        session.close();
      } catch {
        /* ignore */
      }
    }
    releaseModule(modulePath);
    throw err;
  }
}
