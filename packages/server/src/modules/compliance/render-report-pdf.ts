import { PDFDocument, type PDFFont, rgb, StandardFonts } from 'pdf-lib';
import type { EvidenceValue } from './compliance-check.js';
import type { ComplianceReport } from './compliance-report.js';

/**
 * The report as PDF (pdf-lib, standard Helvetica). The standard PDF fonts carry no Chinese glyphs and
 * embedding a CJK font would add ~10 MB to the package, so the PDF is in English; the Chinese labels
 * are in the HTML and JSON reports, signed the same way.
 */
const replacements: Record<string, string> = { '≥': '>=', '≤': '<=', '—': '-', '–': '-', '·': '-', '’': "'", '“': '"', '”': '"' };
/** Keeps what the standard fonts' WinAnsi encoding can draw; other characters (CJK) are left out. */
export const pdfSafe = (text: string): string =>
  [...text]
    .map((ch) => replacements[ch] ?? ch)
    .join('')
    .replace(/[^\x20-\x7e\xa0-\xff]/g, '')
    .replace(/\(\s*\)/g, '')
    .trim();
const show = (value: EvidenceValue): string => (Array.isArray(value) ? (value.length ? value.join(', ') : '-') : value === null ? '-' : String(value));

const PAGE: [number, number] = [595.28, 841.89]; // A4
const MARGIN = 48;

function wrap(text: string, font: PDFFont, size: number, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of pdfSafe(text).split(/\s+/)) {
    const candidate = line ? `${line} ${word}` : word;
    if (font.widthOfTextAtSize(candidate, size) <= width) line = candidate;
    else {
      if (line) lines.push(line);
      line = word;
      while (font.widthOfTextAtSize(line, size) > width) {
        let cut = line.length - 1;
        while (cut > 1 && font.widthOfTextAtSize(line.slice(0, cut), size) > width) cut -= 1;
        lines.push(line.slice(0, cut));
        line = line.slice(cut);
      }
    }
  }
  if (line) lines.push(line);
  return lines;
}

export async function renderReportPdf(report: ComplianceReport): Promise<Buffer> {
  const doc = await PDFDocument.create();
  doc.setTitle('Castellan compliance report');
  doc.setCreator('Castellan');
  doc.setCreationDate(new Date(report.generatedAt));
  doc.setModificationDate(new Date(report.generatedAt));
  const regular = await doc.embedFont(StandardFonts.Helvetica);
  const bold = await doc.embedFont(StandardFonts.HelveticaBold);
  let page = doc.addPage(PAGE);
  let y = PAGE[1] - MARGIN;
  const width = PAGE[0] - 2 * MARGIN;
  const write = (text: string, opts: { size?: number; font?: PDFFont; color?: [number, number, number]; indent?: number } = {}) => {
    const size = opts.size ?? 9;
    const font = opts.font ?? regular;
    for (const line of wrap(text, font, size, width - (opts.indent ?? 0))) {
      if (y < MARGIN + size) {
        page = doc.addPage(PAGE);
        y = PAGE[1] - MARGIN;
      }
      page.drawText(line, { x: MARGIN + (opts.indent ?? 0), y, size, font, color: rgb(...(opts.color ?? [0, 0, 0])) });
      y -= size * 1.35;
    }
  };
  write('Castellan compliance report', { size: 16, font: bold });
  write(`Generated ${report.generatedAt}; checks computed ${report.computedAt}; by ${report.generatedBy}`);
  write(`${report.summary.passing} of ${report.summary.total} checks passing. Chinese labels: see the HTML or JSON report.`);
  for (const f of report.frameworks) write(`${f.en}: ${f.passing} passing, ${f.failing} failing`, { indent: 8 });
  const cp = report.auditCheckpoint;
  write(
    cp
      ? `Latest signed audit checkpoint: seq ${cp.seq}, hash ${cp.hash}, ${cp.at}, key ${cp.keyId}, signature ${cp.signature}`
      : 'No signed audit checkpoint yet',
  );
  y -= 6;
  for (const c of report.checks) {
    const failed = c.status === 'failing';
    write(`${c.title.en} - ${c.status.toUpperCase()}`, { size: 11, font: bold, color: failed ? [0.65, 0, 0] : [0, 0.4, 0] });
    write(c.reason, { indent: 8 });
    for (const [k, v] of Object.entries(c.evidence)) write(`${k}: ${show(v)}`, { indent: 16 });
    write(`Controls: ${c.controls.map((k) => `${k.framework} ${k.id}`).join('; ')}`, { indent: 8, color: [0.3, 0.3, 0.3] });
    y -= 4;
  }
  write(`Signed with the audit log key ${report.auditPublicKeyId}; verify with: castellan compliance verify <file>`, { color: [0.3, 0.3, 0.3] });
  return Buffer.from(await doc.save({ useObjectStreams: false }));
}
