import { call, request } from '../../api/client';

export const actions = ['delete', 'anonymise'] as const;
export const triggers = ['inactivity', 'contract_end'] as const;

export interface RetentionRule {
  id: string;
  object: string;
  purpose: string;
  action: (typeof actions)[number];
  trigger: (typeof triggers)[number];
  days: number;
  enabled: boolean;
  version: number;
  updatedAt: string;
}

export interface RuleCounts {
  ruleId: string;
  object: string;
  purpose: string;
  action: string;
  days: number;
  due: number;
  removed: number;
  anonymised: number;
  held: number;
  restricted: number;
  referenced: number;
}

export interface RetentionRun {
  id: string;
  kind: 'scheduled' | 'manual';
  dryRun: boolean;
  state: 'running' | 'finished' | 'failed';
  startedAt: string;
  finishedAt: string | null;
  rules: RuleCounts[];
  certificate: boolean;
}

export interface RetentionObjects {
  items: { object: string; contractEnd: string | null; purposeFiltered: boolean }[];
  purposes: string[];
}

export const fetchRules = () => request<{ items: RetentionRule[] }>('GET', '/api/v1/retention/rules');
export const fetchRuns = () => request<{ items: RetentionRun[] }>('GET', '/api/v1/retention/runs');
export const fetchObjects = () => request<RetentionObjects>('GET', '/api/v1/retention/objects');

/** The signed certificate as a file: fetched as a blob so its bytes stay exactly as signed. */
export async function fetchCertificate(runId: string): Promise<{ blob: Blob; name: string }> {
  return call(async () => {
    const response = await fetch(`/api/v1/retention/runs/${encodeURIComponent(runId)}/certificate`, { credentials: 'same-origin', headers: { accept: '*/*' } });
    if (response.ok) return { data: { blob: await response.blob(), name: `retention-certificate-${runId}.json` }, response };
    let error: unknown;
    try {
      error = await response.json();
    } catch {
      error = undefined;
    }
    return { error, response };
  });
}

export const sum = (run: RetentionRun, key: 'due' | 'removed' | 'anonymised' | 'held' | 'restricted' | 'referenced'): number =>
  run.rules.reduce((n, r) => n + r[key], 0);
