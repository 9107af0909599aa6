import { call, request } from '../../api/client';

export const frameworks = ['GDPR', 'CCPA', 'PIPL', 'CSL', 'MLPS3'] as const;
export type Framework = (typeof frameworks)[number];
export const reportFormats = ['json', 'html', 'pdf'] as const;
export type ReportFormat = (typeof reportFormats)[number];

export interface ComplianceCheck {
  id: string;
  status: 'passing' | 'failing';
  reason: string;
  evidence: Record<string, string | number | boolean | null | string[]>;
  controls: { framework: Framework; id: string }[];
}

export const fetchChecks = (refresh: boolean) =>
  request<{ computedAt: string; checks: ComplianceCheck[] }>('GET', '/api/v1/compliance/checks', { query: { refresh: String(refresh) } });

/** The signed report as a file (its bytes must stay exactly as signed: fetched as a blob, never re-encoded). */
export async function fetchReport(format: ReportFormat): Promise<{ blob: Blob; name: string }> {
  return call(async () => {
    const response = await fetch(`/api/v1/compliance/report?format=${format}`, { credentials: 'same-origin', headers: { accept: '*/*' } });
    if (response.ok) {
      const name = /filename="([^"]+)"/.exec(response.headers.get('content-disposition') ?? '')?.[1] ?? `castellan-compliance.${format}`;
      return { data: { blob: await response.blob(), name }, response };
    }
    let error: unknown;
    try {
      error = await response.json();
    } catch {
      error = undefined;
    }
    return { error, response };
  });
}

/** Hands a file to the browser's download, then lets go of it. */
export function saveFile(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.rel = 'noopener';
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 0);
}
