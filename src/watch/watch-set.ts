/**
 * Which folders to watch for a set of input files, and which paths matter. Pure functions of
 * the inputs and what exists now.
 *
 * Each input's folder is watched; when that folder does not exist (a source in a folder not
 * delivered yet), its nearest existing ancestor is, and the creation of any folder on the way
 * down is a reason to look again.
 */
import path from 'node:path';

export interface WatchSet {
  /** Absolute input paths: an event on one of these may mean a rebuild. */
  files: ReadonlySet<string>;
  /** Folders to watch, sorted. */
  dirs: string[];
  /** Folders between an input and its watched folder (inclusive): created or removed → recompute. */
  ancestors: ReadonlySet<string>;
}

export function watchSet(inputs: Iterable<string>, isDir: (p: string) => boolean): WatchSet {
  const files = new Set<string>();
  const dirs = new Set<string>();
  const ancestors = new Set<string>();
  for (const input of inputs) {
    const abs = path.resolve(input);
    files.add(abs);
    let d = path.dirname(abs);
    for (;;) {
      ancestors.add(d);
      if (isDir(d)) break;
      const up = path.dirname(d);
      if (up === d) break;
      d = up;
    }
    dirs.add(d);
  }
  return { files, dirs: [...dirs].sort(), ancestors };
}

/** "postaudio.yaml changed", "sfx/door.wav added", "3 files changed (a.wav, b.wav, …)". */
export function describeChanges(changes: ReadonlyMap<string, 'added' | 'changed' | 'removed'>, root: string): string {
  const rel = (p: string) => path.relative(root, p).split(path.sep).join('/') || p;
  const entries = [...changes.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  if (entries.length === 1) return `${rel(entries[0][0])} ${entries[0][1]}`;
  const names = entries.slice(0, 3).map(([p]) => rel(p));
  return `${entries.length} files changed (${names.join(', ')}${entries.length > 3 ? ', …' : ''})`;
}
