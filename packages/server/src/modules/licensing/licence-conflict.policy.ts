import { type DayRange, describeDays, intersect, uncoveredDays } from './licensing-dates.js';
import { type ExpandedBlock, expandBlock, licenceName, type RightsBlock } from './rights-block.js';
import { sharedTerritories, territoryLabel } from './territory.policy.js';

/**
 * The two rules of a licence out (pure):
 * 1. it may not overlap an exclusive licence of the same title (same territory AND medium AND day),
 *    nor, when it is exclusive itself, any licence; cancelled licences block nothing;
 * 2. it must lie inside the rights held: every territory × medium × day of its window covered by a
 *    rights-in record of the title, an exclusive one for an exclusive licence.
 * Each refusal names what conflicts, or what is not covered.
 */

/** Where two blocks overlap, or null when they share no territory, medium or day. */
export function overlapOf(a: ExpandedBlock, b: ExpandedBlock): { territories: string[]; media: string[]; days: DayRange } | null {
  const days = intersect(a.days, b.days);
  if (!days) return null;
  const media = [...a.media].filter((m) => b.media.has(m));
  if (media.length === 0) return null;
  const territories = sharedTerritories(a.territories, b.territories);
  if (territories.length === 0) return null;
  return { territories, media, days };
}

export interface LicenceConflict {
  readonly licence: RightsBlock;
  readonly territories: string[];
  readonly media: string[];
  readonly days: DayRange;
}

/** The existing licences the candidate may not overlap, with where they overlap. */
export function licenceConflicts(candidate: RightsBlock, existing: readonly RightsBlock[]): LicenceConflict[] {
  if (candidate.status === 'cancelled') return [];
  const mine = expandBlock(candidate);
  const out: LicenceConflict[] = [];
  for (const other of existing) {
    if (other.id === candidate.id || other.status === 'cancelled') continue;
    if (!other.exclusive && !candidate.exclusive) continue;
    const overlap = overlapOf(mine, expandBlock(other));
    if (overlap) out.push({ licence: other, ...overlap });
  }
  return out;
}

export interface CoverageGap {
  readonly territories: string[];
  readonly medium: string;
  readonly days: DayRange;
}

/** The territory × medium × days of the candidate that the rights held do not cover (grouped by territory). */
export function coverageGaps(candidate: RightsBlock, rightsHeld: readonly RightsBlock[]): CoverageGap[] {
  const mine = expandBlock(candidate);
  const usable = rightsHeld.filter((r) => !candidate.exclusive || r.exclusive).map(expandBlock);
  const gaps: CoverageGap[] = [];
  for (const medium of mine.media) {
    const byGap = new Map<string, CoverageGap & { territories: string[] }>();
    for (const territory of mine.territories) {
      const covers = usable.filter((r) => r.media.has(medium) && r.territories.has(territory)).map((r) => r.days);
      for (const days of uncoveredDays(mine.days, covers)) {
        const key = `${days.from}-${days.to}`;
        const gap = byGap.get(key) ?? { territories: [], medium, days };
        gap.territories.push(territory);
        byGap.set(key, gap);
      }
    }
    gaps.push(...[...byGap.values()].sort((a, b) => a.days.from - b.days.from));
  }
  return gaps;
}

const listed = (parts: string[], limit = 4): string =>
  parts.length > limit ? `${parts.slice(0, limit).join('; ')}; +${parts.length - limit} more` : parts.join('; ');

/** Why a licence is refused (a 409 message), or null when it may be written. */
export function licenceRefusal(candidate: RightsBlock, rightsHeld: readonly RightsBlock[], existing: readonly RightsBlock[]): string | null {
  if (candidate.status === 'cancelled') return null;
  const conflicts = licenceConflicts(candidate, existing);
  if (conflicts.length) {
    const what = conflicts.map((c) => `${licenceName(c.licence)} in ${territoryLabel(c.territories)} × ${c.media.join(', ')} from ${describeDays(c.days)}`);
    const why = candidate.exclusive ? 'an exclusive licence may not overlap any licence' : 'it overlaps an exclusive licence';
    return `the licence conflicts (${why}) with ${listed(what)}`;
  }
  const gaps = coverageGaps(candidate, rightsHeld);
  if (gaps.length) {
    const what = gaps.map((g) => `${territoryLabel(g.territories)} × ${g.medium} from ${describeDays(g.days)}`);
    const held = candidate.exclusive ? 'the exclusive rights held' : 'the rights held';
    return `the licence falls outside ${held} for the title: not covered: ${listed(what)}`;
  }
  return null;
}

/**
 * Why a change to the rights held (a rights-in record narrowed, moved or deleted) is refused: the
 * licences it would leave uncovered. Null when every live licence of the title stays covered.
 */
export function rightsChangeRefusal(licences: readonly RightsBlock[], rightsAfter: readonly RightsBlock[]): string | null {
  const stranded = licences
    .filter((l) => l.status !== 'cancelled')
    .map((l) => ({ licence: l, gaps: coverageGaps(l, rightsAfter) }))
    .filter((s) => s.gaps.length > 0);
  if (!stranded.length) return null;
  const what = stranded.map(({ licence, gaps }) => {
    const first = gaps[0] as CoverageGap;
    return `${licenceName(licence)} (${territoryLabel(first.territories)} × ${first.medium} from ${describeDays(first.days)})`;
  });
  return `the rights held would no longer cover ${listed(what)}: cancel or change those licences first`;
}
