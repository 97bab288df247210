/**
 * The watcher's view of the file system (STYLE.md #17): directory watching, stat and read.
 * The watch loop only talks to this interface, so it runs against an in-memory file system
 * and a fake clock in tests; `chokidar-fs.ts` is the real one, a thin shell.
 *
 * Directories, not files, are watched (their direct entries only): a file that does not
 * exist yet, or that an editor replaces by renaming a temp file over it, is still seen,
 * because its folder is. The loop filters the events by name.
 */
import { createHash } from 'node:crypto';

export interface FileStat {
  kind: 'file' | 'dir';
  size: number;
  mtimeMs: number;
  ino: number;
}

/** Something happened to `path`, a direct entry of a watched directory (or the directory itself). */
export interface FsChange {
  type: 'add' | 'change' | 'unlink' | 'addDir' | 'unlinkDir';
  path: string;
}

export interface DirWatcher {
  /** Replaces the watched set; resolves once the new set is watched (events may then be relied on). */
  setDirs(dirs: readonly string[]): Promise<void>;
  close(): Promise<void>;
}

export interface WatchFs {
  watch(onChange: (change: FsChange) => void, onError?: (err: Error) => void): DirWatcher;
  /** undefined when nothing is there (or it cannot be read). */
  stat(path: string): FileStat | undefined;
  read(path: string): Uint8Array | undefined;
}

/**
 * Files up to this size (YAML, EDLs) are compared by content; larger ones (audio) by size, mtime
 * and inode. Every input is stamped before each compile, so this must stay small: a film has
 * thousands of sources.
 */
export const CONTENT_STAMP_LIMIT = 64 << 10;

/**
 * What a file looks like now, as a comparable string: `null` when missing. Small files are
 * stamped by content, so saving without a change, or a rename-over with the same bytes, is not
 * a change (and a same-size edit within a coarse mtime tick is); large ones by stat, which is
 * cheap and changes with every write.
 */
export function stampOf(fs: WatchFs, path: string): string | null {
  const st = fs.stat(path);
  if (!st) return null;
  if (st.kind === 'dir') return 'dir';
  if (st.size <= CONTENT_STAMP_LIMIT) {
    const bytes = fs.read(path);
    if (bytes) return `c:${createHash('sha256').update(bytes).digest('hex')}`;
  }
  return `s:${st.size}:${st.mtimeMs}:${st.ino}`;
}
