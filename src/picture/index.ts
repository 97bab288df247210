/**
 * Picture locks: read one (EDL or OTIO, by extension or by content), find
 * shots in it, and turn picture anchors (`{ shot, offset }`, `{ reel, tc }`)
 * into record frames.
 */

import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Diagnostic } from '../compiler/diagnostics.ts';
import type { FrameRate } from '../compiler/timecode.ts';
import { parseEdl } from './edl.ts';
import type { ParseResult, PictureLock, PictureProblem, Shot } from './model.ts';
import { parseOtio } from './otio.ts';

export * from './model.ts';
export { parseEdl, type ParseEdlOptions } from './edl.ts';
export { parseOtio, type ParseOtioOptions } from './otio.ts';
export {
  conformShots,
  mapRecordFrame,
  pictureChangedBetween,
  type Conform,
  type ShotChange,
  type ShotStatus,
  type MappedFrame,
} from './conform.ts';

export interface ReadPictureLockOptions {
  /** the path to record in the lock and messages (e.g. relative to the project); defaults to `file` */
  displayPath?: string;
}

/**
 * Read a picture lock: `.edl` → CMX3600, `.otio` → OpenTimelineIO, anything
 * else by its content (a JSON object → OTIO, else EDL). Never throws for a bad
 * file: an unreadable one is a PA601 at line 0 (the file as a whole).
 */
export function readPictureLock(file: string, frameRate: FrameRate, opts: ReadPictureLockOptions = {}): ParseResult {
  const shown = opts.displayPath ?? file;
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a folder' : (e as Error).message;
    return { problems: [{ code: 'PA601', message: `cannot read picture lock ${shown}: ${why}`, line: 0, col: 0 }] };
  }
  const text = decodeText(bytes);
  const ext = path.extname(file).toLowerCase();
  const format = ext === '.edl' ? 'edl' : ext === '.otio' ? 'otio' : sniff(text);
  if (format === 'unsupported') {
    return {
      problems: [
        {
          code: 'PA601',
          message: `${shown} is not a picture lock postaudio reads (${ext || 'no extension'}); export a CMX3600 EDL (.edl) or an OpenTimelineIO file (.otio)`,
          line: 1,
          col: 1,
        },
      ],
    };
  }
  return format === 'otio' ? parseOtio(text, { file: shown, frameRate }) : parseEdl(text, { file: shown, frameRate });
}

/** UTF-8 when it is valid UTF-8, else Latin-1 (older Avid systems write EDLs in a Windows code page). */
function decodeText(bytes: Buffer): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return bytes.toString('latin1');
  }
}

function sniff(text: string): 'edl' | 'otio' | 'unsupported' {
  const head = text.replace(/^\uFEFF/, '').trimStart();
  if (head.startsWith('{')) return 'otio';
  if (head.startsWith('<')) return 'unsupported'; // FCP XML, AAF-XML …
  return 'edl';
}

/** Problems → compiler diagnostics (all errors), with the lock's path as the file. */
export function pictureDiagnostics(problems: readonly PictureProblem[], file: string): Diagnostic[] {
  return problems.map((p) => {
    const d: Diagnostic = { code: p.code, severity: 'error', message: p.message, file };
    if (p.line > 0) {
      d.line = p.line;
      d.col = p.col;
    }
    if (p.related?.length) d.hint = p.related.map((r) => `${r.message} (line ${r.line})`).join('; ');
    return d;
  });
}

// ---------------------------------------------------------------------------
// finding shots

export interface ShotRef {
  /** clip name (exact, else case-insensitive), or event number (a number, or a string of digits) */
  shot?: string | number;
  reel?: string;
  /** a source frame on `reel` (frames at the lock's rate) */
  tc?: number;
}

export type FindShotResult =
  | { shot: Shot }
  /** not-found: `candidates` are suggestions (similar names, the shots on the reel); ambiguous: every match */
  | { error: 'not-found' | 'ambiguous'; candidates: Shot[] };

/**
 * Find one shot. By name or event number (`shot`); by reel and source frame
 * (`reel` + `tc`: the shot whose source range on that reel contains it); all
 * given criteria must hold. Two or more matches are ambiguous (a clip cut in
 * twice, a reel used twice over the same source range).
 */
export function findShot(lock: PictureLock, ref: ShotRef): FindShotResult {
  let pool = lock.shots;
  if (ref.shot === undefined && ref.reel === undefined && ref.tc === undefined) return { error: 'not-found', candidates: [] };

  if (ref.shot !== undefined) {
    const key = ref.shot;
    let hit: Shot[];
    if (typeof key === 'number') {
      hit = pool.filter((s) => s.index === key);
    } else {
      hit = pool.filter((s) => s.name === key);
      if (hit.length === 0) {
        const lower = key.toLowerCase();
        hit = pool.filter((s) => s.name !== null && s.name.toLowerCase() === lower);
      }
      if (hit.length === 0 && /^\d+$/.test(key.trim())) {
        const n = Number(key.trim());
        hit = pool.filter((s) => s.index === n);
      }
    }
    if (hit.length === 0) {
      return { error: 'not-found', candidates: typeof key === 'string' ? similarNames(lock.shots, key) : [] };
    }
    pool = hit;
  }

  if (ref.reel !== undefined) {
    const reel = ref.reel;
    let hit = pool.filter((s) => s.reel === reel);
    if (hit.length === 0) hit = pool.filter((s) => s.reel.toLowerCase() === reel.toLowerCase());
    if (hit.length === 0) return { error: 'not-found', candidates: [] };
    pool = hit;
  }

  if (ref.tc !== undefined) {
    const tc = ref.tc;
    const hit = pool.filter((s) => s.sourceIn <= tc && tc < s.sourceOut);
    if (hit.length === 0) return { error: 'not-found', candidates: pool };
    pool = hit;
  }

  if (pool.length === 1) return { shot: pool[0]! };
  return { error: 'ambiguous', candidates: pool };
}

/** Up to three shot names close to `name` (edit distance ≤ a third of its length, at least 2), closest first. */
function similarNames(shots: readonly Shot[], name: string): Shot[] {
  const want = name.toLowerCase();
  const limit = Math.max(2, Math.floor(want.length / 3));
  return shots
    .filter((s) => s.name !== null)
    .map((s) => ({ s, d: editDistance(want, s.name!.toLowerCase()) }))
    .filter((x) => x.d <= limit)
    .sort((a, b) => a.d - b.d || a.s.recordIn - b.s.recordIn)
    .slice(0, 3)
    .map((x) => x.s);
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length]!;
}

// ---------------------------------------------------------------------------
// anchors

export type PictureAnchor =
  /** `offsetFrames` after the shot's first frame (negative: before it) */
  | { shot: string | number; offsetFrames: number }
  /** a source frame on a reel */
  | { reel: string; sourceFrame: number };

export type AnchorResult =
  /** `inside`: the frame lies within the shot's record range (a shot anchor may point past either end) */
  | { frame: number; shot: Shot; inside: boolean }
  | { error: 'not-found' | 'ambiguous'; candidates: Shot[] };

/**
 * The record frame of a picture anchor. Shot anchor: shot.recordIn + offset.
 * Reel anchor: the shot whose source range on the reel contains the frame,
 * shot.recordIn + (sourceFrame − shot.sourceIn).
 */
export function anchorToRecord(lock: PictureLock, anchor: PictureAnchor): AnchorResult {
  if ('shot' in anchor) {
    const r = findShot(lock, { shot: anchor.shot });
    if ('error' in r) return r;
    const frame = r.shot.recordIn + anchor.offsetFrames;
    return { frame, shot: r.shot, inside: frame >= r.shot.recordIn && frame < r.shot.recordOut };
  }
  const r = findShot(lock, { reel: anchor.reel, tc: anchor.sourceFrame });
  if ('error' in r) return r;
  return { frame: r.shot.recordIn + (anchor.sourceFrame - r.shot.sourceIn), shot: r.shot, inside: true };
}
