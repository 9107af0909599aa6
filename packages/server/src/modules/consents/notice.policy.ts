export interface NoticeVersion {
  id: string;
  purpose: string;
  version: number;
}

/** The ids of the current notice of each purpose: its highest version (a new version never edits an old one). */
export function currentVersions(versions: readonly NoticeVersion[]): string[] {
  const best = new Map<string, NoticeVersion>();
  for (const v of versions) {
    const held = best.get(v.purpose);
    if (!held || v.version > held.version) best.set(v.purpose, v);
  }
  return [...best.values()].map((v) => v.id).sort();
}
