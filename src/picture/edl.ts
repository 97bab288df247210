/**
 * CMX3600 edit decision lists, as Avid Media Composer, Premiere Pro and
 * DaVinci Resolve write them.
 *
 *   TITLE: LIGHTHOUSE LOCK V1
 *   FCM: NON-DROP FRAME
 *
 *   001  A001C003 V     C        14:22:10:05 14:22:16:05 01:00:00:00 01:00:06:00
 *   * FROM CLIP NAME:  SC01_SH01
 *   005  A002C004 V     C        15:12:22:20 15:12:22:20 01:00:22:00 01:00:22:00
 *   005  A003C002 V     D    024 09:10:00:00 09:10:08:00 01:00:22:00 01:00:30:00
 *   * FROM CLIP NAME:  SC01_SH04
 *   * TO CLIP NAME:  SC02_SH01
 *
 * Fields are separated by whitespace, not by fixed columns (real exporters
 * disagree on the spacing and reels are often longer than 8 characters).
 * A dissolve or wipe is an event with two lines: the outgoing clip (a cut,
 * usually zero length) and the incoming one (`D nnn` / `Wnnn nnn`, nnn frames).
 * Lines we do not need (M2 motion, SPLIT, AUD, other comments) are skipped.
 */

import { frameRateLabel, framesToTimecode, parseTimecode, FRAME_RATES, type FrameRate } from '../compiler/timecode.ts';
import { compareShots, type ParseResult, type PictureProblem, type Shot } from './model.ts';

export interface ParseEdlOptions {
  /** the path recorded in the lock (for messages) */
  file: string;
  /** the project's frame rate */
  frameRate: FrameRate;
}

interface Token {
  text: string;
  col: number;
}

interface RawEvent {
  num: number;
  reel: string;
  track: string;
  video: boolean;
  transition: Shot['transition'];
  transitionFrames: number;
  src: [number, number];
  rec: [number, number];
  line: number;
  recInCol: number;
}

interface Group {
  num: number;
  /** the line of the event's first line (a transition's outgoing half) */
  line: number;
  events: RawEvent[];
  fromName: string | null;
  toName: string | null;
}

const EVENT_RE = /^\s*\d+(\s|$)/;
const TRACK_RE = /^(?:V\d*|A\d*|AA|B|NONE|(?:A\d*|AA)\/V|V\/(?:A\d*|AA))$/i;
const TC_SHAPE = /^(\d{2})([:;.])(\d{2})([:;.])(\d{2})([:;.])(\d{2})$/;
const RATE_2997 = FRAME_RATES.find((r) => r.name === '29.97')!;
const RATE_2997DF = FRAME_RATES.find((r) => r.name === '29.97df')!;

const ev3 = (n: number): string => String(n).padStart(3, '0');

function tokenize(line: string): Token[] {
  const out: Token[] = [];
  const re = /\S+/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(line))) out.push({ text: m[0], col: m.index + 1 });
  return out;
}

/** Binary content (NUL bytes or mostly control characters) is not an EDL. */
function looksBinary(text: string): boolean {
  if (text.includes('\0')) return true;
  const sample = text.slice(0, 4096);
  let control = 0;
  for (let i = 0; i < sample.length; i++) {
    const c = sample.charCodeAt(i);
    if (c < 32 && c !== 9 && c !== 10 && c !== 13 && c !== 12) control++;
  }
  return sample.length > 0 && control / sample.length > 0.05;
}

export function parseEdl(text: string, opts: ParseEdlOptions): ParseResult {
  const problems: PictureProblem[] = [];
  const project = opts.frameRate;

  if (looksBinary(text)) {
    problems.push({ code: 'PA601', message: `${opts.file} is not a CMX3600 EDL: it is binary, not text`, line: 1, col: 1 });
    return { problems };
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const lines = text.split(/\r\n|\r|\n/);

  let title: string | null = null;
  /** the header's FCM (the first one), or undefined when the file has none */
  let headerDrop: boolean | undefined;
  /** rate timecodes are counted at, following FCM lines */
  let rate: FrameRate = project;
  /** ';' accepted silently in a non-drop rate once the mismatch has been reported */
  let tolerateSemicolon = false;
  let sawSemicolon = false;
  let dropMismatchReported = false;
  let framesOverRate: { problem: PictureProblem; more: number } | undefined;
  let eventLines = 0;
  let headerSeen = false;

  const groups: Group[] = [];
  let group: Group | undefined;

  const applyFcm = (drop: boolean, lineNo: number, col: number): void => {
    if (headerDrop === undefined) headerDrop = drop;
    if (drop) {
      if (project.drop) rate = project;
      else if (project.nominal === 30) {
        rate = RATE_2997DF;
        reportDrop(lineNo, col, `the EDL says FCM: DROP FRAME but the project is ${frameRateLabel(project)}`);
      } else {
        rate = project;
        tolerateSemicolon = true;
        reportDrop(lineNo, col, `the EDL says FCM: DROP FRAME, which only exists at 29.97 fps, but the project is ${frameRateLabel(project)}`);
      }
    } else if (project.drop) {
      rate = RATE_2997;
      reportDrop(lineNo, col, `the EDL says FCM: NON-DROP FRAME but the project is ${frameRateLabel(project)}`);
    } else {
      rate = project;
    }
  };

  function reportDrop(line: number, col: number, message: string): void {
    if (dropMismatchReported) return;
    dropMismatchReported = true;
    problems.push({
      code: 'PA603',
      message: `${message}; re-export the EDL at the project's rate or change project.frame_rate`,
      line,
      col,
    });
  }

  /** Parse one timecode field; reports and returns undefined on failure. */
  const readTc = (tok: Token, lineNo: number, what: string): number | undefined => {
    const shape = TC_SHAPE.exec(tok.text);
    if (!shape) {
      problems.push({
        code: 'PA602',
        message: `${what} "${tok.text}" is not a timecode (expected HH:MM:SS:FF)`,
        line: lineNo,
        col: tok.col,
      });
      return undefined;
    }
    let t = tok.text.replace(/\./g, ':');
    if (t.includes(';')) {
      sawSemicolon = true;
      if (!rate.drop) {
        if (rate.nominal === 30 && !dropMismatchReported && headerDrop === undefined) {
          // ';' with no FCM line in a 29.97 NDF project: the file is drop-frame
          reportDrop(lineNo, tok.col, `${what} "${tok.text}" is drop-frame timecode (';') but the project is ${frameRateLabel(project)}`);
          rate = RATE_2997DF;
        } else if (tolerateSemicolon || dropMismatchReported) {
          t = t.replace(/;/g, ':');
        } else {
          reportDrop(lineNo, tok.col, `${what} "${tok.text}" is drop-frame timecode (';') but the project is ${frameRateLabel(project)}`);
          tolerateSemicolon = true;
          t = t.replace(/;/g, ':');
        }
      }
    }
    const ff = Number(shape[7]);
    if (ff >= rate.nominal) {
      if (framesOverRate) {
        framesOverRate.more++;
      } else {
        const p: PictureProblem = {
          code: 'PA603',
          message: `${what} "${tok.text}" has frame ${shape[7]}, which does not exist at ${frameRateLabel(rate)} (frames run 00–${String(rate.nominal - 1).padStart(2, '0')}); the EDL was exported at a different frame rate than the project's`,
          line: lineNo,
          col: tok.col,
        };
        problems.push(p);
        framesOverRate = { problem: p, more: 0 };
      }
      return undefined;
    }
    const r = parseTimecode(t, rate);
    if ('error' in r) {
      problems.push({ code: 'PA602', message: `${what}: ${r.error}`, line: lineNo, col: tok.col });
      return undefined;
    }
    return r.frames;
  };

  const parseEvent = (line: string, lineNo: number): RawEvent | undefined => {
    const toks = tokenize(line);
    const endCol = line.trimEnd().length + 1;
    const bad = (col: number, message: string): undefined => {
      problems.push({ code: 'PA602', message, line: lineNo, col });
      return undefined;
    };
    const num = Number(toks[0]!.text);
    const reel = toks[1];
    if (!reel) return bad(endCol, `event ${toks[0]!.text} has no reel, track, transition or timecodes`);
    const track = toks[2];
    if (!track) return bad(endCol, `event ${toks[0]!.text}: missing the track field (V, A, A2, AA, B …) after reel "${reel.text}"`);
    if (!TRACK_RE.test(track.text)) {
      return bad(track.col, `event ${toks[0]!.text}: "${track.text}" is not a track (expected V, A, A2, AA, B, AA/V …)`);
    }
    const trans = toks[3];
    if (!trans) return bad(endCol, `event ${toks[0]!.text}: missing the transition field (C, D nnn or Wnnn nnn)`);
    let transition: Shot['transition'];
    const code = trans.text.toUpperCase();
    if (code === 'C' || /^K[BO]?$/.test(code)) transition = 'cut';
    else if (code === 'D') transition = 'dissolve';
    else if (/^W\d{0,3}$/.test(code)) transition = 'wipe';
    else return bad(trans.col, `event ${toks[0]!.text}: "${trans.text}" is not a transition (expected C, D or Wnnn)`);
    let i = 4;
    let transitionFrames = 0;
    const dur = toks[i];
    if (dur && /^\d{1,4}$/.test(dur.text)) {
      transitionFrames = transition === 'cut' ? 0 : Number(dur.text);
      i++;
    } else if (transition !== 'cut') {
      return bad(dur ? dur.col : endCol, `event ${toks[0]!.text}: a ${transition} needs its length in frames after "${trans.text}" (e.g. "${trans.text} 024")`);
    }
    const what = ['source in', 'source out', 'record in', 'record out'];
    const tcToks = toks.slice(i, i + 4);
    if (tcToks.length < 4) {
      return bad(endCol, `event ${toks[0]!.text}: expected four timecodes (source in, source out, record in, record out), found ${tcToks.length}`);
    }
    if (toks.length > i + 4) {
      const extra = toks[i + 4]!;
      return bad(extra.col, `event ${toks[0]!.text}: unexpected "${extra.text}" after the record out timecode`);
    }
    const tcs: number[] = [];
    let ok = true;
    for (let k = 0; k < 4; k++) {
      const f = readTc(tcToks[k]!, lineNo, what[k]!);
      if (f === undefined) ok = false;
      else tcs.push(f);
    }
    if (!ok) return undefined;
    const [sIn, sOut, rIn, rOut] = tcs as [number, number, number, number];
    if (rOut < rIn) {
      problems.push({
        code: 'PA605',
        message: `event ${toks[0]!.text}: record out ${tcToks[3]!.text} is before record in ${tcToks[2]!.text}`,
        line: lineNo,
        col: tcToks[3]!.col,
      });
      return undefined;
    }
    if (sOut < sIn) {
      problems.push({
        code: 'PA605',
        message: `event ${toks[0]!.text}: source out ${tcToks[1]!.text} is before source in ${tcToks[0]!.text}`,
        line: lineNo,
        col: tcToks[1]!.col,
      });
      return undefined;
    }
    const t = track.text.toUpperCase();
    return {
      num,
      reel: reel.text,
      track: track.text,
      video: t.includes('V') || t === 'B',
      transition,
      transitionFrames,
      src: [sIn, sOut],
      rec: [rIn, rOut],
      line: lineNo,
      recInCol: tcToks[2]!.col,
    };
  };

  for (let n = 0; n < lines.length; n++) {
    const lineNo = n + 1;
    const line = lines[n]!;
    const trimmed = line.trim();
    if (trimmed === '') continue;
    if (/^TITLE:/i.test(trimmed)) {
      if (title === null) title = trimmed.slice(6).trim() || null;
      headerSeen = true;
      continue;
    }
    const fcm = /^(\s*FCM:\s*)(.*)$/i.exec(line);
    if (fcm) {
      const mode = fcm[2]!.trim().toUpperCase().replace(/[\s_-]+/g, ' ');
      const col = fcm[1]!.length + 1;
      headerSeen = true;
      if (mode === 'DROP FRAME' || mode === 'DF') applyFcm(true, lineNo, col);
      else if (mode === 'NON DROP FRAME' || mode === 'NDF') applyFcm(false, lineNo, col);
      else problems.push({ code: 'PA602', message: `unknown FCM "${fcm[2]!.trim()}" (expected DROP FRAME or NON-DROP FRAME)`, line: lineNo, col });
      continue;
    }
    if (trimmed.startsWith('*')) {
      const name = /^\*\s*(FROM|TO)\s+CLIP\s+NAME\s*:\s*(.*)$/i.exec(trimmed);
      if (name && group) {
        const value = name[2]!.trim() || null;
        if (name[1]!.toUpperCase() === 'FROM') group.fromName ??= value;
        else group.toName ??= value;
      }
      continue;
    }
    if (!EVENT_RE.test(line)) continue; // M2, SPLIT, AUD, >>> SOURCE, EFFECTS NAME IS … : not needed for the picture model
    eventLines++;
    const numText = /^\s*(\d+)/.exec(line)![1]!;
    const num = Number(numText);
    if (!group || group.num !== num) {
      group = { num, line: lineNo, events: [], fromName: null, toName: null };
      groups.push(group);
    }
    const ev = parseEvent(line, lineNo);
    if (ev) group.events.push(ev);
  }

  if (framesOverRate && framesOverRate.more > 0) {
    framesOverRate.problem.message += ` (${framesOverRate.more} more timecode${framesOverRate.more === 1 ? '' : 's'} in this file ${framesOverRate.more === 1 ? 'has' : 'have'} the same problem)`;
  }

  const parsedEvents = groups.reduce((n, g) => n + g.events.length, 0);
  if (eventLines === 0 || (parsedEvents === 0 && !headerSeen)) {
    // nothing here reads as an EDL: report that alone, not every line that failed to parse as an event
    problems.length = 0;
    const hint = /^\s*[{[]/.test(text) ? ' (it looks like JSON — an OpenTimelineIO file should end in .otio)' : '';
    const why = eventLines === 0 ? 'it has no event lines' : 'no line in it reads as an event and it has no TITLE or FCM header';
    problems.unshift({ code: 'PA601', message: `${opts.file} is not a CMX3600 EDL: ${why}${hint}`, line: 1, col: 1 });
    return { problems };
  }

  // events → shots, names from the group's FROM/TO CLIP NAME comments
  const shots: Shot[] = [];
  /** where each shot's record in is written (a transition's incoming line is not where its event starts) */
  const recInAt = new Map<Shot, { line: number; col: number }>();
  let anyEvent = false;
  let anyVideo = false;
  for (const g of groups) {
    const hasTransition = g.events.some((e) => e.transition !== 'cut');
    g.events.forEach((ev) => {
      anyEvent = true;
      if (!ev.video) return;
      anyVideo = true;
      if (ev.rec[1] === ev.rec[0]) return; // the zero-length outgoing half of a transition: no picture of its own
      // FROM CLIP NAME names the outgoing clip of a transition, TO CLIP NAME the incoming one
      let name: string | null;
      if (!hasTransition) name = g.fromName ?? g.toName;
      else name = ev.transition !== 'cut' ? g.toName : g.fromName;
      const shot: Shot = {
        index: ev.num,
        name,
        reel: ev.reel,
        track: ev.track,
        transition: ev.transition,
        transitionFrames: ev.transitionFrames,
        sourceIn: ev.src[0],
        sourceOut: ev.src[1],
        recordIn: ev.rec[0],
        recordOut: ev.rec[1],
        line: g.line,
      };
      shots.push(shot);
      recInAt.set(shot, { line: ev.line, col: ev.recInCol });
    });
  }
  if (anyEvent && !anyVideo) {
    problems.unshift({
      code: 'PA601',
      message: `${opts.file} has no video events (only audio tracks): a picture lock needs the V track`,
      line: 1,
      col: 1,
    });
    return { problems };
  }

  shots.sort(compareShots);

  // overlapping record ranges on the video track
  let reach: Shot | undefined; // the earlier shot reaching furthest
  for (const s of shots) {
    if (reach && s.recordIn < reach.recordOut) {
      const here = recInAt.get(s)!;
      const there = recInAt.get(reach)!;
      problems.push({
        code: 'PA604',
        message: `event ${ev3(s.index)} (line ${here.line}) starts at ${framesToTimecode(s.recordIn, rate)}, before event ${ev3(reach.index)} (line ${there.line}) ends at ${framesToTimecode(reach.recordOut, rate)}: the video events overlap by ${Math.min(reach.recordOut, s.recordOut) - s.recordIn} frame(s)`,
        line: here.line,
        col: here.col,
        related: [{ message: `event ${ev3(reach.index)} is here`, line: there.line, col: there.col }],
      });
    }
    if (!reach || s.recordOut > reach.recordOut) reach = s;
  }

  return {
    lock: {
      format: 'cmx3600',
      title,
      frameRate: rate,
      dropFrame: headerDrop ?? (sawSemicolon || rate.drop),
      shots,
      file: opts.file,
    },
    problems,
  };
}
