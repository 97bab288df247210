/**
 * The real WatchFs: chokidar 5 watching directories one level deep, node:fs for stat and read.
 * Kept thin on purpose: every decision (what is relevant, debouncing, what changed) is in the loop.
 */
import fs from 'node:fs';
import path from 'node:path';
import { FSWatcher } from 'chokidar';
import type { DirWatcher, FileStat, FsChange, WatchFs } from './fs.ts';

export function chokidarFs(): WatchFs {
  return {
    watch(onChange, onError) {
      return new ChokidarDirWatcher(onChange, onError);
    },
    stat(p): FileStat | undefined {
      try {
        const st = fs.statSync(p);
        return { kind: st.isDirectory() ? 'dir' : 'file', size: st.size, mtimeMs: st.mtimeMs, ino: st.ino };
      } catch {
        return undefined;
      }
    },
    read(p) {
      try {
        return fs.readFileSync(p);
      } catch {
        return undefined;
      }
    },
  };
}

class ChokidarDirWatcher implements DirWatcher {
  private watcher: FSWatcher | undefined;
  private key = '';

  constructor(
    private readonly onChange: (c: FsChange) => void,
    private readonly onError?: (err: Error) => void,
  ) {}

  /**
   * A new FSWatcher whenever the set changes (rare: only when a compile names a new folder),
   * so that 'ready' tells us the new set is live; the old one is closed after, so nothing is missed in between.
   */
  async setDirs(dirs: readonly string[]): Promise<void> {
    const key = [...dirs].sort().join('\n');
    if (key === this.key) return;
    this.key = key;
    if (dirs.length === 0) {
      await this.close();
      return;
    }
    const next = new FSWatcher({ depth: 0, ignoreInitial: true, persistent: true });
    next.on('all', (type, p) => this.onChange({ type: type as FsChange['type'], path: path.resolve(p) }));
    next.on('error', (err) => this.onError?.(err as Error));
    const ready = new Promise<void>((resolve) => next.once('ready', () => resolve()));
    next.add([...dirs]);
    await ready;
    const old = this.watcher;
    this.watcher = next;
    await old?.close();
  }

  async close(): Promise<void> {
    const w = this.watcher;
    this.watcher = undefined;
    this.key = '';
    await w?.close();
  }
}
