/**
 * Resolving picture anchors: `picture.lock` is read once per compile, and an event's
 * `at` may name a shot (`{ shot: SC12_SH03, offset: 12f }`) or a source timecode on a
 * reel (`{ reel: A012C003, tc: "14:22:10:05" }`) instead of a timeline timecode.
 *
 * An anchored event belongs to its shot: whatever of it runs past the shot's cuts (a
 * dissolve out of the shot still shows it) is trimmed there with a short fade
 * (`picture.trim_fade`), unless the anchor says `trim: false` (an L-cut or a pre-lap
 * meant to play over the neighbouring shot); music plays over cuts unless it says
 * `trim: true`, and a music edit is never trimmed. A trim that would remove more than
 * `picture.max_trim` of the event is an error (PA608).
 *
 * Codes: PA601–PA605 come from the lock readers (src/picture); PA606 an anchor that is
 * not in the lock, PA607 an ambiguous anchor, PA608 a trim too large, PA609 an anchor
 * in a project without a picture lock.
 *
 * The lock's content is in no key: an anchored event's position lands in its bus's
 * params, so a new lock re-renders only the buses of events that moved (and what
 * mixes them).
 */
import path from 'node:path';
import { anchorToRecord, findShot, pictureDiagnostics, readPictureLock, type PictureLock, type Shot } from '../picture/index.ts';
import type { DiagnosticSink, Loc } from './diagnostics.ts';
import { confinementProblem, toPosix, type Loaded, type PathSeg } from './load.ts';
import type { EventList, Fade, ResolvedEvent } from './model.ts';
import { framesToSamples, framesToTimecode, parseTimecode, type FrameRate } from './timecode.ts';
import { durationToSamples, formatNumber, parseAs } from './units.ts';
import { closest } from './validate-schema.ts';

type Obj = Record<string, unknown>;

/** Picture options of one compile (the CLI's `conform` compiles against two locks). */
export interface PictureOptions {
  /** Read this lock instead of `picture.lock` (absolute, or relative to the cwd). Chosen on the command line, so not confined to the project folder. */
  lock?: string;
  /** Filled with the lock and with what became of every event's `at`. */
  record?: PictureRecord;
}

/** What the compile made of the picture lock and of each event's position (for `conform`). */
export interface PictureRecord {
  /** The lock read, when it could be read without problems. */
  lock?: PictureLock;
  /** Its path as shown in messages (relative to the project when inside it). */
  lockFile?: string;
  /** The lock had problems (PA601–PA605) or could not be read. */
  lockFailed?: boolean;
  /** In project order (dialogue, sfx, foley, music; file order within each). */
  events: EventOutcome[];
}

export interface EventOutcome {
  id: string;
  list: EventList;
  /** Index in the merged list (the path of the event is [list, index]). */
  index: number;
  kind: 'timecode' | 'shot' | 'reel';
  /** The anchor in words: "SC01_SH03 + 1.5 s", "reel A002C001 at 15:04:43:12". */
  anchor?: string;
  /** Where the anchor (or timecode) puts the event's start, before any trim (samples from the project start). */
  anchorStart?: number;
  /** Timeline position (samples from the project start) and length, after any trim; set once the event resolved. */
  start?: number;
  length?: number;
  /** The shot the anchor resolved to. */
  shot?: Shot;
  /** Samples trimmed at the shot's cuts (head: before its first frame, tail: past its last). */
  trim?: { head: number; tail: number };
  /** Why the anchor did not resolve (PA606 not in the lock, PA607 ambiguous, PA608 too much trimmed, PA609 no lock …). */
  error?: { code: string; message: string; candidates?: Shot[] };
}

/** Recorded on a resolved event: the shot its anchor resolved to, and what was trimmed at its cuts. */
export interface EventPicture {
  anchor: 'shot' | 'reel';
  shot: { index: number; name: string | null; reel: string; recordIn: number; recordOut: number };
  /** Samples trimmed at the head / tail (null: nothing). */
  trim: { head: number; tail: number } | null;
}

/** A resolved anchor: where the event starts, and the shot it belongs to. */
export interface Anchored {
  start: number;
  outcome: EventOutcome;
  kind: 'shot' | 'reel';
}

export interface PictureContext {
  sink: DiagnosticSink;
  rate: FrameRate;
  sampleRate: number;
  startSamples: number;
  mediaRoots: string[];
  options?: PictureOptions;
}

export interface PictureResolver {
  /** The lock, when the project has one and it was read without problems. */
  readonly lock: PictureLock | undefined;
  /**
   * Resolve the `at` of event `e` at path `p` (['dialogue', 3]) when it is a picture anchor;
   * undefined when it is a timecode (the caller parses it). Problems are reported here.
   */
  resolveAt(e: Obj, p: PathSeg[]): Anchored | { error: true } | undefined;
  /** After all events resolved: trim anchored events at their shot's cuts, record every event. */
  place(events: ResolvedEvent[]): void;
}

const DEFAULT_TRIM_FADE_S = 0.01;
const DEFAULT_MAX_TRIM = 50;

/** The absolute path of the picture lock a compile reads (for watching), or undefined. */
export function pictureLockPath(loaded: Loaded, options?: PictureOptions): string | undefined {
  if (options?.lock) return path.resolve(options.lock);
  const pic = loaded.value.picture as Obj | undefined;
  if (!pic || typeof pic !== 'object' || typeof pic.lock !== 'string' || pic.lock === '') return undefined;
  return path.resolve(loaded.root, pic.lock);
}

export function pictureResolver(loaded: Loaded, ctx: PictureContext): PictureResolver {
  const { sink, rate, sampleRate, startSamples } = ctx;
  const at = (p: PathSeg[]): Loc => loaded.locate(p);
  const record = ctx.options?.record;
  if (record) {
    record.events.length = 0;
    delete record.lock;
    delete record.lockFile;
    delete record.lockFailed;
  }
  const pic = (loaded.value.picture ?? undefined) as Obj | undefined;
  const events = loaded.value as Record<string, Obj[] | undefined>;

  // ---- settings
  let trimFade = Math.round(DEFAULT_TRIM_FADE_S * sampleRate);
  let maxTrim = DEFAULT_MAX_TRIM;
  if (pic?.trim_fade !== undefined) {
    const raw = pic.trim_fade;
    const q = raw === 0 ? { value: 0, unit: 's' as const } : parseAs(raw as string, ['s', 'f']);
    if ('error' in q) sink.error('PA106', `picture.trim_fade: ${q.error}`, at(['picture', 'trim_fade']));
    else if (q.value < 0) sink.error('PA106', 'picture.trim_fade: a duration cannot be negative', at(['picture', 'trim_fade']));
    else trimFade = durationToSamples(q, sampleRate, rate);
  }
  if (pic?.max_trim !== undefined) {
    const q = parseAs(pic.max_trim as string, ['%']);
    if ('error' in q) sink.error('PA106', `picture.max_trim: ${q.error}`, at(['picture', 'max_trim']));
    else if (q.value < 0 || q.value > 100) sink.error('PA106', `picture.max_trim: ${formatNumber(q.value)} % is not a share of an event (0 % .. 100 %)`, at(['picture', 'max_trim']));
    else maxTrim = q.value;
  }

  // ---- the lock: read once
  let lock: PictureLock | undefined;
  let lockFile: string | undefined;
  let lockFailed = false;
  const override = ctx.options?.lock;
  const yamlLock = typeof pic?.lock === 'string' ? (pic.lock as string) : undefined;
  if (override !== undefined || yamlLock !== undefined) {
    const abs = override !== undefined ? path.resolve(override) : path.resolve(loaded.root, yamlLock!);
    const rel = toPosix(path.relative(loaded.root, abs));
    lockFile = rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : toPosix(abs);
    const lockLoc = override === undefined ? at(['picture', 'lock']) : undefined;
    const escape = override === undefined ? confinementProblem(abs, loaded.root, ctx.mediaRoots) : undefined;
    if (escape) {
      sink.error('PA210', `picture.lock: ${yamlLock} ${escape}`, lockLoc, 'keep the picture lock inside the project folder (e.g. picture/)');
      lockFailed = true;
    } else {
      const r = readPictureLock(abs, rate, { displayPath: lockFile });
      for (const d of pictureDiagnostics(r.problems, lockFile)) {
        // a file that cannot be read at all is reported where the project names it
        if (d.line === undefined && lockLoc) sink.error(d.code, `picture.lock: ${d.message}`, lockLoc, d.hint);
        else sink.add(d);
      }
      if (r.problems.length > 0 || !r.lock) lockFailed = true;
      else lock = r.lock;
    }
  }
  if (record) {
    record.lock = lock;
    record.lockFile = lockFile;
    record.lockFailed = lockFailed;
  }

  const lockRate = () => lock!.frameRate;
  /** Record frame of the lock → samples from the project start. */
  const frameToTimeline = (frame: number) => framesToSamples(frame, lockRate(), sampleRate) - startSamples;
  const tcOf = (frame: number) => framesToTimecode(frame, lockRate());
  const shotLabel = (s: Shot) => `${s.name ?? `event ${String(s.index).padStart(3, '0')}`}`;
  const shotWhere = (s: Shot) => `event ${String(s.index).padStart(3, '0')}${s.name ? ` ${s.name}` : ''} at ${tcOf(s.recordIn)}`;

  const outcomes = new Map<string, EventOutcome>();
  const ordered: EventOutcome[] = [];
  const remember = (o: EventOutcome) => {
    const key = `${o.list}\u0000${o.index}`;
    if (!outcomes.has(key)) {
      outcomes.set(key, o);
      ordered.push(o);
    }
    return o;
  };

  /** A signed offset ("12f", "-6f", "500 ms", 0) in samples, or in frames when written in frames. */
  const offsetOf = (raw: unknown, p: PathSeg[], id: string): { samples?: number; frames?: number } | undefined => {
    if (raw === undefined || raw === 0) return { frames: 0 };
    const text = String(raw).trim();
    const neg = text.startsWith('-') || text.startsWith('\u2212');
    const q = parseAs(neg ? text.slice(1) : text.replace(/^\+/, ''), ['s', 'f']);
    if ('error' in q) {
      sink.error('PA106', `event '${id}': at.offset: ${q.error}`, at(p));
      return undefined;
    }
    const sign = neg ? -1 : 1;
    return q.unit === 'f' ? { frames: sign * q.value } : { samples: sign * durationToSamples(q, sampleRate, rate) };
  };

  const names = (shots: Shot[]) => shots.map((s) => `'${shotLabel(s)}'`).join(', ');

  /** Where a shot's picture shows: its record range, plus the length of a dissolve out of it into the next shot. */
  const visible = (s: Shot) => {
    let out = s.recordOut;
    const next = lock!.shots.find((n) => n !== s && n.recordIn === s.recordOut && n.transition !== 'cut' && n.recordOut > n.recordIn);
    if (next) out += next.transitionFrames;
    return { start: frameToTimeline(s.recordIn), end: frameToTimeline(out), endFrame: out };
  };

  return {
    get lock() {
      return lock;
    },

    resolveAt(e, p) {
      const raw = e.at;
      if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return undefined;
      const a = raw as Obj;
      const id = String(e.id);
      const list = p[0] as EventList;
      const index = p[1] as number;
      const atPath: PathSeg[] = [...p, 'at'];
      const kind: 'shot' | 'reel' = a.shot !== undefined ? 'shot' : 'reel';
      const offsetText = a.offset === undefined || a.offset === 0 ? '' : String(a.offset).trim();
      const signed = offsetText === '' ? '' : /^[-\u2212]/.test(offsetText) ? ` \u2212 ${offsetText.slice(1).trim()}` : ` + ${offsetText.replace(/^\+/, '')}`;
      const anchorText =
        kind === 'shot'
          ? `${typeof a.shot === 'number' ? `event ${String(a.shot).padStart(3, '0')}` : String(a.shot)}${signed}`
          : `reel ${String(a.reel)} at ${String(a.tc)}${signed}`;
      const outcome = remember({ id, list, index, kind, anchor: anchorText });
      const fail = (code: string, message: string, loc: PathSeg[], hint?: string, candidates?: Shot[]) => {
        sink.error(code, message, at(loc), hint);
        outcome.error = { code, message, ...(candidates ? { candidates } : {}) };
        return { error: true as const };
      };

      const offset = offsetOf(a.offset, [...atPath, 'offset'], id);
      if (!lock) {
        if (lockFile === undefined) {
          return fail('PA609', `event '${id}' is anchored to the picture (${anchorText}) but the project has no picture lock`, atPath, "add picture: { lock: picture/lock.edl } to the project file (an EDL or an OTIO timeline), or give 'at' as a timecode");
        }
        // the lock's own problems are reported at the lock; nothing more to say here
        outcome.error = { code: 'PA601', message: `the picture lock ${lockFile} could not be read` };
        return { error: true };
      }
      if (!offset) {
        outcome.error = { code: 'PA106', message: `event '${id}': at.offset is not a duration` };
        return { error: true };
      }

      let shot: Shot;
      let frame: number;
      if (kind === 'shot') {
        const key = a.shot as string | number;
        const r = findShot(lock, { shot: key });
        const what = typeof key === 'number' ? `event ${String(key).padStart(3, '0')}` : `shot '${key}'`;
        if ('error' in r) {
          if (r.error === 'ambiguous') {
            return fail(
              'PA607',
              `event '${id}': ${what} is ambiguous: it is in the picture lock ${r.candidates.length} times (${r.candidates.map(shotWhere).join('; ')})`,
              [...atPath, 'shot'],
              typeof key === 'number' ? 'the lock repeats that event number; anchor by clip name or by { reel, tc }' : `anchor by event number ({ shot: ${r.candidates[0]!.index} }) or by source timecode ({ reel: ${r.candidates[0]!.reel}, tc: "…" })`,
              r.candidates,
            );
          }
          const hint = r.candidates.length
            ? `did you mean ${names(r.candidates)}?`
            : lock.shots.some((s) => s.name)
              ? `shots in the lock: ${lock.shots
                  .filter((s) => s.name)
                  .slice(0, 6)
                  .map((s) => s.name)
                  .join(', ')}${lock.shots.filter((s) => s.name).length > 6 ? ', …' : ''}`
              : undefined;
          return fail('PA606', `event '${id}': ${what} is not in the picture lock ${lockFile}`, [...atPath, 'shot'], hint, r.candidates);
        }
        shot = r.shot;
        frame = shot.recordIn;
      } else {
        const reel = String(a.reel);
        const tc = parseTimecode(String(a.tc), lock.frameRate);
        if ('error' in tc) return fail('PA207', `event '${id}': at.tc ${tc.error}`, [...atPath, 'tc']);
        const r = anchorToRecord(lock, { reel, sourceFrame: tc.frames });
        if ('error' in r) {
          const onReel = lock.shots.filter((s) => s.reel === reel || s.reel.toLowerCase() === reel.toLowerCase());
          if (r.error === 'ambiguous') {
            return fail(
              'PA607',
              `event '${id}': reel ${reel} at ${String(a.tc)} is ambiguous: that source frame is in the picture lock ${r.candidates.length} times (${r.candidates.map(shotWhere).join('; ')})`,
              [...atPath, 'reel'],
              r.candidates.some((s) => s.name) ? `anchor by shot ({ shot: ${r.candidates[0]!.name ?? r.candidates[0]!.index}, offset: … })` : 'anchor by shot event number',
              r.candidates,
            );
          }
          if (onReel.length === 0) {
            const near = closest(reel, new Set(lock.shots.map((s) => s.reel)));
            return fail('PA606', `event '${id}': reel ${reel} is not in the picture lock ${lockFile}`, [...atPath, 'reel'], near ? `did you mean '${near}'?` : undefined, []);
          }
          const ranges = onReel.map((s) => `${tcOf(s.sourceIn)}–${tcOf(s.sourceOut)} (${shotWhere(s)})`).join('; ');
          return fail('PA606', `event '${id}': source timecode ${String(a.tc)} of reel ${reel} is not in the cut of ${lockFile}`, [...atPath, 'tc'], `the cut uses reel ${reel} from ${ranges}`, onReel);
        }
        shot = r.shot;
        frame = r.frame;
      }

      const start = offset.frames !== undefined ? frameToTimeline(frame + offset.frames) : frameToTimeline(frame) + offset.samples!;
      outcome.shot = shot;
      if (start < 0) {
        return fail('PA204', `event '${id}' is anchored at ${anchorText}, which is before the project start (${tcOf(Math.floor(frame + (offset.frames ?? 0)))})`, atPath);
      }
      outcome.start = start;
      outcome.anchorStart = start;
      return { start, outcome, kind };
    },

    place(resolvedEvents) {
      for (const e of resolvedEvents) {
        const index = (events[e.list] ?? []).findIndex((x) => x && String(x.id) === e.id);
        const key = `${e.list}\u0000${index}`;
        const o = outcomes.get(key) ?? remember({ id: e.id, list: e.list, index, kind: 'timecode' });
        const length = eventLength(e);
        if (o.kind === 'timecode' || !o.shot || o.start === undefined) {
          o.start = e.start;
          o.anchorStart = e.start;
          o.length = length;
          continue;
        }
        const raw = ((events[e.list] ?? [])[index]?.at ?? {}) as Obj;
        // music plays over cuts unless told otherwise; sync sound (dialogue, effects, foley) stays in its shot
        const trims = typeof raw.trim === 'boolean' ? raw.trim : e.list !== 'music';
        const w = trims && !hasEdit(e) ? visible(o.shot) : null;
        const head = w ? Math.max(0, w.start - e.start) : 0;
        const tail = w ? Math.max(0, e.start + length - w.end) : 0;
        const s = o.shot;
        e.picture = {
          anchor: o.kind,
          shot: { index: s.index, name: s.name, reel: s.reel, recordIn: s.recordIn, recordOut: s.recordOut },
          trim: null,
        };
        if (head === 0 && tail === 0) {
          o.length = length;
          continue;
        }
        const atPath: PathSeg[] = [e.list, index, 'at'];
        const secs = (n: number) => `${(n / sampleRate).toFixed(3)} s`;
        const share = ((head + tail) / length) * 100;
        if (head + tail >= length || share > maxTrim) {
          const where = [head ? `starts ${secs(head)} before the cut at ${tcOf(s.recordIn)}` : '', tail && w ? `runs ${secs(tail)} past the cut at ${tcOf(w.endFrame)}` : ''].filter(Boolean).join(' and ');
          const message = `event '${e.id}' ${where} (${head && !tail ? 'start' : 'end'} of its shot ${shotLabel(s)}): trimming it there would remove ${formatNumber(Math.round(share * 10) / 10)} % of it (picture.max_trim is ${formatNumber(maxTrim)} %)`;
          sink.error('PA608', message, at(atPath), "move or shorten the event, anchor it to another shot, add 'trim: false' to the anchor to let it play over the cut, or raise picture.max_trim");
          o.error = { code: 'PA608', message };
          continue;
        }
        applyTrim(e, head, tail, trimFade);
        e.picture.trim = { head, tail };
        o.start = e.start;
        o.length = length - head - tail;
        o.trim = { head, tail };
      }
      if (record) {
        const order = new Map<string, number>(['dialogue', 'sfx', 'foley', 'music'].map((l, i) => [l, i]));
        record.events = [...ordered].sort((a, b) => (order.get(a.list) ?? 9) - (order.get(b.list) ?? 9) || a.index - b.index);
      }
    },
  };
}

/** Samples the event occupies on the timeline (a music edit: its segments' lengths, crossfades ending on each cut). */
export function eventLength(e: ResolvedEvent): number {
  const edit = (e as { edit?: unknown }).edit;
  if (Array.isArray(edit) && edit.length > 0) {
    return edit.reduce((n: number, seg: { from: number; to: number; repeat?: number }) => n + (seg.to - seg.from) * Math.max(1, seg.repeat ?? 1), 0);
  }
  return e.out - e.in;
}

function hasEdit(e: ResolvedEvent): boolean {
  const edit = (e as { edit?: unknown }).edit;
  return Array.isArray(edit) && edit.length > 0;
}

/**
 * Trim `head` samples off the start and `tail` off the end of an event, with at least
 * `fade` samples of fade on each trimmed side (an existing longer fade is kept); fades
 * shrink to fit when the event became shorter than both. Event-relative keyframes move
 * with a head trim so automation stays on the same audio.
 */
export function applyTrim(e: ResolvedEvent, head: number, tail: number, fade: number): void {
  e.start += head;
  e.in += head;
  e.out -= tail;
  const length = e.out - e.in;
  let fadeIn: Fade = head > 0 ? { length: Math.max(e.fadeIn.length, fade), curve: e.fadeIn.curve } : e.fadeIn;
  let fadeOut: Fade = tail > 0 ? { length: Math.max(e.fadeOut.length, fade), curve: e.fadeOut.curve } : e.fadeOut;
  if (fadeIn.length + fadeOut.length > length) {
    const total = fadeIn.length + fadeOut.length;
    const fi = Math.floor((fadeIn.length * length) / total);
    fadeIn = { ...fadeIn, length: fi };
    fadeOut = { ...fadeOut, length: Math.min(fadeOut.length, length - fi) };
  }
  e.fadeIn = fadeIn;
  e.fadeOut = fadeOut;
  if (head > 0) shiftEventTime(e as unknown as Obj, -head);
}

/** Event-relative times (keyframes, automation points) move by `delta` samples. */
function shiftEventTime(e: Obj, delta: number): void {
  const shiftKeys = (k: unknown) => {
    if (k && typeof k === 'object' && Array.isArray((k as { t?: unknown }).t)) {
      const kk = k as { t: number[] };
      kk.t = kk.t.map((t) => t + delta);
    }
  };
  shiftKeys(e.distance);
  shiftKeys(e.azimuthKeys);
  const shiftPoints = (pts: { t: number }[]) => pts.map((pt) => ({ ...pt, t: pt.t + delta }));
  if (Array.isArray(e.gainAutomation)) e.gainAutomation = shiftPoints(e.gainAutomation as { t: number }[]);
  const sends = e.sendAutomation as Record<string, { t: number }[]> | undefined;
  if (sends) for (const r of Object.keys(sends)) sends[r] = shiftPoints(sends[r]);
  // EQ band automation rides in the eq steps of the event's chain
  if (Array.isArray(e.process)) {
    e.process = (e.process as { params: Record<string, unknown> }[]).map((st) =>
      Array.isArray(st.params.automation) ? { ...st, params: { ...st.params, automation: (st.params.automation as { band: number; points: { t: number }[] }[]).map((a) => ({ ...a, points: shiftPoints(a.points) })) } } : st,
    );
  }
}
