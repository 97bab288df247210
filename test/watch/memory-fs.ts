/**
 * An in-memory WatchFs (ninja's VirtualFileSystem, esbuild's mock FS): files and folders in maps,
 * mtimes from the fake clock, and watcher events delivered synchronously the way chokidar reports
 * them for watched folders one level deep (add / change / unlink / addDir / unlinkDir).
 */
import path from 'node:path';
import type { DirWatcher, FileStat, FsChange, WatchFs } from '../../src/watch/fs.ts';

interface MemFile {
  data: Uint8Array;
  mtimeMs: number;
  ino: number;
}

class MemWatcher implements DirWatcher {
  dirs = new Set<string>();
  setCalls = 0;
  constructor(
    readonly onChange: (c: FsChange) => void,
    private readonly all: Set<MemWatcher>,
  ) {
    all.add(this);
  }
  async setDirs(dirs: readonly string[]): Promise<void> {
    this.setCalls++;
    this.dirs = new Set(dirs);
  }
  async close(): Promise<void> {
    this.all.delete(this);
  }
}

export class MemoryFs implements WatchFs {
  private readonly files = new Map<string, MemFile>();
  private readonly dirs = new Set<string>(['/']);
  private readonly watchers = new Set<MemWatcher>();
  private ino = 1;

  constructor(private readonly clock: { now(): number }) {}

  // --- WatchFs
  watch(onChange: (c: FsChange) => void): DirWatcher {
    return new MemWatcher(onChange, this.watchers);
  }

  stat(p: string): FileStat | undefined {
    const f = this.files.get(p);
    if (f) return { kind: 'file', size: f.data.length, mtimeMs: f.mtimeMs, ino: f.ino };
    if (this.dirs.has(p)) return { kind: 'dir', size: 0, mtimeMs: 0, ino: 0 };
    return undefined;
  }

  read(p: string): Uint8Array | undefined {
    return this.files.get(p)?.data;
  }

  // --- for tests
  /** Folders some watcher watches now, sorted. */
  get watchedDirs(): string[] {
    return [...new Set([...this.watchers].flatMap((w) => [...w.dirs]))].sort();
  }

  text(p: string): string | undefined {
    const d = this.read(p);
    return d && Buffer.from(d).toString('utf8');
  }

  exists(p: string): boolean {
    return this.stat(p) !== undefined;
  }

  mkdir(p: string): void {
    if (this.dirs.has(p)) return;
    if (this.files.has(p)) throw new Error(`EEXIST ${p}`);
    this.mkdir(path.dirname(p));
    this.dirs.add(p);
    this.notify({ type: 'addDir', path: p });
  }

  /** Writes in place (same inode when the file exists), creating folders on the way. */
  write(p: string, content: string | Uint8Array): void {
    this.mkdir(path.dirname(p));
    const data = typeof content === 'string' ? new TextEncoder().encode(content) : content;
    const old = this.files.get(p);
    this.files.set(p, { data, mtimeMs: this.clock.now(), ino: old?.ino ?? this.ino++ });
    this.notify({ type: old ? 'change' : 'add', path: p });
  }

  /** Removes a file, or a folder and everything in it. */
  rm(p: string): void {
    if (this.files.delete(p)) {
      this.notify({ type: 'unlink', path: p });
      return;
    }
    if (!this.dirs.has(p)) throw new Error(`ENOENT ${p}`);
    const inside = (q: string) => q.startsWith(`${p}/`);
    for (const f of [...this.files.keys()].filter(inside).sort()) this.rm(f);
    for (const d of [...this.dirs].filter(inside).sort().reverse()) {
      this.dirs.delete(d);
      this.notify({ type: 'unlinkDir', path: d });
    }
    this.dirs.delete(p);
    this.notify({ type: 'unlinkDir', path: p });
  }

  /** rename(2) of a file: atomically replaces `to`, keeps the inode. */
  rename(from: string, to: string): void {
    const f = this.files.get(from);
    if (!f) throw new Error(`ENOENT ${from}`);
    if (!this.dirs.has(path.dirname(to))) throw new Error(`ENOENT ${path.dirname(to)}`);
    const replaced = this.files.has(to);
    this.files.delete(from);
    this.files.set(to, { ...f, mtimeMs: f.mtimeMs });
    this.notify({ type: 'unlink', path: from });
    this.notify({ type: replaced ? 'change' : 'add', path: to });
  }

  /** A watcher sees its folders' direct entries, and the folder itself going away. */
  private notify(c: FsChange): void {
    for (const w of [...this.watchers]) {
      if (w.dirs.has(path.dirname(c.path)) || (c.type === 'unlinkDir' && w.dirs.has(c.path))) w.onChange(c);
    }
  }
}
