/**
 * Conform: what happened to each shot between two versions of a picture lock,
 * and where a position in the old cut lands in the new one.
 *
 * Shots are matched by what they show, not where they sit: by clip name when
 * the name is unique in both locks, else by reel and overlapping source range
 * (the largest overlap wins). A position maps through its source frame — the
 * same frame of the same take — so sound stays in sync with the picture it was
 * cut to, whatever moved around it. Black (BL) has no source to match; the
 * k-th black event of the old cut matches the k-th of the new one.
 */

import { compareShots, isBlackReel, isUnknownReel, shotAt, type PictureLock, type Shot } from './model.ts';

export type ShotStatus = 'unchanged' | 'moved' | 'trimmed' | 'removed';

export interface ShotChange {
  /** the shot in the old lock */
  shot: Shot;
  /** its match in the new lock (null when removed) */
  newShot: Shot | null;
  matchedBy: 'name' | 'source' | 'black' | null;
  /**
   * unchanged: same source range, same record position; moved: same source
   * range, new position; trimmed: source range changed at either end (it may
   * also have moved — see shift); removed: nothing in the new cut shows it.
   */
  status: ShotStatus;
  /** record position change of the shot's first common source frame (new − old); 0 when removed */
  shift: number;
  newRecordIn: number | null;
  newRecordOut: number | null;
  /** frames removed at the head / tail of the source range (negative: extended) */
  headTrim: number;
  tailTrim: number;
}

export interface Conform {
  oldLock: PictureLock;
  newLock: PictureLock;
  /** one entry per old shot, in the old record order */
  shots: ShotChange[];
  /** new shots that no old shot matched, in the new record order */
  added: Shot[];
}

export type MappedFrame = { frame: number } | { removed: true };

/** Do two shots show the same take? Same reel, or (reel unknown, 'AX') the same clip name. */
function sameTake(a: Shot, b: Shot): boolean {
  if (isBlackReel(a.reel) || isBlackReel(b.reel)) return false;
  if (isUnknownReel(a.reel) || isUnknownReel(b.reel)) return a.name !== null && a.name === b.name;
  return a.reel.toUpperCase() === b.reel.toUpperCase();
}

function sourceOverlap(a: Shot, b: Shot): number {
  return Math.min(a.sourceOut, b.sourceOut) - Math.max(a.sourceIn, b.sourceIn);
}

function countNames(shots: readonly Shot[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const s of shots) if (s.name !== null) m.set(s.name, (m.get(s.name) ?? 0) + 1);
  return m;
}

export function conformShots(oldLock: PictureLock, newLock: PictureLock): Conform {
  const olds = [...oldLock.shots].sort(compareShots);
  const news = [...newLock.shots].sort(compareShots);
  const match = new Map<Shot, { to: Shot; by: ShotChange['matchedBy'] }>();
  const claimed = new Set<Shot>();

  // 1. unique clip names showing the same take
  const oldNames = countNames(olds);
  const newNames = countNames(news);
  const newByName = new Map<string, Shot>();
  for (const s of news) if (s.name !== null && newNames.get(s.name) === 1) newByName.set(s.name, s);
  for (const o of olds) {
    if (o.name === null || oldNames.get(o.name) !== 1) continue;
    const n = newByName.get(o.name);
    if (n && sameTake(o, n) && sourceOverlap(o, n) > 0) {
      match.set(o, { to: n, by: 'name' });
      claimed.add(n);
    }
  }

  // 2. reel + overlapping source range, largest overlap first (then nearest in record), one to one
  const pairs: { o: Shot; n: Shot; overlap: number; distance: number }[] = [];
  for (const o of olds) {
    if (match.has(o) || isBlackReel(o.reel)) continue;
    for (const n of news) {
      if (claimed.has(n) || !sameTake(o, n)) continue;
      const overlap = sourceOverlap(o, n);
      if (overlap > 0) pairs.push({ o, n, overlap, distance: Math.abs(n.recordIn - o.recordIn) });
    }
  }
  pairs.sort((a, b) => b.overlap - a.overlap || a.distance - b.distance || compareShots(a.o, b.o) || compareShots(a.n, b.n));
  for (const p of pairs) {
    if (match.has(p.o) || claimed.has(p.n)) continue;
    match.set(p.o, { to: p.n, by: 'source' });
    claimed.add(p.n);
  }
  // 3. an old shot whose footage now sits inside an already matched new shot (two old shots joined into one)
  for (const p of pairs) {
    if (!match.has(p.o)) match.set(p.o, { to: p.n, by: 'source' });
  }

  // 4. black, in order
  const oldBlack = olds.filter((s) => isBlackReel(s.reel));
  const newBlack = news.filter((s) => isBlackReel(s.reel));
  oldBlack.forEach((o, k) => {
    const n = newBlack[k];
    if (n) {
      match.set(o, { to: n, by: 'black' });
      claimed.add(n);
    }
  });

  const shots: ShotChange[] = olds.map((o) => {
    const m = match.get(o);
    if (!m) {
      return { shot: o, newShot: null, matchedBy: null, status: 'removed', shift: 0, newRecordIn: null, newRecordOut: null, headTrim: 0, tailTrim: 0 };
    }
    const n = m.to;
    let headTrim: number;
    let tailTrim: number;
    let shift: number;
    if (m.by === 'black') {
      headTrim = 0;
      tailTrim = o.recordOut - o.recordIn - (n.recordOut - n.recordIn);
      shift = n.recordIn - o.recordIn;
    } else {
      headTrim = n.sourceIn - o.sourceIn;
      tailTrim = o.sourceOut - n.sourceOut;
      const common = Math.max(o.sourceIn, n.sourceIn);
      shift = n.recordIn + (common - n.sourceIn) - (o.recordIn + (common - o.sourceIn));
    }
    const status: ShotStatus = headTrim !== 0 || tailTrim !== 0 ? 'trimmed' : shift !== 0 ? 'moved' : 'unchanged';
    return { shot: o, newShot: n, matchedBy: m.by, status, shift, newRecordIn: n.recordIn, newRecordOut: n.recordOut, headTrim, tailTrim };
  });

  const added = news.filter((n) => !claimed.has(n));
  return { oldLock, newLock, shots, added };
}

/**
 * Where record frame `oldRecordFrame` of the old cut is in the new one: through
 * the old shot containing it, the same source frame in its match (or in another
 * new shot of the same take that shows it). Removed when that frame is no
 * longer in the cut. A frame in a gap between shots (or outside the cut) keeps
 * its distance to the nearest mapped shot edge before it (after it, at the head).
 */
export function mapRecordFrame(conform: Conform, oldRecordFrame: number): MappedFrame {
  const f = oldRecordFrame;
  const old = shotAt(conform.oldLock, f);
  if (old) {
    const change = conform.shots.find((c) => c.shot === old);
    return change ? mapInShot(conform, change, f) : { removed: true };
  }
  // in a gap: anchor to the last frame of the nearest earlier shot that still exists …
  const before = conform.shots.filter((c) => c.shot.recordOut <= f).reverse();
  for (const c of before) {
    const last = c.shot.recordOut - 1;
    const m = mapInShot(conform, c, last);
    if ('frame' in m) return { frame: m.frame + (f - last) };
  }
  // … else to the first frame of the nearest later one
  for (const c of conform.shots.filter((c) => c.shot.recordIn > f)) {
    const m = mapInShot(conform, c, c.shot.recordIn);
    if ('frame' in m) return { frame: m.frame - (c.shot.recordIn - f) };
  }
  return { frame: f };
}

function mapInShot(conform: Conform, change: ShotChange, f: number): MappedFrame {
  const o = change.shot;
  const n = change.newShot;
  if (!n) return { removed: true };
  if (change.matchedBy === 'black') {
    const frame = n.recordIn + (f - o.recordIn);
    return frame < n.recordOut ? { frame } : { removed: true };
  }
  const src = o.sourceIn + (f - o.recordIn);
  if (n.sourceIn <= src && src < n.sourceOut) return { frame: n.recordIn + (src - n.sourceIn) };
  // trimmed out of its match: is that frame shown by another new shot of the same take?
  const others = conform.newLock.shots
    .filter((s) => s !== n && sameTake(o, s) && s.sourceIn <= src && src < s.sourceOut)
    .sort(
      (a, b) =>
        Number(b.name === o.name) - Number(a.name === o.name) ||
        Math.abs(a.recordIn - n.recordIn) - Math.abs(b.recordIn - n.recordIn) ||
        compareShots(a, b),
    );
  const s = others[0];
  return s ? { frame: s.recordIn + (src - s.sourceIn) } : { removed: true };
}

/**
 * Does the picture under record range [recordIn, recordOut) differ between
 * the two locks? Compared frame by frame (piecewise, at every shot boundary of
 * either lock): the same take and source frame at the same record frame, black
 * against black, a gap against a gap; a transition into a shot must also be the
 * same kind, length and position when the range overlaps it.
 */
export function pictureChangedBetween(oldLock: PictureLock, newLock: PictureLock, recordIn: number, recordOut: number): boolean {
  if (recordOut <= recordIn) return false;
  const cuts = new Set<number>([recordIn]);
  for (const lock of [oldLock, newLock]) {
    for (const s of lock.shots) {
      for (const b of [s.recordIn, s.recordOut, s.recordIn + s.transitionFrames]) {
        if (b > recordIn && b < recordOut) cuts.add(b);
      }
    }
  }
  const points = [...cuts].sort((a, b) => a - b);
  for (const p of points) {
    const a = shotAt(oldLock, p);
    const b = shotAt(newLock, p);
    if (!a || !b) {
      if (a || b) return true;
      continue;
    }
    if (!sameFrame(a, b, p)) return true;
    const inTransitionA = a.transition !== 'cut' && p < a.recordIn + a.transitionFrames;
    const inTransitionB = b.transition !== 'cut' && p < b.recordIn + b.transitionFrames;
    if (inTransitionA || inTransitionB) {
      if (a.transition !== b.transition || a.transitionFrames !== b.transitionFrames || a.recordIn !== b.recordIn) return true;
      // the outgoing picture is part of the image during a dissolve
      const pa = shotAt(oldLock, a.recordIn - 1);
      const pb = shotAt(newLock, b.recordIn - 1);
      if (!pa !== !pb) return true;
      if (pa && pb && !sameFrame(pa, pb, a.recordIn - 1)) return true;
    }
  }
  return false;
}

/** Same picture at record frame p (a shows it in the old lock, b in the new)? Valid on the whole stretch until the next boundary. */
function sameFrame(a: Shot, b: Shot, p: number): boolean {
  const blackA = isBlackReel(a.reel);
  const blackB = isBlackReel(b.reel);
  if (blackA || blackB) return blackA && blackB;
  if (!sameTake(a, b)) return false;
  return a.sourceIn + (p - a.recordIn) === b.sourceIn + (p - b.recordIn);
}
