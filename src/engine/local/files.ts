// Small crash-safe file helpers: a file is replaced by rename, so a reader (or a restarted service)
// sees either the old or the new content, never half of it.
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';

export const tmpName = (p: string): string => path.join(path.dirname(p), `.${path.basename(p)}.tmp-${randomBytes(4).toString('hex')}`);

/** Writes content to file atomically unless it already has it. Returns whether it changed. */
export function writeIfChanged(file: string, content: string, chown: (p: string) => void, mode = 0o600): boolean {
  try {
    if (fs.readFileSync(file, 'utf8') === content) return false;
  } catch {
    /* missing: write it */
  }
  const tmp = tmpName(file);
  fs.writeFileSync(tmp, content, { mode });
  chown(tmp);
  fs.renameSync(tmp, file);
  return true;
}

/** Makes a directory (and its missing parents) with this mode and owner, and fixes both if it exists. */
export function ensureDir(dir: string, mode: number, chown: (p: string) => void): void {
  fs.mkdirSync(dir, { recursive: true, mode });
  const st = fs.statSync(dir);
  if ((st.mode & 0o7777) !== mode) fs.chmodSync(dir, mode);
  chown(dir);
}
