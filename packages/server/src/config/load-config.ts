import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DEFAULT_CIPHERS } from 'node:tls';
import type { RoleKey } from '@castellan/shared';
import { type ConfigKey, configSchema, personalSettings, type RawConfig, secretSettings } from './config.schema.js';

/** The one validated configuration object, with derived paths resolved. */
export interface Config {
  readonly raw: RawConfig;
  readonly dataDir: string;
  readonly database: { kind: 'sqlite'; file: string; cacheMiB?: number } | { kind: 'postgres'; url: string; ownerUrl?: string };
  readonly port: number;
  readonly host: string;
  readonly logLevel: RawConfig['CASTELLAN_LOG_LEVEL'];
  readonly bodyLimit: number;
  readonly tls: { certFile: string; keyFile: string; settings: { minVersion: 'TLSv1.2' | 'TLSv1.3'; ciphers: string } };
  readonly masterKey:
    | { provider: 'file'; file: string }
    | { provider: 'env'; base64: string }
    | { provider: 'pkcs11'; module: string; tokenLabel: string; pin: string; keyLabel: string };
  readonly suite: RawConfig['CASTELLAN_CRYPTO_SUITE'];
  readonly passwordProfile: RawConfig['CASTELLAN_PASSWORD_PROFILE'];
  readonly rotationBatch: number;
  readonly rotationLeaseMs: number;
  /** The first administrator `castellan start` makes on a new data directory. */
  readonly adminEmail: string;
  readonly smtp: { url: string; from: string } | null;
  readonly publicUrl: string;
  readonly dormant: { days: number; autoDisable: boolean };
  /** The breach register: the operator kind (CAC clock) and who receives escalations. */
  readonly incidents: { operatorKind: RawConfig['CASTELLAN_OPERATOR_KIND']; mailTo: readonly string[] };
  readonly auditCheckpoints: { dir: string; everySeconds: number; everyEvents: number };
  readonly auditRetention: { days: number; archiveDir: string };
  /** Where backups go (platform/backup): the local folder target, and the public key of asymmetric mode. */
  readonly backup: {
    dir: string;
    publicKeyFile: string | null;
    everyHours: number;
    drillEveryDays: number;
    keep: { withinDays: number; daily: number; weekly: number; monthly: number };
    sftp: SftpConfig | null;
    s3: S3BackupSettings | null;
  };
  /** Single sign-on with OpenID Connect; null when CASTELLAN_OIDC_ISSUER is unset. */
  readonly oidc: OidcConfig | null;
  /** Per-user quota on searches by a field the user sees masked (fixed UTC minute and UTC day). */
  readonly maskedSearch: { perMinute: number; perDay: number };
  /** The reason codes a reveal may give. */
  readonly revealReasons: readonly [string, ...string[]];
  /** The controller's time zone: GDPR and CCPA request days are counted there (PIPL: Asia/Shanghai). */
  readonly controllerTimeZone: string;
}

/** An SFTP backup target (CASTELLAN_BACKUP_SFTP_*), the shape sftpTarget takes. */
export interface SftpConfig {
  readonly host: string;
  readonly port: number;
  readonly username: string;
  /** The absolute folder on the server. */
  readonly root: string;
  readonly keyFile: string;
  /** `SHA256:<base64>`: the only host key accepted. */
  readonly hostKeyFingerprint: string;
  /** A secret. */
  readonly password: string | null;
}

/** The S3-compatible backup target (CASTELLAN_BACKUP_S3_*); the secret access key is a secret setting. */
export interface S3BackupSettings {
  /** Unset: AWS S3 in `region`. */
  readonly endpoint: string | undefined;
  readonly bucket: string;
  /** Objects are `<prefix>/<path>`. */
  readonly prefix: string;
  readonly region: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  /** `endpoint/bucket/key` (MinIO, Ceph) rather than `bucket.endpoint/key` (AWS, Aliyun OSS, Tencent COS). */
  readonly forcePathStyle: boolean;
  /** Object lock or WORM: the target never deletes; pruning is by the bucket's retention only. */
  readonly appendOnly: boolean;
}

export interface OidcConfig {
  readonly issuer: string;
  readonly clientId: string;
  /** Absent for a public client (PKCE alone). */
  readonly clientSecret: string | undefined;
  readonly redirectUri: string;
  readonly scopes: string;
  /** IdP group → Castellan role keys. */
  readonly roleMapping: Readonly<Record<string, readonly RoleKey[]>>;
  readonly groupsClaim: string;
  readonly teamClaim: string | undefined;
  /** Create a user on first sign-in (when the groups map to a role). */
  readonly jit: boolean;
  /** Whether an ID token `amr` holding mfa, otp or hwk counts as multi-factor (default: no). */
  readonly trustAmr: boolean;
  /** An ID token `acr` equal to this counts as multi-factor; unset, no `acr` does. */
  readonly mfaAcr: string | undefined;
}

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    problem: string,
  ) {
    super(`${variable}: ${problem}`);
    this.name = 'ConfigError';
  }
}

const keys = Object.keys(configSchema.shape) as ConfigKey[];

function readConfigFile(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError('CASTELLAN_CONFIG_FILE', `cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? 'unreadable'})`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    // Never the parser's message: it quotes the text around the error, which may be a secret.
    throw new ConfigError('CASTELLAN_CONFIG_FILE', `${file} is not valid JSON`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ConfigError('CASTELLAN_CONFIG_FILE', `${file} must hold a JSON object of CASTELLAN_* settings`);
  }
  for (const key of Object.keys(parsed)) {
    if (!keys.includes(key as ConfigKey)) throw new ConfigError(key, `unknown setting in ${file}`);
  }
  return Object.fromEntries(Object.entries(parsed).map(([k, v]) => [k, typeof v === 'number' ? String(v) : v]));
}

/** Reads env (and the optional JSON file it names), validates, and fails naming the variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<Record<ConfigKey, string>> = {}): Config {
  const fromEnv: Record<string, unknown> = {};
  for (const key of keys) {
    const value = overrides[key] ?? env[key];
    if (value !== undefined && value !== '') fromEnv[key] = value;
  }
  const fileName = fromEnv.CASTELLAN_CONFIG_FILE as string | undefined;
  const merged = { ...(fileName ? readConfigFile(fileName) : {}), ...fromEnv };
  const result = configSchema.safeParse(merged);
  if (!result.success) {
    const issue = result.error.issues[0];
    const variable = String(issue?.path[0] ?? 'configuration');
    const unechoed = secretSettings.includes(variable as ConfigKey) || personalSettings.includes(variable as ConfigKey);
    const shown = unechoed ? '' : ` (got ${JSON.stringify(merged[variable])})`;
    throw new ConfigError(variable, `${issue?.message ?? 'invalid'}${shown}`);
  }
  return deriveConfig(result.data);
}

function deriveConfig(raw: RawConfig): Config {
  const dataDir = path.resolve(raw.CASTELLAN_DATA_DIR);
  const url = raw.CASTELLAN_DATABASE_URL;
  const sqliteCache = raw.CASTELLAN_SQLITE_CACHE_MIB === undefined ? {} : { cacheMiB: raw.CASTELLAN_SQLITE_CACHE_MIB };
  const database: Config['database'] =
    url === undefined
      ? { kind: 'sqlite', file: path.join(dataDir, 'castellan.db'), ...sqliteCache }
      : url.startsWith('postgres')
        ? { kind: 'postgres', url, ...(raw.CASTELLAN_DATABASE_OWNER_URL ? { ownerUrl: raw.CASTELLAN_DATABASE_OWNER_URL } : {}) }
        : { kind: 'sqlite', file: path.resolve(url.replace(/^(sqlite|file):(\/\/)?/, '')), ...sqliteCache };
  if (raw.CASTELLAN_DATABASE_OWNER_URL && database.kind !== 'postgres') {
    throw new ConfigError('CASTELLAN_DATABASE_OWNER_URL', 'only applies with a PostgreSQL CASTELLAN_DATABASE_URL');
  }
  return {
    raw,
    dataDir,
    database,
    port: raw.CASTELLAN_PORT,
    host: raw.CASTELLAN_HOST,
    logLevel: raw.CASTELLAN_LOG_LEVEL,
    bodyLimit: raw.CASTELLAN_BODY_LIMIT,
    tls: {
      certFile: path.resolve(raw.CASTELLAN_TLS_CERT_FILE ?? path.join(dataDir, 'tls', 'cert.pem')),
      keyFile: path.resolve(raw.CASTELLAN_TLS_KEY_FILE ?? path.join(dataDir, 'tls', 'key.pem')),
      settings: { minVersion: raw.CASTELLAN_TLS_MIN_VERSION, ciphers: raw.CASTELLAN_TLS_CIPHERS ?? DEFAULT_CIPHERS },
    },
    masterKey: masterKeyConfig(raw, dataDir),
    suite: raw.CASTELLAN_CRYPTO_SUITE,
    passwordProfile: raw.CASTELLAN_PASSWORD_PROFILE,
    rotationBatch: raw.CASTELLAN_ROTATION_BATCH,
    rotationLeaseMs: raw.CASTELLAN_ROTATION_LEASE_SECONDS * 1000,
    adminEmail: raw.CASTELLAN_ADMIN_EMAIL,
    smtp: raw.CASTELLAN_SMTP_URL ? { url: raw.CASTELLAN_SMTP_URL, from: raw.CASTELLAN_SMTP_FROM } : null,
    publicUrl: (raw.CASTELLAN_PUBLIC_URL ?? `https://localhost:${raw.CASTELLAN_PORT}`).replace(/\/$/, ''),
    dormant: { days: raw.CASTELLAN_DORMANT_DAYS, autoDisable: raw.CASTELLAN_DORMANT_AUTO_DISABLE },
    incidents: { operatorKind: raw.CASTELLAN_OPERATOR_KIND, mailTo: raw.CASTELLAN_INCIDENT_MAIL_TO },
    auditCheckpoints: {
      dir: path.resolve(raw.CASTELLAN_AUDIT_CHECKPOINT_DIR ?? path.join(dataDir, 'audit-checkpoints')),
      everySeconds: raw.CASTELLAN_AUDIT_CHECKPOINT_SECONDS,
      everyEvents: raw.CASTELLAN_AUDIT_CHECKPOINT_EVENTS,
    },
    auditRetention: {
      days: raw.CASTELLAN_AUDIT_RETENTION_DAYS,
      archiveDir: path.resolve(raw.CASTELLAN_AUDIT_ARCHIVE_DIR ?? path.join(dataDir, 'audit-archive')),
    },
    backup: {
      dir: path.resolve(raw.CASTELLAN_BACKUP_DIR ?? path.join(dataDir, 'backups')),
      publicKeyFile: raw.CASTELLAN_BACKUP_PUBLIC_KEY_FILE ? path.resolve(raw.CASTELLAN_BACKUP_PUBLIC_KEY_FILE) : null,
      everyHours: raw.CASTELLAN_BACKUP_EVERY_HOURS,
      drillEveryDays: raw.CASTELLAN_BACKUP_DRILL_EVERY_DAYS,
      keep: {
        withinDays: raw.CASTELLAN_BACKUP_KEEP_WITHIN_DAYS,
        daily: raw.CASTELLAN_BACKUP_KEEP_DAILY,
        weekly: raw.CASTELLAN_BACKUP_KEEP_WEEKLY,
        monthly: raw.CASTELLAN_BACKUP_KEEP_MONTHLY,
      },
      sftp: sftpConfig(raw),
      s3: s3BackupConfig(raw),
    },
    oidc: oidcConfig(raw),
    maskedSearch: maskedSearchConfig(raw),
    revealReasons: raw.CASTELLAN_REVEAL_REASONS,
    controllerTimeZone: raw.CASTELLAN_CONTROLLER_TIME_ZONE,
  };
}

function sftpConfig(raw: RawConfig): SftpConfig | null {
  const setting = raw.CASTELLAN_BACKUP_SFTP_URL;
  if (!setting) {
    const stray = (['CASTELLAN_BACKUP_SFTP_KEY_FILE', 'CASTELLAN_BACKUP_SFTP_HOST_KEY', 'CASTELLAN_BACKUP_SFTP_PASSWORD'] as const).find((k) => raw[k]);
    if (stray) throw new ConfigError(stray, 'only applies with CASTELLAN_BACKUP_SFTP_URL');
    return null;
  }
  const name = 'CASTELLAN_BACKUP_SFTP_URL';
  const usage = 'must be sftp://user@host:port/absolute/folder';
  let url: URL;
  try {
    url = new URL(setting);
  } catch {
    throw new ConfigError(name, usage);
  }
  // Never the value: it is listed as a secret (it might hold a password).
  if (url.password) throw new ConfigError(name, 'must not hold a password: put it in CASTELLAN_BACKUP_SFTP_PASSWORD');
  if (!url.username) throw new ConfigError(name, `names no user: ${usage}`);
  if (!url.hostname) throw new ConfigError(name, `names no host: ${usage}`);
  let root: string;
  try {
    root = path.posix.normalize(decodeURIComponent(url.pathname)).replace(/\/+$/, '');
  } catch {
    throw new ConfigError(name, `has a badly encoded folder: ${usage}`);
  }
  if (root === '' || root.includes('\0')) throw new ConfigError(name, `names no folder (the server's / is refused): ${usage}`);
  if (!raw.CASTELLAN_BACKUP_SFTP_KEY_FILE) throw new ConfigError('CASTELLAN_BACKUP_SFTP_KEY_FILE', 'required when CASTELLAN_BACKUP_SFTP_URL is set');
  if (!raw.CASTELLAN_BACKUP_SFTP_HOST_KEY)
    throw new ConfigError(
      'CASTELLAN_BACKUP_SFTP_HOST_KEY',
      "required when CASTELLAN_BACKUP_SFTP_URL is set: the server's host key fingerprint (ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub on the server); a server is never trusted on first use",
    );
  return {
    host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: url.port ? Number(url.port) : 22,
    username: decodeURIComponent(url.username),
    root,
    keyFile: path.resolve(raw.CASTELLAN_BACKUP_SFTP_KEY_FILE),
    hostKeyFingerprint: raw.CASTELLAN_BACKUP_SFTP_HOST_KEY,
    password: raw.CASTELLAN_BACKUP_SFTP_PASSWORD ?? null,
  };
}

function maskedSearchConfig(raw: RawConfig): Config['maskedSearch'] {
  const perMinute = raw.CASTELLAN_MASKED_SEARCH_PER_MINUTE;
  const perDay = raw.CASTELLAN_MASKED_SEARCH_PER_DAY;
  if (perDay < perMinute) {
    throw new ConfigError('CASTELLAN_MASKED_SEARCH_PER_DAY', `must be at least CASTELLAN_MASKED_SEARCH_PER_MINUTE (${perMinute}), got ${perDay}`);
  }
  return { perMinute, perDay };
}

function s3BackupConfig(raw: RawConfig): S3BackupSettings | null {
  const bucket = raw.CASTELLAN_BACKUP_S3_BUCKET;
  const accessKeyId = raw.CASTELLAN_BACKUP_S3_ACCESS_KEY_ID;
  const secretAccessKey = raw.CASTELLAN_BACKUP_S3_SECRET_ACCESS_KEY;
  if (!bucket) {
    const stray = (['CASTELLAN_BACKUP_S3_ENDPOINT', 'CASTELLAN_BACKUP_S3_ACCESS_KEY_ID', 'CASTELLAN_BACKUP_S3_SECRET_ACCESS_KEY'] as const).find((k) => raw[k]);
    if (stray) throw new ConfigError('CASTELLAN_BACKUP_S3_BUCKET', `required when ${stray} is set`);
    return null;
  }
  if (!accessKeyId) throw new ConfigError('CASTELLAN_BACKUP_S3_ACCESS_KEY_ID', 'required when CASTELLAN_BACKUP_S3_BUCKET is set');
  if (!secretAccessKey) throw new ConfigError('CASTELLAN_BACKUP_S3_SECRET_ACCESS_KEY', 'required when CASTELLAN_BACKUP_S3_BUCKET is set');
  return {
    endpoint: raw.CASTELLAN_BACKUP_S3_ENDPOINT,
    bucket,
    prefix: raw.CASTELLAN_BACKUP_S3_PREFIX,
    region: raw.CASTELLAN_BACKUP_S3_REGION,
    accessKeyId,
    secretAccessKey,
    forcePathStyle: raw.CASTELLAN_BACKUP_S3_FORCE_PATH_STYLE,
    appendOnly: raw.CASTELLAN_BACKUP_S3_APPEND_ONLY,
  };
}

function oidcConfig(raw: RawConfig): OidcConfig | null {
  if (!raw.CASTELLAN_OIDC_ISSUER) return null;
  if (!raw.CASTELLAN_OIDC_CLIENT_ID) throw new ConfigError('CASTELLAN_OIDC_CLIENT_ID', 'required when CASTELLAN_OIDC_ISSUER is set');
  const mapping = raw.CASTELLAN_OIDC_ROLE_MAPPING;
  if (!mapping || Object.keys(mapping).length === 0) {
    throw new ConfigError(
      'CASTELLAN_OIDC_ROLE_MAPPING',
      'required when CASTELLAN_OIDC_ISSUER is set: a JSON object of IdP group → role key(s); SSO admits only members of a mapped group',
    );
  }
  return {
    issuer: raw.CASTELLAN_OIDC_ISSUER,
    clientId: raw.CASTELLAN_OIDC_CLIENT_ID,
    clientSecret: raw.CASTELLAN_OIDC_CLIENT_SECRET,
    redirectUri: raw.CASTELLAN_OIDC_REDIRECT_URI ?? `https://localhost:${raw.CASTELLAN_PORT}/api/v1/auth/oidc/callback`,
    scopes: raw.CASTELLAN_OIDC_SCOPES,
    roleMapping: mapping as Record<string, RoleKey[]>,
    groupsClaim: raw.CASTELLAN_OIDC_GROUPS_CLAIM,
    teamClaim: raw.CASTELLAN_OIDC_TEAM_CLAIM,
    jit: raw.CASTELLAN_OIDC_JIT,
    trustAmr: raw.CASTELLAN_OIDC_TRUST_AMR,
    mfaAcr: raw.CASTELLAN_OIDC_MFA_ACR,
  };
}

function masterKeyConfig(raw: RawConfig, dataDir: string): Config['masterKey'] {
  switch (raw.CASTELLAN_MASTER_KEY_PROVIDER) {
    case 'file':
      return { provider: 'file', file: path.resolve(raw.CASTELLAN_MASTER_KEY_FILE ?? path.join(dataDir, 'master.key')) };
    case 'env':
      if (!raw.CASTELLAN_MASTER_KEY) throw new ConfigError('CASTELLAN_MASTER_KEY', 'required when CASTELLAN_MASTER_KEY_PROVIDER=env');
      return { provider: 'env', base64: raw.CASTELLAN_MASTER_KEY };
    case 'pkcs11':
      if (!raw.CASTELLAN_PKCS11_TOKEN_LABEL) throw new ConfigError('CASTELLAN_PKCS11_TOKEN_LABEL', 'required when CASTELLAN_MASTER_KEY_PROVIDER=pkcs11');
      if (!raw.CASTELLAN_PKCS11_PIN) throw new ConfigError('CASTELLAN_PKCS11_PIN', 'required when CASTELLAN_MASTER_KEY_PROVIDER=pkcs11');
      return {
        provider: 'pkcs11',
        module: raw.CASTELLAN_PKCS11_MODULE,
        tokenLabel: raw.CASTELLAN_PKCS11_TOKEN_LABEL,
        pin: raw.CASTELLAN_PKCS11_PIN,
        keyLabel: raw.CASTELLAN_PKCS11_KEY_LABEL,
      };
  }
}
