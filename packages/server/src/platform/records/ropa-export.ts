import type { RopaVersionView } from '@castellan/shared';
import { csvCell } from '../data/export-records.js';

/**
 * A RoPA version as a file: JSON (the stored content with its version facts), CSV (one row per
 * personal field of each activity, formula-safe cells) or HTML (a bilingual table, every value
 * escaped; no script, no inline style). The controller's contact and DPO appear only when the
 * caller may read them (the view carries them, or null).
 */
export type RopaFormat = 'json' | 'csv' | 'html';

const escapeHtml = (text: string): string =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

const csvHeader = [
  'activity',
  'purpose',
  'purpose_zh',
  'data_subjects',
  'lawful_bases',
  'field',
  'classification',
  'pi_category',
  'measures',
  'recipients',
  'cross_border',
  'retention',
  'pipia_triggers',
];

const recipientsText = (a: RopaVersionView['content']['activities'][number]) =>
  a.recipients.map((r) => `${r.recipient} (${r.country}${r.mechanism ? `, ${r.mechanism}` : ''}, ${r.status})`);

export function ropaCsv(view: RopaVersionView): string {
  const rows = view.content.activities.flatMap((a) =>
    (a.fields.length ? a.fields : [null]).map((f) =>
      [
        a.key,
        a.purpose?.en ?? 'purpose not declared',
        a.purpose?.zh ?? '未声明目的',
        a.subjects,
        a.lawfulBases,
        f?.field ?? '',
        f?.classification ?? '',
        f?.piCategory ?? '',
        f?.measures ?? [],
        recipientsText(a),
        a.recipients.filter((r) => r.crossBorder).map((r) => r.country),
        a.retention.length ? a.retention : ['no rule'],
        a.pipiaTriggers,
      ]
        .map((cell) => csvCell(cell as string | string[]))
        .join(','),
    ),
  );
  return `${csvHeader.join(',')}\n${rows.join('\n')}\n`;
}

export function ropaHtml(view: RopaVersionView): string {
  const c = view.content;
  const list = (items: readonly string[]) => escapeHtml(items.join(', ') || '—');
  const controllerPersonal = view.controllerPersonal
    ? `<p>Contact / 联系方式: ${escapeHtml(view.controllerPersonal.contact ?? '—')} · DPO / 个人信息保护负责人: ${escapeHtml(view.controllerPersonal.dpo ?? '—')}</p>`
    : '';
  const rows = c.activities
    .map(
      (
        a,
      ) => `<tr><td><code>${escapeHtml(a.key)}</code></td><td>${escapeHtml(a.purpose?.en ?? 'purpose not declared')}<br><span lang="zh-CN">${escapeHtml(a.purpose?.zh ?? '未声明目的')}</span></td>
<td>${list(a.subjects)}</td><td>${list(a.lawfulBases)}</td>
<td><ul>${a.fields.map((f) => `<li><code>${escapeHtml(f.field)}</code> ${escapeHtml(f.classification)} · ${escapeHtml(f.piCategory)} · ${list(f.measures)}</li>`).join('')}</ul></td>
<td>${list(recipientsText(a))}</td><td>${list(a.retention.length ? a.retention : ['no rule / 无规则'])}</td><td>${list(a.pipiaTriggers)}</td></tr>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Record of processing activities v${view.number} / 个人信息处理活动记录</title></head>
<body>
<h1>Record of processing activities (GDPR Art. 30) / 个人信息处理活动记录</h1>
<p>Version / 版本 ${view.number} · ${escapeHtml(view.createdAt)} · hash <code>${escapeHtml(view.contentHash)}</code> · catalogue fingerprint / 目录指纹 <code>${escapeHtml(view.catalogueFingerprint)}</code>${view.outdated ? ' · <strong>OUTDATED / 已过期</strong>' : ''}</p>
<h2>Controller / 个人信息处理者</h2>
<p>${escapeHtml(c.controller.name)} (${escapeHtml(c.controller.country)})</p>
${controllerPersonal}
<h2>Processing activities / 处理活动</h2>
<table>
<thead><tr><th>Activity / 活动</th><th>Purpose / 目的</th><th>Data subjects / 个人类别</th><th>Lawful bases / 合法性基础</th><th>Personal data / 个人信息</th><th>Recipients and transfers / 接收方与跨境</th><th>Retention / 保存期限</th><th>PIPIA triggers / 影响评估情形</th></tr></thead>
<tbody>
${rows}
</tbody></table>
<h2>Security measures / 安全措施</h2>
<ul>${c.securityMeasures.map((m) => `<li>${escapeHtml(m.en)} / <span lang="zh-CN">${escapeHtml(m.zh)}</span></li>`).join('')}</ul>
</body></html>
`;
}

export function renderRopa(view: RopaVersionView, format: RopaFormat): { body: string; contentType: string; filename: string } {
  const base = `ropa-v${view.number}`;
  if (format === 'csv') return { body: ropaCsv(view), contentType: 'text/csv; charset=utf-8', filename: `${base}.csv` };
  if (format === 'html') return { body: ropaHtml(view), contentType: 'text/html; charset=utf-8', filename: `${base}.html` };
  return { body: JSON.stringify(view, null, 2), contentType: 'application/json; charset=utf-8', filename: `${base}.json` };
}
