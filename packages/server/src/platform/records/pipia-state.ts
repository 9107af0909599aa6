import { type PipiaTrigger, uncoveredTriggers } from './pipia-requirements.js';

/**
 * Where an assessment stands, computed on read (never stored): a version is `outdated` when the
 * catalogue classifications of its activity differ from those it was generated from; the assessment
 * is `current` when its latest approved version is not outdated and names every trigger the activity
 * has now (a cross-border transfer registered after approval leaves it uncovered).
 */
export interface VersionFacts {
  version: number;
  status: 'draft' | 'approved';
  fingerprint: string;
  triggers: readonly string[];
}

export type RequirementState = 'missing' | 'draft' | 'outdated' | 'uncovered' | 'current';

export interface PipiaState {
  status: 'draft' | 'approved';
  latestVersion: number;
  approvedVersion: number | null;
  outdated: boolean;
  uncovered: PipiaTrigger[];
  current: boolean;
  state: Exclude<RequirementState, 'missing'>;
}

export function pipiaState(versions: readonly VersionFacts[], liveFingerprint: string, required: readonly PipiaTrigger[]): PipiaState {
  const sorted = [...versions].sort((a, b) => b.version - a.version);
  const latest = sorted[0];
  if (!latest) throw new Error('an assessment has at least one version');
  const approved = sorted.find((v) => v.status === 'approved') ?? null;
  const judged = approved ?? latest;
  const outdated = judged.fingerprint !== liveFingerprint;
  const uncovered = uncoveredTriggers(required, approved?.triggers ?? []);
  const state = !approved ? 'draft' : outdated ? 'outdated' : uncovered.length ? 'uncovered' : 'current';
  return {
    status: latest.status,
    latestVersion: latest.version,
    approvedVersion: approved?.version ?? null,
    outdated,
    uncovered,
    current: state === 'current',
    state,
  };
}
