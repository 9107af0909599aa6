import type { EvidenceValue } from './compliance-check.js';
import type { ComplianceReport } from './compliance-report.js';
import { statusNames } from './report-labels.js';

const escapeHtml = (text: string): string =>
  text.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch] as string);
const show = (value: EvidenceValue): string => (Array.isArray(value) ? (value.length ? value.join(', ') : '—') : value === null ? '—' : String(value));

/** The report as one self-contained HTML page, labels in English and Chinese (no script, no external resource). */
export function renderReportHtml(report: ComplianceReport): Buffer {
  const rows = report.checks
    .map((c) => {
      const evidence = Object.entries(c.evidence)
        .map(([k, v]) => `<li><code>${escapeHtml(k)}</code>: ${escapeHtml(show(v))}</li>`)
        .join('');
      const controls = c.controls.map((k) => `${escapeHtml(k.framework)} ${escapeHtml(k.id)}`).join('; ');
      const status = statusNames[c.status];
      return `<tr class="${c.status}"><td>${escapeHtml(c.title.en)}<br><span lang="zh-CN">${escapeHtml(c.title.zh)}</span></td><td>${status.en} / <span lang="zh-CN">${status.zh}</span></td><td>${escapeHtml(c.reason)}<ul>${evidence}</ul></td><td>${controls}</td></tr>`;
    })
    .join('\n');
  const frameworks = report.frameworks
    .map((f) => `<li>${escapeHtml(f.en)} / <span lang="zh-CN">${escapeHtml(f.zh)}</span>: ${f.passing} passing / 通过, ${f.failing} failing / 未通过</li>`)
    .join('');
  const cp = report.auditCheckpoint;
  const checkpoint = cp
    ? `<p>Latest signed audit checkpoint / 最新签名审计检查点: seq ${cp.seq}, hash <code>${escapeHtml(cp.hash)}</code>, ${escapeHtml(cp.at)}, key ${escapeHtml(cp.keyId)}, signature <code>${escapeHtml(cp.signature)}</code></p>`
    : '<p>No signed audit checkpoint yet / 尚无签名审计检查点</p>';
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Castellan compliance report / 合规报告</title>
<style>body{font-family:sans-serif;margin:2rem}table{border-collapse:collapse;width:100%}td,th{border:1px solid #999;padding:.4rem;vertical-align:top}tr.failing td:nth-child(2){color:#a00}tr.passing td:nth-child(2){color:#060}</style></head>
<body><h1>Castellan compliance report / <span lang="zh-CN">合规报告</span></h1>
<p>Generated / 生成时间 ${escapeHtml(report.generatedAt)} · checks computed / 检查计算时间 ${escapeHtml(report.computedAt)} · by / 生成者 ${escapeHtml(report.generatedBy)}</p>
<p>${report.summary.passing} of ${report.summary.total} checks passing / 共 ${report.summary.total} 项检查，${report.summary.passing} 项通过</p>
<ul>${frameworks}</ul>
${checkpoint}
<table><thead><tr><th>Check / 检查项</th><th>Status / 状态</th><th>Evidence / 证据</th><th>Controls / 控制项</th></tr></thead><tbody>
${rows}
</tbody></table>
<p>Signed with the audit log key ${escapeHtml(report.auditPublicKeyId)}; verify with <code>castellan compliance verify &lt;file&gt;</code>.</p>
</body></html>`;
  return Buffer.from(html, 'utf8');
}
