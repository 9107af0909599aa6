import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { buildReport } from '../../../src/modules/compliance/compliance-report.js';
import { evaluateChecks } from '../../../src/modules/compliance/evaluate-checks.js';
import { renderReportHtml } from '../../../src/modules/compliance/render-report-html.js';
import { pdfSafe, renderReportPdf } from '../../../src/modules/compliance/render-report-pdf.js';
import { type ReportFormat, signReport, verifyReport } from '../../../src/modules/compliance/report-signature.js';
import { publicKeyId } from '../../../src/platform/audit/checkpoints.js';
import { SigningKeyTrust } from '../../../src/platform/audit/signing-keys.js';
import { healthyState, NOW } from './fixtures.js';

const { privateKey, publicKey } = generateKeyPairSync('ed25519');
const other = generateKeyPairSync('ed25519');
const keyId = publicKeyId(publicKey);
const report = buildReport({ checks: evaluateChecks(healthyState()), computedAt: NOW.toISOString(), generatedBy: 'test', checkpoint: null, keyId, now: NOW });

async function signed(format: ReportFormat): Promise<Buffer> {
  const content = format === 'json' ? report : format === 'html' ? renderReportHtml(report) : await renderReportPdf(report);
  return signReport(format, content, privateKey, keyId);
}

describe.each(['json', 'html', 'pdf'] as const)('a signed %s report', (format) => {
  it('verifies under the key that signed it', async () => {
    const file = await signed(format);
    expect(verifyReport(file, SigningKeyTrust.of([publicKey]).resolve)).toMatchObject({ valid: true, format });
  });

  it('fails after any single byte is changed (sampled across the whole file)', async () => {
    const file = await signed(format);
    const step = Math.max(1, Math.floor(file.length / 97));
    for (let i = 0; i < file.length; i += step) {
      const copy = Buffer.from(file);
      copy[i] = (copy[i] as number) ^ 0x01;
      expect(verifyReport(copy, SigningKeyTrust.of([publicKey]).resolve).valid, `byte ${i} of ${file.length}`).toBe(false);
    }
  });

  it('fails under another key, and when truncated', async () => {
    const file = await signed(format);
    expect(verifyReport(file, SigningKeyTrust.of([other.publicKey]).resolve).valid).toBe(false);
    expect(verifyReport(file, SigningKeyTrust.of([publicKey]).resolve).valid).toBe(true);
    expect(verifyReport(file.subarray(0, file.length - 10), SigningKeyTrust.of([publicKey]).resolve).valid).toBe(false);
  });
});

describe('report contents', () => {
  it('HTML carries both languages and every check', () => {
    const html = renderReportHtml(report).toString('utf8');
    expect(html).toContain('三员分立');
    expect(html).toContain('Encryption coverage of personal columns');
    expect(html).toContain('个人信息字段加密覆盖率');
    for (const c of report.checks) expect(html).toContain(c.title.en);
  });

  it('PDF text keeps only what the standard fonts can draw', () => {
    expect(pdfSafe('Audit log retention ≥ 184 days')).toBe('Audit log retention >= 184 days');
    expect(pdfSafe('Separation of administrator duties (三员分立)')).toBe('Separation of administrator duties');
  });

  it('PDF starts as a PDF and ends with the signature trailer', async () => {
    const file = await signed('pdf');
    expect(file.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(file.toString('latin1')).toMatch(/%%EOF\s*\n%castellan-signature v1 key=\S+ sig=\S+\n$/);
  });
});
