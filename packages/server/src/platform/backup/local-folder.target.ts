import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { writeDurably } from '../files/write-durably.js';
import { type BackupTarget, TargetMissingError } from './backup-target.js';

/** A folder on this machine (best another disk, or a mounted off-site share): each file written to a temporary name, flushed, then renamed. */
export function localFolderTarget(name: string, root: string): BackupTarget {
  const full = (p: string) => {
    const resolved = path.resolve(root, p);
    if (resolved !== path.resolve(root) && !resolved.startsWith(`${path.resolve(root)}${path.sep}`)) throw new Error(`path ${p} leaves the backup folder`);
    return resolved;
  };
  return {
    name,
    kind: 'local',
    appendOnly: false,
    async put(p, bytes) {
      const file = full(p);
      mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
      const temporary = `${file}.${randomBytes(6).toString('hex')}.partial`;
      writeDurably(temporary, bytes, 'w');
      renameSync(temporary, file);
    },
    async get(p) {
      try {
        return readFileSync(full(p));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new TargetMissingError(`${p} is missing from target ${name}`);
        throw error;
      }
    },
    async list(prefix) {
      const dir = full(prefix);
      if (!existsSync(dir)) return [];
      return readdirSync(dir)
        .filter((entry) => !entry.endsWith('.partial'))
        .map((entry) => (statSync(path.join(dir, entry)).isDirectory() ? `${entry}/` : entry))
        .sort();
    },
    async exists(p) {
      return existsSync(full(p));
    },
    async remove(p) {
      rmSync(full(p), { recursive: true, force: true });
    },
  };
}
