import type { ProcessingActivity } from './processing-activities.js';

/**
 * Which processing needs a personal-information protection impact assessment (PIPL Art. 55) and why:
 * (1) sensitive PI; (2) automated decision-making; (3) entrusting, providing to another handler or
 * publicly disclosing; (4) providing abroad. Computed from the catalogue's activities and the transfer
 * register; an assessment covers a requirement when its approved, current version names every trigger.
 */
export const pipiaTriggers = ['sensitive_pi', 'automated_decision', 'third_party_provision', 'cross_border'] as const;
export type PipiaTrigger = (typeof pipiaTriggers)[number];

export const triggerArticles: Readonly<Record<PipiaTrigger, string>> = {
  sensitive_pi: 'PIPL Art. 55(1)',
  automated_decision: 'PIPL Art. 55(2)',
  third_party_provision: 'PIPL Art. 55(3)',
  cross_border: 'PIPL Art. 55(4)',
};

export interface TransferFacts {
  id: string;
  activity: string;
  country: string;
  status: string;
}

export interface PipiaRequirement {
  activity: string;
  triggers: PipiaTrigger[];
}

/** A transfer that is not ended is a provision to another handler; outside the controller's country, a cross-border one. */
export const isLiveTransfer = (t: Pick<TransferFacts, 'status'>): boolean => t.status !== 'ended';
export const isCrossBorder = (country: string, home: string): boolean => country.toUpperCase() !== home.toUpperCase();

export function triggersOf(activity: ProcessingActivity, transfers: readonly TransferFacts[], home: string): PipiaTrigger[] {
  const live = transfers.filter((t) => t.activity === activity.key && isLiveTransfer(t));
  const out: PipiaTrigger[] = [];
  if (activity.sensitive) out.push('sensitive_pi');
  if (activity.automatedDecision) out.push('automated_decision');
  if (live.length > 0) out.push('third_party_provision');
  if (live.some((t) => isCrossBorder(t.country, home))) out.push('cross_border');
  return out;
}

export function pipiaRequirements(activities: readonly ProcessingActivity[], transfers: readonly TransferFacts[], home: string): PipiaRequirement[] {
  return activities.map((a) => ({ activity: a.key, triggers: triggersOf(a, transfers, home) })).filter((r) => r.triggers.length > 0);
}

/** The triggers a requirement names that an assessment's version does not cover. */
export const uncoveredTriggers = (required: readonly PipiaTrigger[], covered: readonly string[]): PipiaTrigger[] =>
  required.filter((t) => !covered.includes(t));
