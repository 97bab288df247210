/**
 * The content-addressed cache. An entry is an object file named by its node key plus
 * a small meta file (size, file identity, and for deliverables the SHA-256). Entries are
 * immutable and written atomically (temp file in the same folder, then rename), object
 * first, meta last, so an entry without meta is incomplete. A truncated object (size),
 * a touched one (identity) or a damaged one (audio objects also check their own segment
 * table) is rendered again, never used. Hashing every intermediate object would cost more
 * than rendering it on this class of disk, so only deliverables are hashed.
 *
 * An entry may also hold a side result: a small JSON fact its renderer learned about the
 * object while writing it (a deliverable's loudness measurement), so a reader does not have
 * to decode the object again to learn it. It is committed with the object, before the meta,
 * and removed with it; `meta.side` says the entry has one. Entries from before side results
 * simply have none, and their readers compute the fact themselves.
 */
import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export const CACHE_VERSION = 2;

export interface EntryMeta {
  version: number;
  key: string;
  kind: string;
  /** An inline node: nothing is stored, the entry only records that its key was built. */
  inline?: boolean;
  size: number;
  /** Identity of the object file when it was committed: a changed stamp means it was touched. */
  stamp: string;
  /** Content hash, kept for deliverables (reported and verified); intermediates skip it. */
  sha256?: string;
  /** The entry holds a side result (see the file comment). */
  side?: boolean;
}

function stampOf(st: fs.Stats): string {
  return `${st.size}:${st.mtimeMs}:${st.ino}`;
}

export class Cache {
  readonly objects: string;

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
      fs.rmSync(this.objects, { recursive: true, force: true });
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

  private sideFile(key: string): string {
    return `${this.objectPath(key)}.side.json`;
  }

  /** The path of an entry's side result, or null when the entry has none (an old entry, or its renderer wrote none). */
  sidePath(key: string): string | null {
    const meta = this.meta(key);
    if (!meta?.side) return null;
    const file = this.sideFile(key);
    return fs.existsSync(file) ? file : null;
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

  /**
   * True when a complete, intact entry exists. The object must have the size and file
   * identity it had when committed; a deliverable whose identity changed is re-hashed and
   * kept if its content still matches. Anything else is removed and rendered again.
   */
  async has(key: string, inline = false): Promise<boolean> {
    const meta = this.meta(key);
    if (!meta) return false;
    // an entry made when the node was computed inline holds no object for a reader that needs one
    if (Boolean(meta.inline) !== inline) return false;
    if (meta.inline) return true;
    const obj = this.objectPath(key);
    let st: fs.Stats;
    try {
      st = fs.statSync(obj);
    } catch {
      this.remove(key);
      return false;
    }
    if (st.size === meta.size && stampOf(st) === meta.stamp) return true;
    if (st.size === meta.size && meta.sha256 && (await hashFile(obj)) === meta.sha256) {
      writeAtomic(this.metaPath(key), `${JSON.stringify({ ...meta, stamp: stampOf(st) })}\n`);
      return true;
    }
    this.remove(key);
    return false;
  }

  /**
   * Moves a rendered temp file into place and records its meta. `side`: a temp file holding
   * the renderer's side result, when it wrote one (a missing file means none).
   */
  async commit(key: string, kind: string, tmp: string, { hash = false, side }: { hash?: boolean; side?: string } = {}): Promise<EntryMeta> {
    const sha256 = hash ? await hashFile(tmp) : undefined;
    const obj = this.objectPath(key);
    fs.renameSync(tmp, obj);
    let hasSide = false;
    if (side && fs.existsSync(side)) {
      fs.renameSync(side, this.sideFile(key));
      hasSide = true;
    } else fs.rmSync(this.sideFile(key), { force: true });
    const st = fs.statSync(obj);
    const meta: EntryMeta = { version: CACHE_VERSION, key, kind, size: st.size, stamp: stampOf(st), ...(sha256 ? { sha256 } : {}), ...(hasSide ? { side: true } : {}) };
    writeAtomic(this.metaPath(key), `${JSON.stringify(meta)}\n`);
    return meta;
  }

  /** Records an inline node's key as built (nothing is stored). */
  commitInline(key: string, kind: string): void {
    const meta: EntryMeta = { version: CACHE_VERSION, key, kind, inline: true, size: 0, stamp: '' };
    fs.mkdirSync(path.dirname(this.metaPath(key)), { recursive: true });
    writeAtomic(this.metaPath(key), `${JSON.stringify(meta)}\n`);
  }

  remove(key: string): void {
    fs.rmSync(this.metaPath(key), { force: true });
    fs.rmSync(this.sideFile(key), { force: true });
    fs.rmSync(this.objectPath(key), { force: true });
  }

  /** Deletes every entry (the UI's "clear cache"). */
  clear(): void {
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

/**
 * Copies a file atomically (temp file beside the destination, then rename). On file systems
 * that can (btrfs, XFS, APFS) the copy is a copy-on-write clone: instant, and still a separate
 * file, so editing the output never touches the cache.
 */
export function copyAtomic(from: string, to: string): void {
  fs.mkdirSync(path.dirname(to), { recursive: true });
  const tmp = path.join(path.dirname(to), `.${path.basename(to)}.${process.pid}.${randomUUID().slice(0, 8)}.tmp`);
  try {
    fs.copyFileSync(from, tmp, fs.constants.COPYFILE_FICLONE);
    fs.renameSync(tmp, to);
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    throw err;
  }
}
