import { execFileSync } from 'node:child_process';
import * as OTPAuth from 'otpauth';
import { describe, expect, it } from 'vitest';
import { newTotpEnrolment, totpStep, verifyTotp } from '../../src/platform/identity/totp.js';

/** A 6-digit code from the real `oathtool` binary (SHA-1, 30 s) at `epoch` seconds. Fails — never skips — without it. */
function oathtool(secret: string, epoch: number): string {
  try {
    return execFileSync('oathtool', ['--totp', '-b', '-N', `@${epoch}`, secret], { encoding: 'utf8' }).trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new Error('oathtool is not installed: install it (`apt-get install oathtool`, as CI does) to run the TOTP interoperability tests');
    }
    throw error;
  }
}

describe('RFC 6238 Appendix B (SHA-1) through otpauth', () => {
  const secret = OTPAuth.Secret.fromLatin1('12345678901234567890');
  it.each([
    [59, '94287082'],
    [1111111109, '07081804'],
    [1111111111, '14050471'],
    [1234567890, '89005924'],
    [2000000000, '69279037'],
    [20000000000, '65353130'],
  ])('T=%i → %s', (seconds, expected) => {
    expect(OTPAuth.TOTP.generate({ secret, algorithm: 'SHA1', digits: 8, period: 30, timestamp: seconds * 1000 })).toBe(expected);
  });
});

describe('verifyTotp against oathtool', () => {
  const secret = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP'; // 160 bits
  const epoch = 1_700_000_015; // mid-step
  const now = epoch * 1000;
  const step = Math.floor(epoch / 30);

  it('has oathtool installed', () => {
    expect(oathtool(secret, epoch)).toMatch(/^\d{6}$/);
  });

  it.each([59, 1111111109, 1234567890, 1_700_000_000, 1_700_000_029, 2000000000])('accepts the oathtool code at %i', (t) => {
    expect(verifyTotp(secret, oathtool(secret, t), null, t * 1000)).toEqual({ ok: true, step: Math.floor(t / 30) });
  });

  it('accepts a code once, then refuses it as replayed', () => {
    const code = oathtool(secret, epoch);
    const first = verifyTotp(secret, code, null, now);
    expect(first).toEqual({ ok: true, step });
    if (!first.ok) throw new Error('unreachable');
    expect(verifyTotp(secret, code, first.step, now)).toEqual({ ok: false, reason: 'replayed' });
    // still refused in the next step, while it is inside the window as the previous step's code
    expect(verifyTotp(secret, code, first.step, now + 30_000)).toEqual({ ok: false, reason: 'replayed' });
  });

  it("accepts the previous step's code once, and not after the current step's code was used", () => {
    const previous = oathtool(secret, epoch - 30);
    const first = verifyTotp(secret, previous, null, now);
    expect(first).toEqual({ ok: true, step: step - 1 });
    expect(verifyTotp(secret, previous, step - 1, now)).toEqual({ ok: false, reason: 'replayed' });
    expect(verifyTotp(secret, previous, step, now)).toEqual({ ok: false, reason: 'replayed' });
  });

  it("accepts the next step's code (clock drift)", () => {
    expect(verifyTotp(secret, oathtool(secret, epoch + 30), step - 1, now)).toEqual({ ok: true, step: step + 1 });
  });

  it('refuses codes two steps away as wrong', () => {
    expect(verifyTotp(secret, oathtool(secret, epoch - 60), null, now)).toEqual({ ok: false, reason: 'wrong' });
    expect(verifyTotp(secret, oathtool(secret, epoch + 60), null, now)).toEqual({ ok: false, reason: 'wrong' });
  });

  it('refuses a code made with another secret as wrong', () => {
    const other = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';
    const code = oathtool(other, epoch);
    expect(code).not.toBe(oathtool(secret, epoch));
    expect(verifyTotp(secret, code, null, now)).toEqual({ ok: false, reason: 'wrong' });
  });

  it('ignores spaces in the code', () => {
    const code = oathtool(secret, epoch);
    expect(verifyTotp(secret, ` ${code.slice(0, 3)} ${code.slice(3)} `, null, now)).toEqual({ ok: true, step });
  });

  it.each(['abc', '12345', '1234567', '', '12345a', '１２３４５６', '-12345'])('refuses %j as malformed', (code) => {
    expect(verifyTotp(secret, code, null, now)).toEqual({ ok: false, reason: 'malformed' });
  });

  it('computes nothing for a malformed code (an unusable secret is not even decoded)', () => {
    expect(verifyTotp('not base32!', '12345', null, now)).toEqual({ ok: false, reason: 'malformed' });
    expect(() => verifyTotp('not base32!', '123456', null, now)).toThrow();
  });

  it('uses the current time by default', () => {
    const t = Math.floor(Date.now() / 1000);
    const result = verifyTotp(secret, oathtool(secret, t), null);
    expect(result.ok).toBe(true);
    if (result.ok) expect(Math.abs(result.step - totpStep())).toBeLessThanOrEqual(1);
  });
});

describe('newTotpEnrolment', () => {
  it('creates a 160-bit base32 secret that oathtool agrees with', async () => {
    const { secret } = await newTotpEnrolment('user-7f3a');
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(OTPAuth.Secret.fromBase32(secret).bytes.length).toBe(20);
    const epoch = 1_750_000_000;
    expect(verifyTotp(secret, oathtool(secret, epoch), null, epoch * 1000)).toEqual({ ok: true, step: Math.floor(epoch / 30) });
  });

  it('gives a different secret each time', async () => {
    const [a, b] = await Promise.all([newTotpEnrolment('a'), newTotpEnrolment('a')]);
    expect(a.secret).not.toBe(b.secret);
  });

  it('builds the otpauth URI with issuer, SHA1, 6 digits, 30 s, the secret and the given label', async () => {
    const { secret, otpauthUri } = await newTotpEnrolment('user-7f3a');
    const url = new URL(otpauthUri);
    expect(url.protocol).toBe('otpauth:');
    expect(url.host).toBe('totp');
    expect(decodeURIComponent(url.pathname)).toBe('/Castellan:user-7f3a');
    expect(url.searchParams.get('issuer')).toBe('Castellan');
    expect(url.searchParams.get('secret')).toBe(secret);
    expect(url.searchParams.get('algorithm')).toBe('SHA1');
    expect(url.searchParams.get('digits')).toBe('6');
    expect(url.searchParams.get('period')).toBe('30');
    const parsed = OTPAuth.URI.parse(otpauthUri);
    expect(parsed).toBeInstanceOf(OTPAuth.TOTP);
    expect(parsed.label).toBe('user-7f3a');
  });

  it('uses a custom issuer and the label exactly as given', async () => {
    const { otpauthUri } = await newTotpEnrolment('Jane Doe (ops)', 'Castellan Staging');
    const url = new URL(otpauthUri);
    expect(decodeURIComponent(url.pathname)).toBe('/Castellan Staging:Jane Doe (ops)');
    expect(url.searchParams.get('issuer')).toBe('Castellan Staging');
  });

  it('renders the URI as an SVG QR code', async () => {
    const { qrSvg } = await newTotpEnrolment('user-7f3a');
    expect(qrSvg.startsWith('<svg')).toBe(true);
    expect(qrSvg).toContain('</svg>');
  });

  it('refuses an empty label or an issuer with a colon', async () => {
    await expect(newTotpEnrolment('  ')).rejects.toThrow(TypeError);
    await expect(newTotpEnrolment('x', 'A:B')).rejects.toThrow(TypeError);
  });
});
