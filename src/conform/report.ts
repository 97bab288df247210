/**
 * Conform: compile the project against two picture locks (OLD and NEW) and explain,
 * event by event, what the picture change does to the soundtrack.
 *
 * - Anchored events (`at: { shot … }` / `{ reel … }`) move with their shot: the report
 *   gives old and new position, the shift, what was trimmed at a cut, and why (the
 *   shot moved, was trimmed, was removed …).
 * - Events on timecodes stay where they are; the report flags those whose picture
 *   changed and says where `--write` would move them (the same source frame in the
 *   new cut, see mapRecordFrame).
 */
import path from 'node:path';
import { compile, type CompileResult } from '../compiler/index.ts';
import type { Diagnostic } from '../compiler/diagnostics.ts';
import type { EventOutcome, PictureRecord } from '../compiler/resolve-picture.ts';
import type { HashFile } from '../compiler/resolve.ts';
import { frameRate, frameRateLabel, framesToSamples, framesToTimecode, parseTimecode, samplesToFrames, type FrameRate } from '../compiler/timecode.ts';
import { conformShots, isBlackReel, mapRecordFrame, pictureChangedBetween, type Conform, type PictureLock, type Shot, type ShotChange } from '../picture/index.ts';

export type EventStatus =
  /** nothing changed for it */
  | 'unchanged'
  /** an anchored event that moved with its shot */
  | 'moved'
  /** an anchored event trimmed (more, or differently) at its shot's cuts */
  | 'trimmed'
  /** an anchored event whose shot (or source frame) is no longer in the cut: PA606 until it is re-anchored or removed */
  | 'dropped'
  /** an anchored event that cannot be placed in NEW for another reason (ambiguous, too much trimmed: PA607, PA608) */
  | 'flagged'
  /** an event on a timecode: it stays, but the picture under it changed */
  | 'picture-changed'
  /** an anchored event that did not resolve against OLD either */
  | 'unresolved';

export const STATUSES: EventStatus[] = ['moved', 'trimmed', 'dropped', 'flagged', 'picture-changed', 'unresolved', 'unchanged'];

export interface Position {
  /** timeline timecode of the first sample */
  start: string;
  /** timecode of the frame after the last sample */
  end: string;
  /** samples from the project start */
  samples: number;
  /** the shot the anchor resolved to ("SC01_SH03", or "event 005" when it has no name) */
  shot?: string;
  /** what was trimmed at the shot's cuts, seconds */
  trim?: { head: number; tail: number };
}

export interface EventChange {
  id: string;
  list: string;
  /** where the event's `at` is written */
  file: string;
  line: number;
  at: 'timecode' | 'shot' | 'reel';
  /** the anchor or timecode as written, in words */
  anchor: string;
  status: EventStatus;
  old: Position | null;
  new: Position | null;
  /** change of the anchor position (new − old), before trims */
  shift: { frames: number; seconds: number } | null;
  /** the change in what is trimmed at the cuts (seconds; negative: less than before) */
  trimmed: { head: number; tail: number } | null;
  /** diagnostic code when the event cannot be placed against NEW (PA606, PA607, PA608) */
  code?: string;
  why: string;
  /** timecode events whose picture changed: where `--write` moves them (null: their picture was removed; left in place) */
  write?: { to: string | null };
  /** the old shot's change, for anchored events */
  shotChange?: ShotChangeRow;
}

export interface ShotChangeRow {
  index: number;
  name: string | null;
  reel: string;
  status: ShotChange['status'] | 'added';
  old: { in: string; out: string } | null;
  new: { in: string; out: string } | null;
  /** record shift of the shot's first common source frame */
  shift: { frames: number; seconds: number } | null;
  headTrim: number;
  tailTrim: number;
  newIndex: number | null;
  newName: string | null;
  change: string;
}

export interface ConformReport {
  project: string;
  from: { file: string; title: string | null; format: string; shots: number };
  to: { file: string; title: string | null; format: string; shots: number };
  frameRate: string;
  summary: Record<EventStatus, number>;
  shots: ShotChangeRow[];
  events: EventChange[];
}

export interface ConformRun {
  report?: ConformReport;
  /** problems that stop the report (a lock that cannot be read, an invalid project) */
  diagnostics: Diagnostic[];
  ok: boolean;
  old: CompileResult;
  new: CompileResult;
  oldRecord: PictureRecord;
  newRecord: PictureRecord;
  conform?: Conform;
}

/** Codes that describe an anchor against the NEW lock: they are the report's content, not errors of the run. */
const ANCHOR_CODES = new Set(['PA606', 'PA607', 'PA608', 'PA609']);

export interface ConformOptions {
  hashFile?: HashFile;
}

interface Timing {
  rate: FrameRate;
  sampleRate: number;
  startSamples: number;
}

function timingOf(result: CompileResult): Timing | undefined {
  const proj = result.loaded?.value.project as Record<string, unknown> | undefined;
  if (!proj) return undefined;
  const rate = frameRate(String(proj.frame_rate));
  const sampleRate = Number(proj.sample_rate);
  if (!rate || !Number.isInteger(sampleRate)) return undefined;
  const start = parseTimecode(String(proj.start), rate);
  if ('error' in start) return undefined;
  return { rate, sampleRate, startSamples: framesToSamples(start.frames, rate, sampleRate) };
}

export async function conformProject(projectFile: string, fromLock: string, toLock: string, opts: ConformOptions = {}): Promise<ConformRun> {
  const oldRecord: PictureRecord = { events: [] };
  const newRecord: PictureRecord = { events: [] };
  const old = await compile(projectFile, { hashFile: opts.hashFile, picture: { lock: fromLock, record: oldRecord } });
  const neu = await compile(projectFile, { hashFile: opts.hashFile, picture: { lock: toLock, record: newRecord } });
  const run: ConformRun = { diagnostics: [], ok: false, old, new: neu, oldRecord, newRecord };

  // problems that stop the report: everything but the anchors' fate in NEW (and OLD)
  const seen = new Set<string>();
  for (const d of [...old.diagnostics, ...neu.diagnostics]) {
    if (d.severity !== 'error' || ANCHOR_CODES.has(d.code)) continue;
    const key = `${d.code} ${d.file}:${d.line}:${d.col} ${d.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    run.diagnostics.push(d);
  }
  const timing = timingOf(old);
  if (run.diagnostics.length > 0 || !oldRecord.lock || !newRecord.lock || !timing || !old.loaded) return run;

  const conform = conformShots(oldRecord.lock, newRecord.lock);
  run.conform = conform;
  run.report = buildReport(projectFile, old, timing, oldRecord, newRecord, conform);
  run.ok = true;
  return run;
}

function buildReport(projectFile: string, old: CompileResult, t: Timing, oldRecord: PictureRecord, newRecord: PictureRecord, conform: Conform): ConformReport {
  const oldLock = oldRecord.lock!;
  const newLock = newRecord.lock!;
  const loaded = old.loaded!;
  const frameSamples = (t.sampleRate * t.rate.den) / t.rate.num;
  const tcS = (samples: number) => framesToTimecode(samplesToFrames(samples + t.startSamples, t.rate, t.sampleRate), t.rate);
  const frameOf = (samples: number) => samplesToFrames(samples + t.startSamples, t.rate, t.sampleRate);
  const endFrameOf = (samples: number, length: number) => frameOf(samples + Math.max(1, length) - 1) + 1;
  const secs = (samples: number) => round6(samples / t.sampleRate);
  const shiftOf = (samples: number) => ({ frames: round6(samples / frameSamples), seconds: secs(samples) });
  const shotShift = (frames: number) => ({ frames, seconds: round6(framesToSamples(frames, t.rate, t.sampleRate) / t.sampleRate) });
  const tcL = (lock: PictureLock, f: number) => framesToTimecode(f, lock.frameRate);

  const changeOf = new Map<Shot, ShotChange>(conform.shots.map((c) => [c.shot, c]));

  // ---- shots
  const shotRows: ShotChangeRow[] = conform.shots.map((c) => ({
    index: c.shot.index,
    name: c.shot.name,
    reel: c.shot.reel,
    status: c.status,
    old: { in: tcL(oldLock, c.shot.recordIn), out: tcL(oldLock, c.shot.recordOut) },
    new: c.newShot ? { in: tcL(newLock, c.newShot.recordIn), out: tcL(newLock, c.newShot.recordOut) } : null,
    shift: c.newShot ? shotShift(c.shift) : null,
    headTrim: c.headTrim,
    tailTrim: c.tailTrim,
    newIndex: c.newShot?.index ?? null,
    newName: c.newShot?.name ?? null,
    change: describeShotChange(c, t.rate),
  }));
  for (const s of conform.added) {
    shotRows.push({
      index: s.index,
      name: s.name,
      reel: s.reel,
      status: 'added',
      old: null,
      new: { in: tcL(newLock, s.recordIn), out: tcL(newLock, s.recordOut) },
      shift: null,
      headTrim: 0,
      tailTrim: 0,
      newIndex: s.index,
      newName: s.name,
      change: isBlackReel(s.reel) ? 'added (black)' : 'added',
    });
  }

  // ---- events
  const newBy = new Map<string, EventOutcome>(newRecord.events.map((o) => [`${o.list}\u0000${o.index}`, o]));
  const events: EventChange[] = [];
  for (const o of oldRecord.events) {
    const n = newBy.get(`${o.list}\u0000${o.index}`);
    const loc = loaded.locate([o.list, o.index, 'at']);
    const line = loaded.lineOf(loc.file, loc.range[0])?.line ?? 0;
    const raw = ((loaded.value[o.list] as Record<string, unknown>[] | undefined) ?? [])[o.index]?.at;
    const base = { id: o.id, list: o.list, file: loc.file, line, at: o.kind, anchor: o.kind === 'timecode' ? String(raw) : (o.anchor ?? '') };
    const pos = (x: EventOutcome | undefined): Position | null =>
      x && x.start !== undefined && !x.error
        ? {
            start: tcS(x.start),
            end: framesToTimecode(endFrameOf(x.start, x.length ?? 0), t.rate),
            samples: x.start,
            ...(x.shot ? { shot: shotName(x.shot) } : {}),
            ...(x.trim && (x.trim.head || x.trim.tail) ? { trim: { head: secs(x.trim.head), tail: secs(x.trim.tail) } } : {}),
          }
        : null;
    const oldPos = pos(o);
    const newPos = pos(n);

    if (o.kind === 'timecode') {
      if (o.start === undefined) continue;
      const from = frameOf(o.start);
      const to = endFrameOf(o.start, o.length ?? 0);
      const changed = pictureChangedBetween(oldLock, newLock, from, to);
      if (!changed) {
        events.push({ ...base, status: 'unchanged', old: oldPos, new: newPos ?? oldPos, shift: null, trimmed: null, why: 'the picture under it did not change' });
        continue;
      }
      const mapped = mapRecordFrame(conform, from);
      const under = conform.shots.filter((c) => c.shot.recordIn < to && c.shot.recordOut > from && c.status !== 'unchanged');
      const added = conform.added.filter((s) => s.recordIn < to && s.recordOut > from);
      const parts = [...under.map((c) => `${shotName(c.shot)} ${describeShotChange(c, t.rate)}`), ...added.map((s) => `${shotName(s)} added`)];
      const moveTo = 'frame' in mapped ? framesToTimecode(mapped.frame, t.rate) : null;
      const stays = `stays at ${tcS(o.start)}; the picture under it changed${parts.length ? ` (${parts.join('; ')})` : ''}`;
      const why =
        moveTo === null
          ? `${stays}; its first frame is no longer in the cut, so --write leaves it`
          : moveTo === tcS(o.start)
            ? stays
            : `${stays}; --write moves it to ${moveTo}, the same picture in the new cut`;
      events.push({ ...base, status: 'picture-changed', old: oldPos, new: newPos ?? oldPos, shift: null, trimmed: null, why, write: { to: moveTo } });
      continue;
    }

    const change = o.shot ? changeOf.get(o.shot) : undefined;
    const shotChange = change ? shotRows[conform.shots.indexOf(change)] : undefined;
    if (o.error || o.anchorStart === undefined) {
      events.push({
        ...base,
        status: 'unresolved',
        old: null,
        new: newPos,
        shift: null,
        trimmed: null,
        code: o.error?.code,
        why: `does not resolve against ${oldRecord.lockFile}: ${o.error?.message ?? 'unknown'}`,
      });
      continue;
    }
    if (!n || n.error || n.anchorStart === undefined) {
      const code = n?.error?.code;
      const status: EventStatus = code === 'PA606' ? 'dropped' : 'flagged';
      const why = status === 'dropped' ? explainDropped(o, change, n) : `${n?.error?.message ?? 'cannot be placed'}`;
      events.push({ ...base, status, old: oldPos, new: null, shift: null, trimmed: null, code, why, ...(shotChange ? { shotChange } : {}) });
      continue;
    }

    const shift = n.anchorStart - o.anchorStart;
    const oh = o.trim?.head ?? 0;
    const ot = o.trim?.tail ?? 0;
    const nh = n.trim?.head ?? 0;
    const nt = n.trim?.tail ?? 0;
    const trimChanged = oh !== nh || ot !== nt;
    const status: EventStatus = trimChanged && nh + nt > oh + ot ? 'trimmed' : shift !== 0 || trimChanged ? 'moved' : 'unchanged';
    const reasons: string[] = [];
    const label = o.shot ? shotName(o.shot) : 'its shot';
    const what = change && change.status !== 'unchanged' ? ` (the shot: ${describeShotChange(change, t.rate)})` : '';
    if (change && o.kind === 'shot' && change.headTrim !== 0 && change.newShot) {
      reasons.push(
        `the offset counts from the shot's first frame, which is now ${frames(Math.abs(change.headTrim))} ${change.headTrim > 0 ? 'later' : 'earlier'} in the footage: the event sits ${frames(Math.abs(change.headTrim))} ${change.headTrim > 0 ? 'later' : 'earlier'} against the picture; anchor it with { reel, tc } to follow the footage`,
      );
    }
    if (change && o.kind === 'reel' && change.headTrim !== 0) reasons.push('it follows the footage (same source frame)');
    if (trimChanged) {
      const cut = n.shot ? `${shotName(n.shot)} (${tcL(newLock, n.shot.recordIn)}–${tcL(newLock, n.shot.recordOut)})` : 'its shot';
      if (nh + nt > 0) {
        const bits = [nh ? `head ${fmtS(secs(nh))}` : '', nt ? `tail ${fmtS(secs(nt))}` : ''].filter(Boolean).join(', ');
        reasons.push(`it now runs past the cut of ${cut}: trimmed ${bits} with a fade (picture.trim_fade)`);
      } else {
        reasons.push('it no longer runs past its shot\'s cuts: nothing is trimmed any more');
      }
    }
    const why = status === 'unchanged' ? `${label} did not move` : `${status === 'trimmed' ? 'trimmed' : 'moved'} with ${label}${what}${reasons.length ? `; ${reasons.join('; ')}` : ''}`;
    events.push({
      ...base,
      status,
      old: oldPos,
      new: newPos,
      shift: shift !== 0 ? shiftOf(shift) : null,
      trimmed: trimChanged ? { head: secs(nh - oh), tail: secs(nt - ot) } : null,
      why,
      ...(shotChange ? { shotChange } : {}),
    });
  }

  const summary = Object.fromEntries(STATUSES.map((s) => [s, 0])) as Record<EventStatus, number>;
  for (const e of events) summary[e.status]++;
  return {
    project: loaded.projectFile.rel || path.basename(projectFile),
    from: { file: oldRecord.lockFile!, title: oldLock.title, format: oldLock.format, shots: oldLock.shots.length },
    to: { file: newRecord.lockFile!, title: newLock.title, format: newLock.format, shots: newLock.shots.length },
    frameRate: frameRateLabel(t.rate),
    summary,
    shots: shotRows,
    events,
  };
}

function explainDropped(o: EventOutcome, change: ShotChange | undefined, n: EventOutcome | undefined): string {
  const label = o.shot ? shotName(o.shot) : 'its shot';
  const tail = 'the build fails with PA606 until the event is re-anchored or removed';
  if (change?.status === 'removed') return `dropped: shot ${label} was removed from the cut; ${tail}`;
  if (change?.newShot && o.kind === 'shot' && change.newShot.name !== change.shot.name) {
    return `dropped: ${label} is now called ${change.newShot.name ?? `event ${change.newShot.index}`} in the new lock (same footage); re-anchor it to { shot: ${change.newShot.name ?? change.newShot.index} }`;
  }
  if (change && o.kind === 'reel' && change.status === 'trimmed') {
    return `dropped: ${label} was trimmed (head ${frames(change.headTrim)}, tail ${frames(change.tailTrim)}) and its source frame is no longer in the cut; ${tail}`;
  }
  return `dropped: ${n?.error?.message ?? 'its anchor no longer resolves'}; ${tail}`;
}

export function shotName(s: Shot): string {
  return s.name ?? `event ${String(s.index).padStart(3, '0')}${isBlackReel(s.reel) ? ' (black)' : ''}`;
}

function frames(n: number): string {
  return `${n}f`;
}

function fmtS(seconds: number): string {
  return `${seconds.toFixed(3)} s`;
}

/** "+24f / +1.000 s" */
export function formatShift(s: { frames: number; seconds: number }): string {
  const sign = s.frames > 0 ? '+' : s.frames < 0 ? '−' : '±';
  const f = Math.abs(s.frames);
  return `${sign}${Number.isInteger(f) ? f : f.toFixed(2)}f / ${sign}${Math.abs(s.seconds).toFixed(3)} s`;
}

export function describeShotChange(c: ShotChange, rate: FrameRate): string {
  const sh = (f: number) => formatShift({ frames: f, seconds: (f * rate.den) / rate.num });
  const renamed = c.newShot && c.newShot.name !== c.shot.name ? `, now ${c.newShot.name ?? `event ${c.newShot.index}`}` : '';
  switch (c.status) {
    case 'unchanged':
      return `unchanged${renamed}`;
    case 'moved':
      return `moved ${sh(c.shift)}${renamed}`;
    case 'removed':
      return 'removed from the cut';
    case 'trimmed': {
      const parts: string[] = [];
      if (c.headTrim) parts.push(`head ${c.headTrim > 0 ? 'trimmed' : 'extended'} ${Math.abs(c.headTrim)}f`);
      if (c.tailTrim) parts.push(`tail ${c.tailTrim > 0 ? 'trimmed' : 'extended'} ${Math.abs(c.tailTrim)}f`);
      if (c.shift) parts.push(`moved ${sh(c.shift)}`);
      return `${parts.join(', ')}${renamed}`;
    }
  }
}

function round6(x: number): number {
  const r = Math.round(x * 1e6) / 1e6;
  return r === 0 ? 0 : r;
}
