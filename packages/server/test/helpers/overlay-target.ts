import type { BackupTarget } from '../../src/platform/backup/backup-target.js';
import { TargetMissingError } from '../../src/platform/backup/backup-target.js';

/**
 * A backup target seen through a set of changes (a file replaced, removed or added), leaving the
 * real target untouched: the tamper suite applies one attack per case without copying the backups.
 */
export function overlayTarget(base: BackupTarget, changes: Map<string, Buffer | null>): BackupTarget {
  const parentOf = (p: string) => p.slice(0, p.lastIndexOf('/', p.length - 2) + 1);
  return {
    ...base,
    async put() {
      throw new Error('the overlay is read-only');
    },
    async remove() {
      throw new Error('the overlay is read-only');
    },
    async get(p) {
      if (changes.has(p)) {
        const bytes = changes.get(p);
        if (!bytes) throw new TargetMissingError(`${p} is missing`);
        return bytes;
      }
      return base.get(p);
    },
    async exists(p) {
      if (changes.has(p)) return changes.get(p) !== null;
      if (p.endsWith('/')) return (await base.list(p)).length > 0;
      return base.exists(p);
    },
    async list(prefix) {
      const names = new Set(await base.list(prefix));
      for (const [p, bytes] of changes) {
        if (parentOf(p) !== prefix) continue;
        const name = p.slice(prefix.length);
        if (bytes === null) names.delete(name);
        else names.add(name);
      }
      return [...names].sort();
    },
  };
}
