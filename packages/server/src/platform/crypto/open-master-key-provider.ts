import type { Config } from '../../config/load-config.js';
import type { CipherSuite } from './cipher-suite.js';
import { openEnvMasterKeyProvider, openFileMasterKeyProvider } from './local-master-key.provider.js';
import type { MasterKeyProvider } from './master-key-provider.js';
import { openPkcs11MasterKeyProvider } from './pkcs11-master-key.provider.js';

/** Opens the KEK provider named by the configuration. `create` makes the HSM key at init. */
export async function openMasterKeyProvider(config: Config['masterKey'], suite: CipherSuite, create = false): Promise<MasterKeyProvider> {
  switch (config.provider) {
    case 'file':
      return openFileMasterKeyProvider(config.file, suite);
    case 'env':
      return openEnvMasterKeyProvider(config.base64, suite);
    case 'pkcs11':
      return openPkcs11MasterKeyProvider({
        modulePath: config.module,
        tokenLabel: config.tokenLabel,
        pin: config.pin,
        keyLabel: config.keyLabel,
        createIfMissing: create,
      });
  }
}
