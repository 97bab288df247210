/**
 * The content-addressed cache. An entry is an object file named by its node key plus
 * a small meta file holding the object's size and SHA-256. Entries are immutable and
 * written atomically (temp file in the same folder, then rename), object first, meta
 * last, so an entry without meta is incomplete. A truncated or corrupt object fails
 * verification and is rendered again, never used.
 */
import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export const CACHE_VERSION = 1;

export interface EntryMeta {
  version: number;
  key: string;
  kind: string;
  size: number;
  sha256: string;
}

export class Cache {
  readonly objects: string;
  /** Entries verified by this process, by key → "size:mtimeMs:ino" (a stat shortcut for watch mode). */
  private verified = new Map<string, string>();

  constructor(readonly dir: string) {
    this.objects = path.join(dir, 'objects');
    this.ensureVersion();
  }

  /** A cache written by another cache format version is not trusted: start over (STYLE.md #10). */
  private ensureVersion(): void {
    const marker = path.join(this.dir, 'CACHE_VERSION');
    let current: string | undefined;
    try {
      current = fs.readFileSync(marker, 'utf8').trim();
    } catch {
      current = undefined;
    }
    if (current !== String(CACHE_VERSION)) {
      if (current !== undefined) fs.rmSync(this.objects, { recursive: true, force: true });
      fs.mkdirSync(this.dir, { recursive: true });
      writeAtomic(marker, `${CACHE_VERSION}\n`);
    }
    fs.mkdirSync(this.objects, { recursive: true });
  }

  objectPath(key: string): string {
    return path.join(this.objects, key.slice(0, 2), key);
  }

  private metaPath(key: string): string {
    return `${this.objectPath(key)}.json`;
  }

  /** A fresh temp path in the entry's folder (same file system, so rename is atomic). */
  tempPath(key: string): string {
    const dir = path.dirname(this.objectPath(key));
    fs.mkdirSync(dir, { recursive: true });
    return path.join(dir, `.${key.slice(0, 16)}.${process.pid}.${randomUUID().slice(0, 8)}.tmp`);
  }

  meta(key: string): EntryMeta | undefined {
    try {
      const m = JSON.parse(fs.readFileSync(this.metaPath(key), 'utf8')) as EntryMeta;
      return m.version === CACHE_VERSION && m.key === key ? m : undefined;
    } catch {
      return undefined;
    }
  }

  /** True when a complete, intact entry exists. A damaged entry is removed. */
  async has(key: string): Promise<boolean> {
    const meta = this.meta(key);
    if (!meta) return false;
    const obj = this.objectPath(key);
    let st: fs.Stats;
    try {
      st = fs.statSync(obj);
    } catch {
      return false;
    }
    const stamp = `${st.size}:${st.mtimeMs}:${st.ino}`;
    if (this.verified.get(key) === stamp) return true;
    if (st.size !== meta.size || (await hashFile(obj)) !== meta.sha256) {
      this.remove(key);
      return false;
    }
    this.verified.set(key, stamp);
    return true;
  }

  /** Moves a rendered temp file into place and records its meta. */
  async commit(key: string, kind: string, tmp: string): Promise<EntryMeta> {
    const size = fs.statSync(tmp).size;
    const sha256 = await hashFile(tmp);
    const obj = this.objectPath(key);
    fs.renameSync(tmp, obj);
    const meta: EntryMeta = { version: CACHE_VERSION, key, kind, size, sha256 };
    writeAtomic(this.metaPath(key), `${JSON.stringify(meta)}\n`);
    const st = fs.statSync(obj);
    this.verified.set(key, `${st.size}:${st.mtimeMs}:${st.ino}`);
    return meta;
  }

  remove(key: string): void {
    this.verified.delete(key);
    fs.rmSync(this.metaPath(key), { force: true });
    fs.rmSync(this.objectPath(key), { force: true });
  }

  /** Deletes every entry (the UI's "clear cache"). */
  clear(): void {
    this.verified.clear();
    fs.rmSync(this.objects, { recursive: true, force: true });
    fs.mkdirSync(this.objects, { recursive: true });
  }
}

export function hashFile(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const h = createHash('sha256');
    fs.createReadStream(file, { highWaterMark: 1 << 20 })
      .on('data', (c) => h.update(c))
      .on('error', reject)
      .on('end', () => resolve(h.digest('hex')));
  });
}

/** Writes a whole file atomically: temp file beside it, then rename. */
export function writeAtomic(file: string, data: string | Uint8Array): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${randomUUID().slice(0, 8)}.tmp`);
  fs.writeFileSync(tmp, data);
  fs.renameSync(tmp, file);
}

/** Copies a file atomically (temp file beside the destination, then rename). */
export function copyAtomic(from: string, to: string): void {
  fs.mkdirSync(path.dirname(to), { recursive: true });
  const tmp = path.join(path.dirname(to), `.${path.basename(to)}.${process.pid}.${randomUUID().slice(0, 8)}.tmp`);
  try {
    fs.copyFileSync(from, tmp);
    fs.renameSync(tmp, to);
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    throw err;
  }
}
