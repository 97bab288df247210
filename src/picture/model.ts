/**
 * The picture model: one shape for every picture-lock format we read (CMX3600
 * EDL, OpenTimelineIO). Positions are integer frame counts since 00:00:00:00
 * at the lock's frame rate, counted as SMPTE 12M counts them (drop-frame
 * timecode labels map to the real frame count, see src/compiler/timecode.ts).
 * Every range is half-open: [in, out).
 */

import type { FrameRate } from '../compiler/timecode.ts';

export interface Shot {
  /** event number as written (EDL), or 1-based clip order on the track (OTIO) */
  index: number;
  /** clip name from '* FROM CLIP NAME:' / '* TO CLIP NAME:' or the OTIO clip name */
  name: string | null;
  /** reel / tape / source name ('AX' when the system did not know it, 'BL' for black) */
  reel: string;
  /** track field as written ('V', 'B', 'AA/V' …; OTIO: the track's name) */
  track: string;
  /** the transition INTO this shot */
  transition: 'cut' | 'dissolve' | 'wipe';
  /** length of that transition in frames (0 for a cut) */
  transitionFrames: number;
  /** source range, frames at the lock's rate */
  sourceIn: number;
  sourceOut: number;
  /** record (timeline) range, frames at the lock's rate */
  recordIn: number;
  recordOut: number;
  /** 1-based line in the file where the event starts (OTIO: the clip object's line) */
  line: number;
}

export interface PictureLock {
  format: 'cmx3600' | 'otio';
  title: string | null;
  /** the rate every frame count in this lock is counted at */
  frameRate: FrameRate;
  /** the file said its timecodes are drop-frame (EDL: FCM: DROP FRAME or ';' separators) */
  dropFrame: boolean;
  /** video-track shots, sorted by record in */
  shots: Shot[];
  file: string;
}

export type PictureProblemCode =
  /** not a picture lock: no event lines, unreadable, invalid JSON, not an OTIO timeline, no video */
  | 'PA601'
  /** malformed event line / clip */
  | 'PA602'
  /** FCM or frame rate disagreeing with the project's frame rate */
  | 'PA603'
  /** overlapping record ranges on the video track */
  | 'PA604'
  /** out before in */
  | 'PA605';

export interface PictureProblem {
  code: PictureProblemCode;
  message: string;
  /** 1-based; 0 means "the file as a whole" (e.g. it could not be read) */
  line: number;
  col: number;
  /** other places the problem involves ("the other shot is here") */
  related?: { message: string; line: number; col: number }[];
}

export interface ParseResult {
  lock?: PictureLock;
  problems: PictureProblem[];
}

/** Reels that mean "black", not footage (CMX3600 special source identifiers). */
export function isBlackReel(reel: string): boolean {
  const r = reel.toUpperCase();
  return r === 'BL' || r === 'BLK' || r === 'BLACK';
}

/** 'AX' (auxiliary) is what systems write when they do not know the reel. */
export function isUnknownReel(reel: string): boolean {
  const r = reel.toUpperCase();
  return r === 'AX' || r === '';
}

/** Sort shots by record in (then record out, then file line) — the order every consumer relies on. */
export function compareShots(a: Shot, b: Shot): number {
  return a.recordIn - b.recordIn || a.recordOut - b.recordOut || a.line - b.line;
}

/** The shot showing at record frame `frame` (the last one starting at or before it), or undefined in a gap. */
export function shotAt(lock: PictureLock, frame: number): Shot | undefined {
  const shots = lock.shots;
  let lo = 0;
  let hi = shots.length; // first index with recordIn > frame
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (shots[mid]!.recordIn <= frame) lo = mid + 1;
    else hi = mid;
  }
  for (let i = lo - 1; i >= 0; i--) {
    const s = shots[i]!;
    if (frame < s.recordOut) return s;
    // shots are sorted by record in and (in a valid lock) do not overlap,
    // so the nearest earlier shot decides; keep looking only past zero-length ones
    if (s.recordOut > s.recordIn) break;
  }
  return undefined;
}

/** 1-based line and column of a character offset. */
export function lineColAt(text: string, offset: number): { line: number; col: number } {
  let line = 1;
  let start = 0;
  const end = Math.min(offset, text.length);
  for (let i = 0; i < end; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      start = i + 1;
    }
  }
  return { line, col: end - start + 1 };
}
