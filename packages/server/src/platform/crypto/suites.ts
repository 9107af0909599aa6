import { aes256GcmSuite } from './aes-256-gcm.suite.js';
import type { CipherSuite, SuiteId } from './cipher-suite.js';
import { IntegrityError } from './integrity-error.js';
import { sm4CtrHmacSm3Suite } from './sm4-ctr-hmac-sm3.suite.js';

const BY_ID: Readonly<Record<SuiteId, CipherSuite>> = {
  intl: aes256GcmSuite,
  gm: sm4CtrHmacSm3Suite,
};

const BY_CODE: ReadonlyMap<number, CipherSuite> = new Map(Object.values(BY_ID).map((suite) => [suite.code, suite] as const));

/** The suite for a configured id ('intl' | 'gm'). Throws a plain Error for an unknown id (config bug). */
export function suiteById(id: SuiteId): CipherSuite {
  const suite: CipherSuite | undefined = Object.hasOwn(BY_ID, id) ? BY_ID[id] : undefined;
  if (!suite) throw new Error('unknown cipher suite id');
  return suite;
}

/** The suite for an envelope's suite byte. Throws IntegrityError for an unknown code (stored data is suspect). */
export function suiteByCode(code: number): CipherSuite {
  const suite = BY_CODE.get(code);
  if (!suite) throw new IntegrityError('unknown cipher suite in envelope');
  return suite;
}
