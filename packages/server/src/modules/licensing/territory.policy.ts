import { codeListItems, territoryLeaves, territoryLeavesOf, territoryRegions } from '@castellan/shared';

/**
 * Territory containment, pure: a list of codes and regions stands for a set of indivisible
 * territories (regions from the explicit table in licensing-territories.ts; WORLD holds them all).
 * Two lists overlap when the sets share a territory; one contains another when its set is a superset.
 */
export function territorySet(list: string | readonly string[]): Set<string> {
  const items = typeof list === 'string' ? codeListItems(list) : list;
  return new Set(items.flatMap((item) => territoryLeavesOf(item)));
}

export function territoriesOverlap(a: string, b: string): boolean {
  const left = territorySet(a);
  for (const code of territorySet(b)) if (left.has(code)) return true;
  return false;
}

export function territoriesContain(outer: string, inner: string): boolean {
  const big = territorySet(outer);
  return [...territorySet(inner)].every((code) => big.has(code));
}

/** Territories of both sets, in the table's order. */
export function sharedTerritories(a: ReadonlySet<string>, b: ReadonlySet<string>): string[] {
  return territoryLeaves.filter((code) => a.has(code) && b.has(code));
}

/** Regions largest first, WORLD excepted (it is handled as "WORLD except …"). */
const regionsBySize = Object.entries(territoryRegions)
  .filter(([name]) => name !== 'WORLD')
  .sort((a, b) => b[1].length - a[1].length);

/** The fewest names (regions whole, then single territories) that make up `codes` exactly. */
function namesOf(codes: ReadonlySet<string>): string[] {
  const left = new Set(codes);
  const names: string[] = [];
  for (const [name, members] of regionsBySize) {
    if (members.length > 1 && members.every((code) => left.has(code))) {
      names.push(name);
      for (const code of members) left.delete(code);
    }
  }
  return [...names, ...territoryLeaves.filter((code) => left.has(code))];
}

/** A set of territories described exactly and briefly: `{ include: ['WORLD'], except: ['CN-mainland'] }`. */
export function describeTerritorySet(codes: Iterable<string>): { include: string[]; except: string[] } {
  const set = new Set(codes);
  if (set.size * 2 > territoryLeaves.length) {
    const missing = new Set(territoryLeaves.filter((code) => !set.has(code)));
    return { include: ['WORLD'], except: namesOf(missing) };
  }
  return { include: namesOf(set), except: [] };
}

/** "HK, MO" or "WORLD except CN-mainland" (at most `limit` names, then "+N more"). */
export function territoryLabel(codes: Iterable<string>, limit = 6): string {
  const { include, except } = describeTerritorySet(codes);
  const cut = (names: string[]) => (names.length > limit ? `${names.slice(0, limit).join(', ')} +${names.length - limit} more` : names.join(', '));
  return except.length ? `${cut(include)} except ${cut(except)}` : cut(include);
}
