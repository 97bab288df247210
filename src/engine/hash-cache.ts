/**
 * Source hashing with a stat shortcut (STYLE.md #8): a file whose size, mtime and inode
 * match the record made when it was last hashed is not read again. A file modified in
 * the last 3 seconds is always hashed (a DAW may still be writing it) and its record is
 * not kept. The record is only a shortcut; the key always holds the content hash.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { FileHash, HashFile } from '../compiler/resolve.ts';
import { hashFile, writeAtomic } from './cache.ts';

interface Entry {
  size: number;
  mtimeMs: number;
  ino: number;
  sha256: string;
}

const RECENT_MS = 3000;

export class HashCache {
  private entries: Record<string, Entry> = {};
  private dirty = false;

  constructor(private readonly file: string, private readonly now: () => number = Date.now) {
    try {
      const data = JSON.parse(fs.readFileSync(file, 'utf8')) as { version: number; entries: Record<string, Entry> };
      if (data.version === 1) this.entries = data.entries;
    } catch {
      this.entries = {};
    }
  }

  readonly hash: HashFile = async (abs: string): Promise<FileHash> => {
    const st = fs.statSync(abs);
    const e = this.entries[abs];
    const recent = this.now() - st.mtimeMs < RECENT_MS;
    if (e && !recent && e.size === st.size && e.mtimeMs === st.mtimeMs && e.ino === st.ino) {
      return { sha256: e.sha256, size: e.size };
    }
    const sha256 = await hashFile(abs);
    if (!recent) {
      this.entries[abs] = { size: st.size, mtimeMs: st.mtimeMs, ino: st.ino, sha256 };
      this.dirty = true;
    } else if (e) {
      delete this.entries[abs];
      this.dirty = true;
    }
    return { sha256, size: st.size };
  };

  save(): void {
    if (!this.dirty) return;
    const sorted = Object.fromEntries(Object.keys(this.entries).sort().map((k) => [k, this.entries[k]]));
    fs.mkdirSync(path.dirname(this.file), { recursive: true });
    writeAtomic(this.file, `${JSON.stringify({ version: 1, entries: sorted })}\n`);
    this.dirty = false;
  }
}
