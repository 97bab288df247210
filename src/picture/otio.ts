/**
 * OpenTimelineIO JSON (.otio) → the picture model.
 *
 *   Timeline.1 { name, global_start_time: RationalTime, tracks: Stack.1 {
 *     children: [ Track.1 { kind: "Video", children: [ Clip.1 | Clip.2 | Gap.1 | Transition.1 … ] } ] } }
 *
 * The first video track is the picture. Clips and gaps follow each other on
 * it; a clip's record in is where the previous item ended (starting at
 * global_start_time). A Transition.1 sits between two clips without taking
 * time of its own: it overlaps `in_offset` frames of the outgoing clip and
 * `out_offset` of the incoming one. We turn that into the EDL's picture of a
 * dissolve — the incoming shot starts where the dissolve starts and the
 * outgoing one ends there — so an EDL and its OTIO conversion read the same.
 */

import { frameRateLabel, type FrameRate } from '../compiler/timecode.ts';
import { parseJsonWithOffsets, type JsonValue } from './json-positions.ts';
import { compareShots, lineColAt, type ParseResult, type PictureProblem, type Shot } from './model.ts';

export interface ParseOtioOptions {
  file: string;
  frameRate: FrameRate;
}

type Obj = { [k: string]: JsonValue };

const isObj = (v: JsonValue | undefined): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const schemaOf = (v: JsonValue | undefined): string =>
  isObj(v) && typeof v['OTIO_SCHEMA'] === 'string' ? v['OTIO_SCHEMA'] : '';
const isSchema = (v: JsonValue | undefined, name: string): boolean => schemaOf(v).split('.')[0] === name;

export function parseOtio(text: string, opts: ParseOtioOptions): ParseResult {
  const problems: PictureProblem[] = [];
  const project = opts.frameRate;
  const fps = project.num / project.den;

  const parsed = parseJsonWithOffsets(text);
  if ('error' in parsed) {
    const { line, col } = lineColAt(text, parsed.offset);
    problems.push({ code: 'PA601', message: `${opts.file} is not valid JSON, so not an OpenTimelineIO file: ${parsed.error}`, line, col });
    return { problems };
  }
  const { offsets } = parsed;
  const at = (o: object | undefined): { line: number; col: number } => {
    const off = o ? offsets.get(o) : undefined;
    return off === undefined ? { line: 1, col: 1 } : lineColAt(text, off);
  };

  let timeline: JsonValue = parsed.value;
  if (isSchema(timeline, 'SerializableCollection') && isObj(timeline) && Array.isArray(timeline['children'])) {
    timeline = timeline['children'].find((c) => isSchema(c, 'Timeline')) ?? timeline;
  }
  if (!isObj(timeline) || !isSchema(timeline, 'Timeline')) {
    const got = schemaOf(timeline);
    problems.push({
      code: 'PA601',
      message: `${opts.file} is not an OpenTimelineIO timeline: ${got ? `its OTIO_SCHEMA is "${got}", expected "Timeline.1"` : 'it has no OTIO_SCHEMA "Timeline.1"'}`,
      ...at(isObj(timeline) ? timeline : undefined),
    });
    return { problems };
  }
  const stack = timeline['tracks'];
  if (!isObj(stack) || !Array.isArray(stack['children'])) {
    problems.push({ code: 'PA601', message: `${opts.file}: the timeline has no "tracks" stack`, ...at(timeline) });
    return { problems };
  }
  const track = stack['children'].find((t) => isSchema(t, 'Track') && isObj(t) && t['kind'] === 'Video');
  if (!isObj(track) || !Array.isArray(track['children'])) {
    problems.push({ code: 'PA601', message: `${opts.file} has no video track (a Track.1 with kind "Video")`, ...at(stack) });
    return { problems };
  }

  // ---- time -------------------------------------------------------------
  let rateReported = false;
  const sameRate = (rate: number): boolean =>
    Math.abs(rate - fps) < 1e-3 || (project.den !== 1 && rate === project.nominal);
  /** RationalTime → frames at the project's rate; undefined (and a problem) when malformed. */
  const frames = (rt: JsonValue | undefined, what: string, owner: object): number | undefined => {
    if (!isObj(rt) || typeof rt['value'] !== 'number' || typeof rt['rate'] !== 'number' || !(rt['rate'] > 0) || !Number.isFinite(rt['value'])) {
      problems.push({ code: 'PA602', message: `${what} is not a RationalTime ({ "value": …, "rate": … })`, ...at(isObj(rt) ? rt : owner) });
      return undefined;
    }
    const value = rt['value'];
    const rate = rt['rate'];
    if (sameRate(rate)) return Math.round(value);
    if (!rateReported) {
      rateReported = true;
      problems.push({
        code: 'PA603',
        message: `${what} is at ${rate} fps but the project is ${frameRateLabel(project)}; export the timeline at the project's rate or change project.frame_rate`,
        ...at(rt),
      });
    }
    return Math.round((value * fps) / rate);
  };
  const range = (tr: JsonValue | undefined, what: string, owner: object): { start: number; duration: number } | undefined => {
    if (!isObj(tr)) return undefined;
    const start = frames(tr['start_time'], `${what} start_time`, tr);
    const duration = frames(tr['duration'], `${what} duration`, tr);
    if (start === undefined || duration === undefined) return undefined;
    if (duration < 0) {
      problems.push({ code: 'PA605', message: `${what} has a negative duration (${duration} frames)`, ...at(owner) });
      return undefined;
    }
    return { start, duration };
  };
  /** Duration of a nested composition: its source_range, else the sum (Track) / longest (Stack) of its children. */
  const compositionFrames = (item: Obj): number => {
    const sr = range(item['source_range'], 'nested composition source_range', item);
    if (sr) return sr.duration;
    const kids = Array.isArray(item['children']) ? item['children'] : [];
    const lens = kids.filter(isObj).map((k) => itemFrames(k));
    if (isSchema(item, 'Stack')) return lens.reduce((a, b) => Math.max(a, b), 0);
    return lens.reduce((a, b) => a + b, 0);
  };
  const itemFrames = (item: Obj): number => {
    if (isSchema(item, 'Transition')) return 0;
    if (isSchema(item, 'Stack') || isSchema(item, 'Track')) return compositionFrames(item);
    const sr = range(item['source_range'], 'source_range', item) ?? range(activeMedia(item)?.['available_range'], 'available_range', item);
    return sr?.duration ?? 0;
  };

  // ---- walk the video track ---------------------------------------------
  let record = 0;
  if (timeline['global_start_time'] !== undefined && timeline['global_start_time'] !== null) {
    record = frames(timeline['global_start_time'], 'global_start_time', timeline) ?? 0;
  }
  const trackName = typeof track['name'] === 'string' && track['name'] ? track['name'] : 'V';
  const shots: Shot[] = [];
  const items = track['children'];
  let clipCount = 0;
  /** the shot made by the previous item, if it was a clip (a transition shortens it) */
  let prevShot: Shot | undefined;
  let pendingTransition: { kind: Shot['transition']; inOffset: number; outOffset: number } | undefined;

  for (const item of items) {
    if (!isObj(item)) continue;
    if (isSchema(item, 'Transition')) {
      const inOffset = frames(item['in_offset'], 'transition in_offset', item) ?? 0;
      const outOffset = frames(item['out_offset'], 'transition out_offset', item) ?? 0;
      const type = typeof item['transition_type'] === 'string' ? item['transition_type'] : '';
      pendingTransition = { kind: /wipe/i.test(type) ? 'wipe' : 'dissolve', inOffset, outOffset };
      continue;
    }
    if (isSchema(item, 'Clip')) {
      clipCount++;
      const name = typeof item['name'] === 'string' && item['name'].trim() ? item['name'].trim() : null;
      const media = activeMedia(item);
      const before = problems.length;
      const sr =
        item['source_range'] !== undefined && item['source_range'] !== null
          ? range(item['source_range'], `clip "${name ?? clipCount}" source_range`, item)
          : range(media?.['available_range'], `clip "${name ?? clipCount}" available_range`, item);
      if (!sr) {
        if (problems.length === before) {
          problems.push({ code: 'PA602', message: `clip "${name ?? clipCount}" has no source_range (nor a media reference with an available_range)`, ...at(item) });
        }
        prevShot = undefined;
        pendingTransition = undefined;
        continue;
      }
      const shot: Shot = {
        index: clipCount,
        name,
        reel: reelOf(item, media) ?? 'AX',
        track: trackName,
        transition: 'cut',
        transitionFrames: 0,
        sourceIn: sr.start,
        sourceOut: sr.start + sr.duration,
        recordIn: record,
        recordOut: record + sr.duration,
        line: at(item).line,
      };
      if (pendingTransition) {
        const { kind, inOffset, outOffset } = pendingTransition;
        // EDL convention: the dissolve belongs to the incoming shot, which starts where the dissolve starts
        if (prevShot) {
          prevShot.recordOut -= inOffset;
          prevShot.sourceOut -= inOffset;
        }
        shot.recordIn -= inOffset;
        shot.sourceIn -= inOffset;
        shot.transition = kind;
        shot.transitionFrames = inOffset + outOffset;
        pendingTransition = undefined;
      }
      shots.push(shot);
      record += sr.duration;
      prevShot = shot;
      continue;
    }
    // Gap, nested Stack/Track (no shots of its own) or anything else: it takes time, shows no shot
    record += itemFrames(item);
    prevShot = undefined;
    pendingTransition = undefined;
  }

  shots.sort(compareShots);
  let reach: Shot | undefined;
  for (const s of shots) {
    if (reach && s.recordIn < reach.recordOut) {
      problems.push({
        code: 'PA604',
        message: `clip ${s.index} "${s.name ?? ''}" (line ${s.line}) overlaps clip ${reach.index} "${reach.name ?? ''}" (line ${reach.line}) on the video track`,
        line: s.line,
        col: 1,
        related: [{ message: `clip ${reach.index} is here`, line: reach.line, col: 1 }],
      });
    }
    if (s.recordOut < s.recordIn || s.sourceOut < s.sourceIn) {
      problems.push({ code: 'PA605', message: `clip ${s.index} "${s.name ?? ''}" ends before it starts (a transition longer than the clip?)`, line: s.line, col: 1 });
    }
    if (!reach || s.recordOut > reach.recordOut) reach = s;
  }

  const title = typeof timeline['name'] === 'string' && timeline['name'].trim() ? timeline['name'].trim() : null;
  return {
    lock: { format: 'otio', title, frameRate: project, dropFrame: project.drop, shots, file: opts.file },
    problems,
  };
}

/** Clip.1's media_reference, or Clip.2's active entry of media_references. */
function activeMedia(clip: Obj): Obj | undefined {
  const ref = clip['media_reference'];
  if (isObj(ref)) return ref;
  const refs = clip['media_references'];
  if (isObj(refs)) {
    const key = typeof clip['active_media_reference_key'] === 'string' ? clip['active_media_reference_key'] : 'DEFAULT_MEDIA';
    const r = refs[key];
    if (isObj(r)) return r;
  }
  return undefined;
}

/** The reel: cmx_3600 metadata on the clip or its media (what OTIO's EDL adapter writes), else undefined. */
function reelOf(clip: Obj, media: Obj | undefined): string | undefined {
  for (const holder of [clip, media]) {
    const md = holder?.['metadata'];
    if (!isObj(md)) continue;
    const cmx = md['cmx_3600'];
    if (isObj(cmx) && typeof cmx['reel'] === 'string' && cmx['reel'].trim()) return cmx['reel'].trim();
    if (typeof md['reel'] === 'string' && md['reel'].trim()) return md['reel'].trim();
  }
  return undefined;
}
