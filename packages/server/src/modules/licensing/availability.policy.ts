import { type DayRange, dateOf } from './licensing-dates.js';
import { type ExpandedBlock, expandBlock, licenceName, type RightsBlock } from './rights-block.js';
import { describeTerritorySet } from './territory.policy.js';

/**
 * Avails (pure): what of a title can still be sold, per territory × medium, within the rights held —
 * rights-in blocks minus the live licences out. For each day of the asked range a territory ×
 * medium is either not held (left out), blocked by an exclusive licence, sellable non-exclusively
 * (the rights held are not exclusive, or a licence already sells it), or sellable exclusively.
 * Days in the same state form one window; territories with the same windows form one entry.
 * A licence the caller may not see is named only as "an exclusive licence you cannot see" (or "a
 * licence you cannot see"): it still blocks, but its contract, licensee and fee stay hidden.
 */
export interface AvailabilityQuery {
  /** Indivisible territories asked about. */
  readonly territories: ReadonlySet<string>;
  readonly media: readonly string[];
  readonly days: DayRange;
}

export interface AvailabilityConflict {
  readonly licenseId: string | null;
  readonly contractNumber: string | null;
  readonly exclusive: boolean;
  readonly description: string;
}

export interface AvailabilityWindow {
  readonly from: string;
  readonly to: string;
  /** A new non-exclusive licence may be sold here. */
  readonly nonExclusiveAvailable: boolean;
  /** A new exclusive licence may be sold here. */
  readonly exclusiveAvailable: boolean;
  /** Why not (or not exclusively): `exclusive_licence`, `licensed`, `rights_not_exclusive`, or null. */
  readonly restriction: 'exclusive_licence' | 'licensed' | 'rights_not_exclusive' | null;
  readonly conflicts: AvailabilityConflict[];
}

export interface AvailabilityEntry {
  readonly medium: string;
  readonly territories: string[];
  readonly except: string[];
  readonly windows: AvailabilityWindow[];
}

const conflictOf = (licence: RightsBlock): AvailabilityConflict =>
  licence.visible === false
    ? { licenseId: null, contractNumber: null, exclusive: licence.exclusive, description: licenceName(licence) }
    : { licenseId: licence.id, contractNumber: licence.contractNumber, exclusive: licence.exclusive, description: licenceName(licence) };

/** The state of one elementary stretch of days (all blocks either cover it whole or not at all). */
type State = Omit<AvailabilityWindow, 'from' | 'to'>;

function stateOf(rights: ExpandedBlock[], licences: ExpandedBlock[], day: number): State | null {
  const held = rights.filter((r) => r.days.from <= day && day <= r.days.to);
  if (!held.length) return null;
  const sold = licences.filter((l) => l.days.from <= day && day <= l.days.to);
  const exclusiveSold = sold.filter((l) => l.block.exclusive);
  const conflicts = (blocks: ExpandedBlock[]) => {
    // Hidden licences are named once per kind: how many there are is theirs to know.
    const seen = new Set<string>();
    return blocks
      .map((b) => conflictOf(b.block))
      .filter((c) => {
        const key = c.licenseId ?? `hidden:${c.exclusive}`;
        if (seen.has(key)) return false;
        seen.add(key);
        return true;
      })
      .sort((a, b) => (a.contractNumber ?? '\uffff').localeCompare(b.contractNumber ?? '\uffff'));
  };
  if (exclusiveSold.length)
    return { nonExclusiveAvailable: false, exclusiveAvailable: false, restriction: 'exclusive_licence', conflicts: conflicts(exclusiveSold) };
  if (sold.length) return { nonExclusiveAvailable: true, exclusiveAvailable: false, restriction: 'licensed', conflicts: conflicts(sold) };
  const exclusiveHeld = held.some((r) => r.block.exclusive);
  return { nonExclusiveAvailable: true, exclusiveAvailable: exclusiveHeld, restriction: exclusiveHeld ? null : 'rights_not_exclusive', conflicts: [] };
}

/** The windows of one territory × medium across the asked days. */
function timeline(rights: ExpandedBlock[], licences: ExpandedBlock[], days: DayRange): AvailabilityWindow[] {
  const cuts = new Set<number>([days.from, days.to + 1]);
  for (const b of [...rights, ...licences]) for (const edge of [b.days.from, b.days.to + 1]) if (edge > days.from && edge <= days.to) cuts.add(edge);
  const edges = [...cuts].sort((a, b) => a - b);
  const spans: { start: number; end: number; state: State; key: string }[] = [];
  for (let i = 0; i + 1 < edges.length; i++) {
    const start = edges[i] as number;
    const end = (edges[i + 1] as number) - 1;
    const state = stateOf(rights, licences, start);
    if (!state) continue;
    const key = JSON.stringify(state);
    const last = spans[spans.length - 1];
    if (last && last.key === key && last.end + 1 === start) last.end = end;
    else spans.push({ start, end, state, key });
  }
  return spans.map((s) => ({ from: dateOf(s.start), to: dateOf(s.end), ...s.state }));
}

/** What can still be sold, per medium and group of territories with the same windows. */
export function availability(rightsHeld: readonly RightsBlock[], licences: readonly RightsBlock[], query: AvailabilityQuery): AvailabilityEntry[] {
  const rights = rightsHeld.map(expandBlock);
  const live = licences.filter((l) => l.status !== 'cancelled').map(expandBlock);
  const entries: AvailabilityEntry[] = [];
  for (const medium of query.media) {
    const rightsHere = rights.filter((r) => r.media.has(medium));
    const licencesHere = live.filter((l) => l.media.has(medium));
    const groups = new Map<string, { territories: string[]; windows: AvailabilityWindow[] }>();
    // Territories named by the same blocks share their windows: compute each combination once.
    const bySignature = new Map<string, string[]>();
    for (const territory of query.territories) {
      const signature = [...rightsHere, ...licencesHere].map((b) => (b.territories.has(territory) ? '1' : '0')).join('');
      bySignature.set(signature, [...(bySignature.get(signature) ?? []), territory]);
    }
    for (const territories of bySignature.values()) {
      const first = territories[0] as string;
      const windows = timeline(
        rightsHere.filter((r) => r.territories.has(first)),
        licencesHere.filter((l) => l.territories.has(first)),
        query.days,
      );
      if (!windows.length) continue;
      const key = JSON.stringify(windows);
      const group = groups.get(key) ?? { territories: [], windows };
      group.territories.push(...territories);
      groups.set(key, group);
    }
    for (const group of groups.values()) {
      const { include, except } = describeTerritorySet(group.territories);
      entries.push({ medium, territories: include, except, windows: group.windows });
    }
  }
  return entries;
}
