import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type ConfigKey, configSchema, personalSettings, secretSettings } from '../../src/config/config.schema.js';
import { ConfigError, loadConfig } from '../../src/config/load-config.js';

/** Configuration loading: one boolean type, the admin e-mail as a setting, nothing secret or personal echoed. */
const dir = mkdtempSync(path.join(tmpdir(), 'castellan-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let files = 0;
function configFile(content: unknown): string {
  files += 1;
  const file = path.join(dir, `config-${files}.json`);
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
}

function failure(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error(`the configuration ${JSON.stringify(env)} was accepted`);
}

const s3 = {
  CASTELLAN_BACKUP_S3_BUCKET: 'castellan-backups',
  CASTELLAN_BACKUP_S3_ACCESS_KEY_ID: 'AKIDEXAMPLE',
  CASTELLAN_BACKUP_S3_SECRET_ACCESS_KEY: 'Hunter2-s3-secret',
};
const sso = { CASTELLAN_OIDC_ISSUER: 'https://idp.example.com', CASTELLAN_OIDC_CLIENT_ID: 'castellan', CASTELLAN_OIDC_ROLE_MAPPING: '{"staff":"sales_rep"}' };

describe('boolean settings', () => {
  const read = {
    CASTELLAN_OIDC_JIT: (env: Record<string, string>) => loadConfig({ ...sso, ...env }).oidc?.jit,
    CASTELLAN_OIDC_TRUST_AMR: (env: Record<string, string>) => loadConfig({ ...sso, ...env }).oidc?.trustAmr,
    CASTELLAN_DORMANT_AUTO_DISABLE: (env: Record<string, string>) => loadConfig(env).dormant.autoDisable,
    CASTELLAN_BACKUP_S3_FORCE_PATH_STYLE: (env: Record<string, string>) => loadConfig({ ...s3, ...env }).backup.s3?.forcePathStyle,
    CASTELLAN_BACKUP_S3_APPEND_ONLY: (env: Record<string, string>) => loadConfig({ ...s3, ...env }).backup.s3?.appendOnly,
  };
  const defaults: Record<string, boolean> = { CASTELLAN_BACKUP_S3_FORCE_PATH_STYLE: true };

  it('every boolean setting uses the one boolean type', () => {
    const booleans = Object.entries(configSchema.shape)
      .filter(([, schema]) => schema.safeParse(true).success && schema.safeParse('true').success && !schema.safeParse('maybe').success)
      .map(([key]) => key)
      .sort();
    expect(booleans).toEqual(Object.keys(read).sort());
  });

  it.each(Object.entries(read))('%s: true/false from the environment and JSON booleans from the config file; anything else is refused', (key, value) => {
    expect(value({})).toBe(defaults[key] ?? false);
    expect(value({ [key]: 'true' })).toBe(true);
    expect(value({ [key]: 'false' })).toBe(false);
    expect(value({ CASTELLAN_CONFIG_FILE: configFile({ [key]: true }) })).toBe(true);
    expect(value({ CASTELLAN_CONFIG_FILE: configFile({ [key]: false }) })).toBe(false);
    expect(value({ CASTELLAN_CONFIG_FILE: configFile({ [key]: 'true' }) })).toBe(true);
    for (const bad of ['yes', '1', 'TRUE', 'on']) {
      const error = failure({ ...sso, ...s3, [key]: bad });
      expect(error.variable).toBe(key);
      expect(error.message).toMatch(/must be true or false/);
    }
    expect(failure({ ...sso, ...s3, CASTELLAN_CONFIG_FILE: configFile({ [key]: 1 }) }).variable).toBe(key);
  });
});

describe('CASTELLAN_ADMIN_EMAIL', () => {
  it('is a validated setting, from the environment or the config file, with its default', () => {
    expect(loadConfig({}).adminEmail).toBe('admin@castellan.local');
    expect(loadConfig({ CASTELLAN_ADMIN_EMAIL: 'ops@example.cn' }).adminEmail).toBe('ops@example.cn');
    expect(loadConfig({ CASTELLAN_CONFIG_FILE: configFile({ CASTELLAN_ADMIN_EMAIL: 'file@example.cn' }) }).adminEmail).toBe('file@example.cn');
    // The environment wins over the file.
    const file = configFile({ CASTELLAN_ADMIN_EMAIL: 'file@example.cn' });
    expect(loadConfig({ CASTELLAN_CONFIG_FILE: file, CASTELLAN_ADMIN_EMAIL: 'env@example.cn' }).adminEmail).toBe('env@example.cn');
  });

  it('refuses a value that is no e-mail address, naming the variable and not the value', () => {
    const error = failure({ CASTELLAN_ADMIN_EMAIL: 'Wang Fang <wang.fang at example.cn>' });
    expect(error.variable).toBe('CASTELLAN_ADMIN_EMAIL');
    expect(error.message).not.toContain('Wang Fang');
    expect(error.message).not.toContain('example.cn');
  });
});

describe('secrets and personal values are never echoed', () => {
  it('names every setting that is or can carry a credential', () => {
    expect([...secretSettings].sort()).toEqual([
      'CASTELLAN_BACKUP_S3_SECRET_ACCESS_KEY',
      'CASTELLAN_BACKUP_SFTP_PASSWORD',
      'CASTELLAN_BACKUP_SFTP_URL',
      'CASTELLAN_DATABASE_OWNER_URL',
      'CASTELLAN_DATABASE_URL',
      'CASTELLAN_MASTER_KEY',
      'CASTELLAN_OIDC_CLIENT_SECRET',
      'CASTELLAN_PKCS11_PIN',
      'CASTELLAN_SMTP_URL',
    ]);
    expect(personalSettings).toEqual(['CASTELLAN_ADMIN_EMAIL', 'CASTELLAN_INCIDENT_MAIL_TO']);
  });

  it('a database URL with a password is refused without echoing it', () => {
    const error = failure({ CASTELLAN_DATABASE_URL: 'mysql://castellan:Hunter2-db-pass@db.internal/castellan' });
    expect(error.variable).toBe('CASTELLAN_DATABASE_URL');
    expect(error.message).not.toContain('Hunter2-db-pass');
    expect(error.message).not.toContain('db.internal');
  });

  const badValues: Partial<Record<ConfigKey, string>> = {
    CASTELLAN_MASTER_KEY: 'not-base64-secret-key-material',
    CASTELLAN_DATABASE_URL: 'oracle://sys:Hunter2@db/x',
    CASTELLAN_SMTP_URL: 'http://mailer:Hunter2@mail.example.cn',
    CASTELLAN_PKCS11_PIN: '',
    CASTELLAN_OIDC_CLIENT_SECRET: '',
    CASTELLAN_BACKUP_SFTP_URL: 'ftp://backup:Hunter2@vault.example.cn/srv',
    CASTELLAN_BACKUP_SFTP_PASSWORD: '',
    CASTELLAN_BACKUP_S3_SECRET_ACCESS_KEY: 'Hunter2'.repeat(200),
  };
  it.each(secretSettings.filter((key) => badValues[key]))('%s: a bad value is named, never shown, also from the config file', (key) => {
    const value = String(badValues[key]);
    for (const error of [failure({ [key]: value }), failure({ CASTELLAN_CONFIG_FILE: configFile({ [key]: value }) })]) {
      expect(error.variable).toBe(key);
      expect(error.message).not.toContain(value);
      expect(error.message).not.toContain('Hunter2');
    }
  });

  it('a config file that is not valid JSON is refused without quoting its text', () => {
    const file = configFile('{"CASTELLAN_MASTER_KEY": "c2VjcmV0LWtleS1tYXRlcmlhbC1mb3ItdGVzdHMtMDEyMzQ=", oops}');
    const error = failure({ CASTELLAN_CONFIG_FILE: file });
    expect(error.variable).toBe('CASTELLAN_CONFIG_FILE');
    expect(error.message).toContain('is not valid JSON');
    expect(error.message).not.toContain('c2VjcmV0');
    expect(failure({ CASTELLAN_CONFIG_FILE: path.join(dir, 'missing.json') }).message).toMatch(/cannot read .*ENOENT/);
  });

  it('still shows an ordinary bad value, to help the operator', () => {
    expect(failure({ CASTELLAN_PORT: 'eighty' }).message).toContain('"eighty"');
  });
});

describe('the SFTP backup target settings', () => {
  const pin = 'SHA256:uNiVztksCsDhcc0u9e8BujQXVUpKZIDTMczCvj3tD2s';
  const sftp = {
    CASTELLAN_BACKUP_SFTP_URL: 'sftp://backup@vault.example.com:2222/srv/castellan%20backups/',
    CASTELLAN_BACKUP_SFTP_KEY_FILE: '/etc/castellan/sftp_ed25519',
    CASTELLAN_BACKUP_SFTP_HOST_KEY: pin,
  };

  it('are off by default, and read into the shape sftpTarget takes', () => {
    expect(loadConfig({}).backup.sftp).toBeNull();
    expect(loadConfig(sftp).backup.sftp).toEqual({
      host: 'vault.example.com',
      port: 2222,
      username: 'backup',
      root: '/srv/castellan backups',
      keyFile: '/etc/castellan/sftp_ed25519',
      hostKeyFingerprint: pin,
      password: null,
    });
    expect(loadConfig({ ...sftp, CASTELLAN_BACKUP_SFTP_URL: 'sftp://backup@vault.example.com/srv/b' }).backup.sftp?.port).toBe(22);
    expect(loadConfig({ ...sftp, CASTELLAN_BACKUP_SFTP_PASSWORD: 'Hunter2-sftp' }).backup.sftp?.password).toBe('Hunter2-sftp');
  });

  it('refuse an SFTP URL without a pinned host key or a key file, naming the missing setting', () => {
    const { CASTELLAN_BACKUP_SFTP_HOST_KEY: _pin, ...unpinned } = sftp;
    expect(failure(unpinned).variable).toBe('CASTELLAN_BACKUP_SFTP_HOST_KEY');
    expect(failure(unpinned).message).toMatch(/required when CASTELLAN_BACKUP_SFTP_URL is set.*never trusted on first use/);
    const { CASTELLAN_BACKUP_SFTP_KEY_FILE: _key, ...keyless } = sftp;
    expect(failure(keyless).variable).toBe('CASTELLAN_BACKUP_SFTP_KEY_FILE');
    for (const bad of ['SHA256:short', 'MD5:12:34', 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5']) {
      const error = failure({ ...sftp, CASTELLAN_BACKUP_SFTP_HOST_KEY: bad });
      expect(error.variable).toBe('CASTELLAN_BACKUP_SFTP_HOST_KEY');
      expect(error.message).toContain('ssh-keygen -lf');
    }
  });

  it('refuse a URL with a password, no user or no folder, without echoing it; and stray settings without a URL', () => {
    for (const url of [
      'sftp://backup:Hunter2@vault.example.com/srv',
      'sftp://vault.example.com/srv',
      'sftp://backup@vault.example.com/',
      'sftp://backup@vault.example.com',
    ]) {
      const error = failure({ ...sftp, CASTELLAN_BACKUP_SFTP_URL: url });
      expect(error.variable, url).toBe('CASTELLAN_BACKUP_SFTP_URL');
      expect(error.message).not.toContain('Hunter2');
      expect(error.message).not.toContain('vault.example.com');
    }
    expect(failure({ ...sftp, CASTELLAN_BACKUP_SFTP_URL: 'sftp://backup:Hunter2@vault.example.com/srv' }).message).toContain('CASTELLAN_BACKUP_SFTP_PASSWORD');
    expect(failure({ CASTELLAN_BACKUP_SFTP_HOST_KEY: pin }).message).toBe('CASTELLAN_BACKUP_SFTP_HOST_KEY: only applies with CASTELLAN_BACKUP_SFTP_URL');
  });
});

describe('the S3 backup target settings', () => {
  it('are off by default, and read with their defaults when a bucket and both keys are set', () => {
    expect(loadConfig({}).backup.s3).toBeNull();
    expect(loadConfig(s3).backup.s3).toEqual({
      endpoint: undefined,
      bucket: 'castellan-backups',
      prefix: 'castellan',
      region: 'us-east-1',
      accessKeyId: 'AKIDEXAMPLE',
      secretAccessKey: 'Hunter2-s3-secret',
      forcePathStyle: true,
      appendOnly: false,
    });
    const minio = loadConfig({ ...s3, CASTELLAN_BACKUP_S3_ENDPOINT: 'https://minio.example.cn:9000/', CASTELLAN_BACKUP_S3_PREFIX: 'crm/prod' }).backup.s3;
    expect(minio).toMatchObject({ endpoint: 'https://minio.example.cn:9000', prefix: 'crm/prod' });
    expect(loadConfig({ ...s3, CASTELLAN_BACKUP_S3_ENDPOINT: 'http://127.0.0.1:9000' }).backup.s3?.endpoint).toBe('http://127.0.0.1:9000');
  });

  it('a bucket without both keys, or a key or endpoint without a bucket, names the missing setting and shows no secret', () => {
    const { CASTELLAN_BACKUP_S3_BUCKET: _bucket, ...keysOnly } = s3;
    const cases: [Record<string, string>, string][] = [
      [{ CASTELLAN_BACKUP_S3_BUCKET: 'castellan-backups' }, 'CASTELLAN_BACKUP_S3_ACCESS_KEY_ID'],
      [{ ...s3, CASTELLAN_BACKUP_S3_SECRET_ACCESS_KEY: '' }, 'CASTELLAN_BACKUP_S3_SECRET_ACCESS_KEY'],
      [keysOnly, 'CASTELLAN_BACKUP_S3_BUCKET'],
      [{ CASTELLAN_BACKUP_S3_SECRET_ACCESS_KEY: 'Hunter2-s3-secret' }, 'CASTELLAN_BACKUP_S3_BUCKET'],
      [{ CASTELLAN_BACKUP_S3_ENDPOINT: 'https://minio.example.cn' }, 'CASTELLAN_BACKUP_S3_BUCKET'],
    ];
    for (const [env, variable] of cases) {
      const error = failure(env);
      expect(error.variable).toBe(variable);
      expect(error.message).toMatch(/required when CASTELLAN_BACKUP_S3_/);
      expect(error.message).not.toContain('Hunter2');
    }
  });

  it('refuses a plain-http endpoint off the loopback, a bad bucket name and a prefix that climbs out', () => {
    expect(failure({ ...s3, CASTELLAN_BACKUP_S3_ENDPOINT: 'http://minio.example.cn:9000' }).message).toMatch(/https:\/\/ URL/);
    expect(failure({ ...s3, CASTELLAN_BACKUP_S3_BUCKET: 'Bad Bucket' }).variable).toBe('CASTELLAN_BACKUP_S3_BUCKET');
    for (const prefix of ['../up', '/abs', 'a/../b', 'trailing/'])
      expect(failure({ ...s3, CASTELLAN_BACKUP_S3_PREFIX: prefix }).variable).toBe('CASTELLAN_BACKUP_S3_PREFIX');
  });
});

describe('the README', () => {
  it('names every setting in its configuration table', async () => {
    const { readFileSync } = await import('node:fs');
    const readme = readFileSync(new URL('../../../../README.md', import.meta.url), 'utf8');
    const table = readme.slice(readme.indexOf('## Configuration'), readme.indexOf('## CLI reference'));
    const missing = Object.keys(configSchema.shape).filter((key) => !table.includes(`\`${key}\``));
    expect(missing, 'add these settings to the README configuration table').toEqual([]);
  });
});
