import { roleKeys } from '@castellan/shared';
import { z } from 'zod';
import { defaultRevealReasonList, maskedSearchLimitSetting, revealReasonsSetting, timeZoneSetting } from './privacy-settings.js';
import { syslogFacilitySetting, syslogUrlSetting } from './siem-settings.js';

/**
 * Every setting Castellan reads, keyed by the environment variable that sets it.
 * Secrets are listed in `secretSettings`, personal values in `personalSettings`; neither is ever
 * logged or echoed in an error (the error names the variable only).
 */
const port = z.coerce.number().int().min(1).max(65535);
const bytes = z.coerce
  .number()
  .int()
  .min(1024)
  .max(256 * 1024 * 1024);
/**
 * The one boolean setting type: `true` / `false` from the environment, or a JSON boolean from the
 * config file; anything else (yes, 1, on) is refused so that a typo never flips a security switch.
 */
export const booleanSetting = z
  .preprocess((v) => (typeof v === 'boolean' ? String(v) : v), z.enum(['true', 'false'], { error: 'must be true or false' }))
  .transform((v) => v === 'true');
/** The same check as a new user's address gets (createUser), so a bad first-administrator address stops start-up. */
const emailAddress = z
  .string()
  .trim()
  .regex(/^[^\s@]+@[^\s@]+\.[^\s@]{2,}$/, 'must be an e-mail address');
const isLoopback = (url: string): boolean => ['127.0.0.1', 'localhost', '[::1]'].includes(new URL(url).hostname);
/** An OpenID Connect issuer: https, or http on a loopback address only (a provider run by the tests or on the same host). */
const oidcIssuer = z
  .url({ protocol: /^https?$/ })
  .refine((u) => u.startsWith('https://') || isLoopback(u), 'must be an https:// URL (http:// only on a loopback address)');
/** An S3 endpoint: https, or http on a loopback address only (a server run by the tests or on the same host). */
const s3Endpoint = z
  .url({ protocol: /^https?$/ })
  .refine((u) => u.startsWith('https://') || isLoopback(u), 'must be an https:// URL (http:// only on a loopback address)')
  .transform((u) => u.replace(/\/+$/, ''));
/** `{"IdP group": "role_key" | ["role_key", …]}`, as JSON; every role key must exist. */
const oidcRoleMapping = z.preprocess(
  (value, ctx) => {
    if (typeof value !== 'string') return value;
    try {
      return JSON.parse(value);
    } catch {
      ctx.addIssue({ code: 'custom', message: 'must be a JSON object of IdP group → role key or [role keys]' });
      return z.NEVER;
    }
  },
  z
    .record(z.string().min(1), z.union([z.string(), z.array(z.string()).min(1)]))
    .superRefine((mapping, ctx) => {
      for (const [group, roles] of Object.entries(mapping)) {
        for (const role of [roles].flat()) {
          if (!(roleKeys as readonly string[]).includes(role))
            ctx.addIssue({ code: 'custom', message: `unknown role key "${role}" for group "${group}" (known: ${roleKeys.join(', ')})` });
        }
      }
    })
    .transform((mapping) => Object.fromEntries(Object.entries(mapping).map(([group, roles]) => [group, [...new Set([roles].flat())]]))),
);

export const configSchema = z.object({
  CASTELLAN_DATA_DIR: z.string().min(1).default('./data'),
  CASTELLAN_DATABASE_URL: z
    .string()
    .regex(/^(postgres(ql)?:\/\/|sqlite:|file:)/, 'must start with postgres://, postgresql://, sqlite: or file:')
    .optional(),
  /** PostgreSQL: the role that owns the schema (migrations, audit retention); the one of CASTELLAN_DATABASE_URL then gets only the grants it needs. */
  CASTELLAN_DATABASE_OWNER_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must start with postgres:// or postgresql://')
    .optional(),
  /** SQLite page cache in MiB (the import CLI uses 16 unless this is set, to stay in its memory bound). */
  CASTELLAN_SQLITE_CACHE_MIB: z.coerce.number().int().min(2).max(4096).optional(),
  CASTELLAN_PORT: port.default(8443),
  CASTELLAN_HOST: z.string().min(1).default('localhost'),
  CASTELLAN_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  CASTELLAN_BODY_LIMIT: bytes.default(1024 * 1024),
  CASTELLAN_TLS_CERT_FILE: z.string().min(1).optional(),
  CASTELLAN_TLS_KEY_FILE: z.string().min(1).optional(),
  /** The lowest TLS version the HTTPS server accepts (never below 1.2). */
  CASTELLAN_TLS_MIN_VERSION: z.enum(['TLSv1.2', 'TLSv1.3']).default('TLSv1.2'),
  /** OpenSSL cipher list for TLS 1.2 (default: Node's); the compliance dashboard flags weak entries. */
  CASTELLAN_TLS_CIPHERS: z.string().min(1).max(2000).optional(),
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
  CASTELLAN_ADMIN_EMAIL: emailAddress.default('admin@castellan.local'),
  CASTELLAN_SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, 'must be smtp://host:port or smtps://host:port')
    .optional(),
  CASTELLAN_SMTP_FROM: z.string().min(3).default('Castellan <no-reply@castellan.local>'),
  CASTELLAN_PUBLIC_URL: z.url({ protocol: /^https$/, message: 'must be an https:// URL' }).optional(),
  CASTELLAN_DORMANT_DAYS: z.coerce.number().int().min(1).max(3650).default(90),
  CASTELLAN_DORMANT_AUTO_DISABLE: booleanSetting.default(false),
  /** Who runs this installation, for the CAC incident-reporting clock: cii 1 h, state_organ 2 h, other 4 h. */
  CASTELLAN_OPERATOR_KIND: z.enum(['cii', 'state_organ', 'other']).default('other'),
  /** Comma-separated addresses that receive breach-clock escalations (50 / 75 / 90 %); none: recorded only. */
  CASTELLAN_INCIDENT_MAIL_TO: z
    .string()
    .optional()
    .transform((v) =>
      (v ?? '')
        .split(',')
        .map((a) => a.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.email())),
  CASTELLAN_AUDIT_CHECKPOINT_DIR: z.string().min(1).optional(),
  CASTELLAN_AUDIT_CHECKPOINT_SECONDS: z.coerce.number().int().min(5).max(86400).default(300),
  CASTELLAN_AUDIT_CHECKPOINT_EVENTS: z.coerce.number().int().min(1).max(1000000).default(1000),
  CASTELLAN_AUDIT_RETENTION_DAYS: z.coerce.number().int().min(184, 'must be at least 184 days (Cybersecurity Law Art. 21: six months)').max(36500).default(365),
  CASTELLAN_AUDIT_ARCHIVE_DIR: z.string().min(1).optional(),
  /** The local backup target: a folder (best on another disk or a mounted off-site share). */
  CASTELLAN_BACKUP_DIR: z.string().min(1).optional(),
  /** Asymmetric backups: an X25519 or SM2 public key (PEM; SM2 is the 国密 choice); each backup's key is sealed to it, so this host can write backups but not read them. */
  CASTELLAN_BACKUP_PUBLIC_KEY_FILE: z.string().min(1).optional(),
  /** Scheduled backups: one every N hours (0: none; `castellan backup create` still works). */
  CASTELLAN_BACKUP_EVERY_HOURS: z.coerce.number().int().min(0).max(720).default(24),
  /** Scheduled restore drills: one every N days (0: none); the compliance check fails after 8 days without a passed drill. */
  CASTELLAN_BACKUP_DRILL_EVERY_DAYS: z.coerce.number().int().min(0).max(90).default(7),
  /** Pruning (grandfather-father-son): every backup of the last N days, then the newest of each of the last N days, weeks and months. */
  CASTELLAN_BACKUP_KEEP_WITHIN_DAYS: z.coerce.number().int().min(0).max(3650).default(2),
  CASTELLAN_BACKUP_KEEP_DAILY: z.coerce.number().int().min(0).max(3650).default(7),
  CASTELLAN_BACKUP_KEEP_WEEKLY: z.coerce.number().int().min(0).max(520).default(4),
  CASTELLAN_BACKUP_KEEP_MONTHLY: z.coerce.number().int().min(0).max(1200).default(12),
  /** An SFTP backup target, `sftp://user@host:port/absolute/folder` (no password in it: CASTELLAN_BACKUP_SFTP_PASSWORD). */
  CASTELLAN_BACKUP_SFTP_URL: z
    .string()
    .regex(/^sftp:\/\/[^/?#]+\/[^?#]+$/, 'must be sftp://user@host:port/absolute/folder')
    .optional(),
  /** The private key the SFTP target logs in with (unencrypted, readable by Castellan only). */
  CASTELLAN_BACKUP_SFTP_KEY_FILE: z.string().min(1).optional(),
  /** The SFTP server's host key fingerprint, as `ssh-keygen -lf` prints it: any other key is refused (never trust on first use). */
  CASTELLAN_BACKUP_SFTP_HOST_KEY: z
    .string()
    .trim()
    .regex(/^SHA256:[A-Za-z0-9+/]{43}=?$/, 'must be the host key fingerprint as `ssh-keygen -lf` prints it (SHA256:<43 base64 characters>)')
    .optional(),
  /** A login password for an SFTP server that asks for one besides (or instead of) the key. */
  CASTELLAN_BACKUP_SFTP_PASSWORD: z.string().min(1).optional(),
  /** An S3-compatible backup target (AWS S3, MinIO, Ceph, Aliyun OSS, Tencent COS); unset: AWS S3 of CASTELLAN_BACKUP_S3_REGION. */
  CASTELLAN_BACKUP_S3_ENDPOINT: s3Endpoint.optional(),
  /** The bucket; setting it (with the two keys) adds the `s3` backup target. */
  CASTELLAN_BACKUP_S3_BUCKET: z
    .string()
    .regex(/^[a-z0-9][a-z0-9._-]{1,61}[a-z0-9]$/, 'must be an S3 bucket name (3 to 63 of a-z, 0-9, dot, hyphen, underscore)')
    .optional(),
  /** The key prefix backups are written under: `<prefix>/backups/…`. */
  CASTELLAN_BACKUP_S3_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_-][A-Za-z0-9._-]*(\/[A-Za-z0-9_-][A-Za-z0-9._-]*)*$/, 'must be path segments separated by / (no leading or trailing /, no . or ..)')
    .default('castellan'),
  CASTELLAN_BACKUP_S3_REGION: z
    .string()
    .regex(/^[a-z0-9-]{2,64}$/, 'must be a region name such as us-east-1, oss-cn-hangzhou or ap-guangzhou')
    .default('us-east-1'),
  CASTELLAN_BACKUP_S3_ACCESS_KEY_ID: z.string().min(1).max(256).optional(),
  CASTELLAN_BACKUP_S3_SECRET_ACCESS_KEY: z.string().min(1).max(1024).optional(),
  /** Path-style addressing (`endpoint/bucket/key`, what MinIO and Ceph expect); false: virtual-host (`bucket.endpoint/key`, Aliyun OSS, Tencent COS, AWS). */
  CASTELLAN_BACKUP_S3_FORCE_PATH_STYLE: booleanSetting.default(true),
  /** The bucket refuses deletes (object lock, WORM): Castellan never removes from it, backups expire by the bucket's retention. */
  CASTELLAN_BACKUP_S3_APPEND_ONLY: booleanSetting.default(false),
  CASTELLAN_SIEM_SYSLOG_URL: syslogUrlSetting.optional(),
  CASTELLAN_SIEM_CA_FILE: z.string().min(1).optional(),
  CASTELLAN_SIEM_FACILITY: syslogFacilitySetting.default(10),
  CASTELLAN_SIEM_INTERVAL_SECONDS: z.coerce.number().int().min(1).max(3600).default(5),
  CASTELLAN_MASKED_SEARCH_PER_MINUTE: maskedSearchLimitSetting.default(30),
  CASTELLAN_MASKED_SEARCH_PER_DAY: maskedSearchLimitSetting.default(300),
  CASTELLAN_REVEAL_REASONS: revealReasonsSetting.default(defaultRevealReasonList),
  CASTELLAN_CONTROLLER_TIME_ZONE: timeZoneSetting.default('Asia/Shanghai'),
  CASTELLAN_CONFIG_FILE: z.string().min(1).optional(),
  CASTELLAN_OIDC_ISSUER: oidcIssuer.optional(),
  CASTELLAN_OIDC_CLIENT_ID: z.string().min(1).optional(),
  CASTELLAN_OIDC_CLIENT_SECRET: z.string().min(1).optional(),
  CASTELLAN_OIDC_REDIRECT_URI: z.url({ protocol: /^https?$/ }).optional(),
  CASTELLAN_OIDC_SCOPES: z
    .string()
    .regex(/^[\x21\x23-\x5B\x5D-\x7E]+( [\x21\x23-\x5B\x5D-\x7E]+)*$/, 'must be scopes separated by single spaces')
    .refine((s) => s.split(' ').includes('openid'), 'must include openid')
    .default('openid email profile'),
  CASTELLAN_OIDC_ROLE_MAPPING: oidcRoleMapping.optional(),
  CASTELLAN_OIDC_GROUPS_CLAIM: z.string().min(1).default('groups'),
  CASTELLAN_OIDC_TEAM_CLAIM: z.string().min(1).optional(),
  CASTELLAN_OIDC_JIT: booleanSetting.default(false),
  /** Whether the ID token's `amr` (mfa, otp, hwk) may stand in for Castellan's own second factor. */
  CASTELLAN_OIDC_TRUST_AMR: booleanSetting.default(false),
  CASTELLAN_OIDC_MFA_ACR: z.string().min(1).optional(),
});

export type ConfigInput = z.input<typeof configSchema>;
export type RawConfig = z.output<typeof configSchema>;
export type ConfigKey = keyof RawConfig;

export const secretSettings: readonly ConfigKey[] = [
  'CASTELLAN_MASTER_KEY',
  'CASTELLAN_PKCS11_PIN',
  'CASTELLAN_SMTP_URL',
  'CASTELLAN_BACKUP_SFTP_PASSWORD',
  // Refused with a password in it, but never echoed in case it holds one.
  'CASTELLAN_BACKUP_SFTP_URL',
  'CASTELLAN_OIDC_CLIENT_SECRET',
  // A database URL can carry a password.
  'CASTELLAN_DATABASE_URL',
  'CASTELLAN_DATABASE_OWNER_URL',
  'CASTELLAN_BACKUP_S3_SECRET_ACCESS_KEY',
];

/** Settings that hold a personal value (an e-mail address): never echoed either. */
export const personalSettings: readonly ConfigKey[] = ['CASTELLAN_ADMIN_EMAIL', 'CASTELLAN_INCIDENT_MAIL_TO'];
