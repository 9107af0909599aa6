import { z } from 'zod';

/**
 * Every setting Castellan reads, keyed by the environment variable that sets it.
 * Secrets are listed in `secretSettings` and are never logged or echoed in an error.
 */
const port = z.coerce.number().int().min(1).max(65535);
const bytes = z.coerce.number().int().min(1024).max(256 * 1024 * 1024);

export const configSchema = z.object({
  CASTELLAN_DATA_DIR: z.string().min(1).default('./data'),
  CASTELLAN_DATABASE_URL: z
    .string()
    .regex(/^(postgres(ql)?:\/\/|sqlite:|file:)/, 'must start with postgres://, postgresql://, sqlite: or file:')
    .optional(),
  CASTELLAN_PORT: port.default(8443),
  CASTELLAN_HOST: z.string().min(1).default('localhost'),
  CASTELLAN_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  CASTELLAN_BODY_LIMIT: bytes.default(1024 * 1024),
  CASTELLAN_TLS_CERT_FILE: z.string().min(1).optional(),
  CASTELLAN_TLS_KEY_FILE: z.string().min(1).optional(),
  CASTELLAN_MASTER_KEY_PROVIDER: z.enum(['file', 'env', 'pkcs11']).default('file'),
  CASTELLAN_MASTER_KEY_FILE: z.string().min(1).optional(),
  CASTELLAN_MASTER_KEY: z
    .string()
    .regex(/^[A-Za-z0-9+/]{43}=$/, 'must be 32 bytes in base64 (44 characters)')
    .optional(),
  CASTELLAN_PKCS11_MODULE: z.string().min(1).default('/usr/lib/softhsm/libsofthsm2.so'),
  CASTELLAN_PKCS11_TOKEN_LABEL: z.string().min(1).optional(),
  CASTELLAN_PKCS11_PIN: z.string().min(1).optional(),
  CASTELLAN_PKCS11_KEY_LABEL: z.string().min(1).default('castellan-kek'),
  CASTELLAN_CRYPTO_SUITE: z.enum(['intl', 'gm']).default('intl'),
  CASTELLAN_PASSWORD_PROFILE: z.enum(['intl', 'cn-mlps3']).default('intl'),
  CASTELLAN_ROTATION_BATCH: z.coerce.number().int().min(1).max(10000).default(200),
  CASTELLAN_ROTATION_LEASE_SECONDS: z.coerce.number().int().min(1).max(3600).default(30),
  CASTELLAN_CONFIG_FILE: z.string().min(1).optional(),
});

export type ConfigInput = z.input<typeof configSchema>;
export type RawConfig = z.output<typeof configSchema>;
export type ConfigKey = keyof RawConfig;

export const secretSettings: readonly ConfigKey[] = ['CASTELLAN_MASTER_KEY', 'CASTELLAN_PKCS11_PIN'];
