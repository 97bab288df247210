/**
 * Resolve, events: each dialogue line, effect, foley event and music cue becomes a
 * ResolvedEvent — its source or take, timeline position (timecode or picture anchor), source
 * range or music edit, gain, fades and pan, processing, distance model and air, and sends.
 * Every problem is reported at its line; an event with errors is left out.
 */
import type { DiagnosticSink, Loc } from './diagnostics.ts';
import type { Loaded, PathSeg } from './load.ts';
import { EVENT_LISTS, type Fade, type ResolvedBus, type ResolvedEvent, type ResolvedReverb, type ResolvedSource } from './model.ts';
import type { PictureResolver } from './resolve-picture.ts';
import { DEFAULT_ATMOSPHERE, resolveAtmosphere, resolveChain, resolveKeyframed, signedSamples, type Atmosphere, type Keyframes, type ProcStep, type SoundContext } from './resolve-sound.ts';
import { framesToSamples, parseTimecode, type FrameRate } from './timecode.ts';
import { parseAs } from './units.ts';
import { closest } from './validate-schema.ts';
import { speedOfSound } from '../renderers/dsp/distance.ts';

type Obj = Record<string, unknown>;

/** What resolving an event needs from the rest of the project, already resolved. */
export interface EventContext {
  loaded: Loaded;
  v: Obj;
  sink: DiagnosticSink;
  at: (p: PathSeg[]) => Loc;
  label: (p: PathSeg[]) => string;
  sound: SoundContext;
  rate: FrameRate;
  sampleRate: number;
  /** the project start, in frames since midnight and in samples */
  startFrames: number;
  startSamples: number;
  sources: Map<string, ResolvedSource>;
  /** sources that failed (their events are skipped without a second error) */
  badSources: Set<string>;
  buses: Map<string, ResolvedBus>;
  reverbs: Map<string, ResolvedReverb>;
  picture: PictureResolver;
  irOf: (file: string, p: PathSeg[]) => ProcStep['ir'] | undefined;
  projectAir: Atmosphere | undefined;
  sendsOf: (raw: unknown, p: PathSeg[]) => Record<string, number>;
  gainOf: (raw: unknown, p: PathSeg[]) => number;
  durationOf: (raw: unknown, p: PathSeg[]) => number | undefined;
  fadeOf: (raw: unknown, p: PathSeg[]) => Fade;
  azimuthOf: (raw: unknown, p: PathSeg[]) => number;
}

export function resolveEvents(ctx: EventContext): ResolvedEvent[] {
  const { loaded, v, sink, at, label, sound, rate, sampleRate, startFrames, startSamples, sources, badSources, buses, reverbs, picture, irOf, projectAir, sendsOf, gainOf, durationOf, fadeOf, azimuthOf } = ctx;
  const events: ResolvedEvent[] = [];
  const seenIds = new Map<string, Loc>();
  for (const list of EVENT_LISTS) {
    const items = (v[list] as Obj[] | undefined) ?? [];
    items.forEach((e, i) => {
      const p: PathSeg[] = [list, i];
      const id = String(e.id);
      const loc = at(p);
      const first = seenIds.get(id);
      if (first) {
        const pos = loaded.lineOf(first.file, first.range[0]);
        sink.error('PA201', `event id '${id}' is used twice (first at ${first.file}:${pos?.line ?? '?'})`, at([...p, 'id']));
      } else {
        seenIds.set(id, at([...p, 'id']));
      }

      let ok = true;
      // Foley takes: the chosen take is the source; every take must exist.
      let sourceId = String(e.source);
      let takes: string[] | null = null;
      if (e.takes !== undefined) {
        takes = (e.takes as unknown[]).map(String);
        takes.forEach((t, j) => {
          if (!sources.has(t) && !badSources.has(t)) {
            const near = closest(t, Object.keys((v.sources as Obj | undefined) ?? {}));
            sink.error('PA202', `event '${id}': take '${t}' is not a source`, at([...p, 'takes', j]), near ? `did you mean '${near}'?` : 'add it under sources:');
            ok = false;
          }
        });
        if (e.source !== undefined) {
          sink.error('PA213', `event '${id}': give either source or takes, not both`, at([...p, 'source']));
          ok = false;
        }
        const take = e.take ?? 1;
        if (typeof take === 'number') {
          if (take > takes.length) {
            sink.error('PA214', `event '${id}': take ${take} does not exist (the event has ${takes.length} take${takes.length === 1 ? '' : 's'})`, at([...p, 'take']));
            ok = false;
          } else sourceId = takes[take - 1];
        } else if (!takes.includes(String(take))) {
          const near = closest(String(take), takes);
          sink.error('PA214', `event '${id}': unknown take '${String(take)}'`, at([...p, 'take']), near ? `did you mean '${near}'?` : `takes: ${takes.join(', ')}`);
          ok = false;
        } else sourceId = String(take);
      } else if (e.source === undefined) {
        sink.error('PA104', `event '${id}' is missing 'source'`, at(p), 'name a source, or list takes: for a foley event');
        ok = false;
      }
      const src = ok ? sources.get(sourceId) : undefined;
      if (ok && !src) {
        ok = false;
        if (!badSources.has(sourceId)) {
          const near = closest(sourceId, Object.keys((v.sources as Obj | undefined) ?? {}));
          sink.error('PA202', `event '${id}': unknown source '${sourceId}'`, at([...p, 'source']), near ? `did you mean '${near}'?` : 'add it under sources:');
        }
      }
      const busId = String(e.bus);
      if (!buses.has(busId)) {
        ok = false;
        const near = closest(busId, buses.keys());
        sink.error('PA203', `event '${id}': unknown bus '${busId}'`, at([...p, 'bus']), near ? `did you mean '${near}'?` : 'add it under buses:');
      }

      const tc = parseTimecode(String(e.at), rate);
      const anchored = picture.resolveAt(e, p);
      let start = 0;
      if (anchored) {
        if ('error' in anchored) ok = false;
        else start = anchored.start;
      } else if ('error' in tc) {
        ok = false;
        sink.error('PA207', `event '${id}': at ${tc.error}`, at([...p, 'at']));
      } else if (tc.frames < startFrames) {
        ok = false;
        sink.error('PA204', `event '${id}' starts at ${String(e.at)}, before the project start ${String((v.project as Obj).start)}`, at([...p, 'at']));
      } else {
        start = framesToSamples(tc.frames, rate, sampleRate) - startSamples;
      }

      const inS = e.in === undefined ? 0 : durationOf(e.in, [...p, 'in']);
      const outS = e.out === undefined ? src?.frames : durationOf(e.out, [...p, 'out']);
      if (inS === undefined || (e.out !== undefined && outS === undefined)) ok = false;
      const gain = gainOf(e.gain, [...p, 'gain']);
      const azimuth = typeof e.pan === 'object' && e.pan !== null ? 0 : azimuthOf(e.pan, [...p, 'pan']);
      const lfe = e.lfe === undefined ? 0 : gainOf(e.lfe, [...p, 'lfe']);
      const divergence = (e.divergence as number | undefined) ?? 0;
      const fadeIn = fadeOf(e.fade_in, [...p, 'fade_in']);
      const fadeOut = fadeOf(e.fade_out, [...p, 'fade_out']);

      // Music edit: segments of the source back to back; the event's length is their sum.
      let edit: ResolvedEvent['edit'] = null;
      if (e.edit !== undefined && src) {
        if (e.in !== undefined || e.out !== undefined) {
          sink.error('PA213', `event '${id}': an edit list replaces in/out; give one or the other`, at([...p, e.in !== undefined ? 'in' : 'out']));
          ok = false;
        }
        edit = [];
        (e.edit as Obj[]).forEach((seg, j) => {
          const sp: PathSeg[] = [...p, 'edit', j];
          const from = durationOf(seg.from, [...sp, 'from']);
          const to = durationOf(seg.to, [...sp, 'to']);
          const crossfade = seg.crossfade === undefined ? Math.round(0.05 * sampleRate) : durationOf(seg.crossfade, [...sp, 'crossfade']);
          if (from === undefined || to === undefined || crossfade === undefined) return void (ok = false);
          const secs = (n: number) => `${(n / sampleRate).toFixed(3)} s`;
          if (to > src.frames) {
            sink.error('PA205', `cue '${id}': edit segment ${j + 1} reads to ${secs(to)}, past the end of source '${sourceId}' (${secs(src.frames)})`, at([...sp, 'to']));
            return void (ok = false);
          }
          if (to <= from) {
            sink.error('PA206', `cue '${id}': edit segment ${j + 1} ends before it starts`, at([...sp, 'to']));
            return void (ok = false);
          }
          // A crossfade joins into every instance of a segment but the cue's very first one: into
          // segment 2 and on, and into the repeats of segment 1. The first segment's default
          // crossfade is cut to the source it has before `from` (a loop from 0 s is a butt splice).
          const repeat = (seg.repeat as number | undefined) ?? 1;
          const joins = j > 0 || repeat > 1;
          const xf = !joins ? 0 : j === 0 && seg.crossfade === undefined ? Math.min(crossfade, from) : crossfade;
          const into = j > 0 ? `segment ${j + 1}` : 'the repeats of segment 1';
          // crossfades end on the cut, so the incoming piece needs `xf` of source before its `from`
          if (joins && from - xf < 0) {
            sink.error('PA205', `cue '${id}': the crossfade into ${into} needs ${secs(xf)} of source before ${secs(from)}`, at([...sp, 'from']));
            return void (ok = false);
          }
          // ...and it plays over the end of the piece before the cut: the previous segment, or this one when it repeats
          const prev = edit![edit!.length - 1];
          const under = Math.min(prev ? prev.to - prev.from : Infinity, repeat > 1 ? to - from : Infinity);
          if (joins && xf > under) {
            sink.error('PA208', `cue '${id}': the crossfade into ${into} (${secs(xf)}) is longer than the segment it fades out of (${secs(under)})`, at(seg.crossfade !== undefined ? [...sp, 'crossfade'] : sp));
            return void (ok = false);
          }
          edit!.push({ from, to, repeat, crossfade: xf });
        });
      }
      const editLength = edit ? edit.reduce((n, s) => n + (s.to - s.from) * s.repeat, 0) : 0;

      if (src && inS !== undefined && outS !== undefined && !edit) {
        const secs = (n: number) => `${(n / sampleRate).toFixed(3)} s`;
        if (outS > src.frames && takes) {
          ok = false;
          sink.error('PA205', `event '${id}': take '${sourceId}' (${secs(src.frames)}) is shorter than the event (out ${secs(outS)})`, at([...p, 'out']));
        } else if (outS > src.frames) {
          ok = false;
          sink.error('PA205', `event '${id}': out ${secs(outS)} is past the end of source '${sourceId}' (${secs(src.frames)})`, at([...p, 'out']));
        } else if (inS >= src.frames) {
          ok = false;
          sink.error('PA205', `event '${id}': in ${secs(inS)} is past the end of source '${sourceId}' (${secs(src.frames)})`, at([...p, 'in']));
        } else if (outS <= inS) {
          ok = false;
          sink.error('PA206', `event '${id}': out (${secs(outS)}) must come after in (${secs(inS)})`, at([...p, e.out !== undefined ? 'out' : 'in']));
        } else if (fadeIn.length + fadeOut.length > outS - inS) {
          ok = false;
          sink.error('PA208', `event '${id}': fades (${secs(fadeIn.length)} + ${secs(fadeOut.length)}) are longer than the event (${secs(outS - inS)})`, at([...p, e.fade_in !== undefined ? 'fade_in' : 'fade_out']));
        }
      }
      const length = edit ? editLength : (outS ?? 0) - (inS ?? 0);
      if (edit && fadeIn.length + fadeOut.length > length) {
        ok = false;
        sink.error('PA208', `event '${id}': fades are longer than the edited cue`, at([...p, e.fade_in !== undefined ? 'fade_in' : 'fade_out']));
      }
      // Slip: the take slides against the picture (positive = later).
      if (e.slip !== undefined) {
        const slip = signedSamples(sound, e.slip, [...p, 'slip']);
        if (slip === undefined) ok = false;
        else if (start + slip < 0) {
          ok = false;
          sink.error('PA204', `event '${id}': slipping by ${String(e.slip)} moves it before the project start`, at([...p, 'slip']));
        } else start += slip;
      }
      const metres = (x: number, q: PathSeg[]) => {
        if (x > 0) return true;
        sink.error('PA106', `${label(q)}: a distance must be greater than 0 m (got ${x} m)`, at(q));
        return false;
      };
      const distance = e.distance === undefined ? null : resolveKeyframed(sound, e.distance, [...p, 'distance'], 'm', length, metres);
      if (distance === undefined) ok = false;
      const air = resolveAtmosphere(sound, e.atmosphere as Obj | undefined, [...p, 'atmosphere'], projectAir ?? DEFAULT_ATMOSPHERE);
      if (!air) ok = false;
      // kept only on events with a distance once automation is known (absorption, Doppler, delay)
      const atmosphere = air && (air.temperatureC !== 20 || air.relativeHumidity !== 50 || air.pressureKpa !== 101.325) ? air : null;
      // propagation delay: a static shift by the travel time (Doppler renders it per sample)
      if (e.delay === true && !e.doppler && distance !== undefined && distance !== null) {
        const d0 = typeof distance === 'number' ? distance : distance.value[0];
        start += Math.round((d0 / speedOfSound(air?.temperatureC ?? 20)) * sampleRate);
      } else if (e.delay === true && (distance === null || distance === undefined) && e.distance === undefined) {
        sink.error('PA104', `event '${id}': delay needs a distance`, at([...p, 'delay']));
        ok = false;
      }
      let distanceModel: ResolvedEvent['distanceModel'] = null;
      if (e.distance_model !== undefined) {
        const dm = e.distance_model as Obj;
        const mp: PathSeg[] = [...p, 'distance_model'];
        const metre = (raw: unknown, k: string, dflt: number) => {
          if (raw === undefined) return dflt;
          const q = parseAs(raw as string, ['m']);
          if ('error' in q || q.value <= 0) {
            sink.error('PA106', `${label([...mp, k])}: ${'error' in q ? q.error : 'must be greater than 0 m'}`, at([...mp, k]));
            ok = false;
            return dflt;
          }
          return q.value;
        };
        const refDistance = metre(dm.reference, 'reference', 1);
        const maxDistance = metre(dm.max, 'max', 10000);
        const model = (dm.model as 'inverse' | 'linear' | 'exponential' | undefined) ?? 'inverse';
        const rolloff = (dm.rolloff as number | undefined) ?? 1;
        if (model === 'linear' && rolloff > 1) {
          sink.error('PA106', `${label([...mp, 'rolloff'])}: a linear model's rolloff is at most 1`, at([...mp, 'rolloff']));
          ok = false;
        }
        if (maxDistance <= refDistance) {
          sink.error('PA106', `${label([...mp, 'max'])}: max must be beyond the reference distance`, at([...mp, 'max']));
          ok = false;
        }
        if (e.distance === undefined) {
          sink.error('PA104', `event '${id}': distance_model without a distance`, at(mp), 'add distance: (metres or keyframes)');
          ok = false;
        }
        distanceModel = { model, refDistance, rolloff, maxDistance };
      }
      let azimuthKeys: Keyframes | null = null;
      if (typeof e.pan === 'object' && e.pan !== null) {
        const k = resolveKeyframed(sound, e.pan, [...p, 'pan'], 'deg', length, (x, q) => {
          if (x >= -180 && x <= 180) return true;
          sink.error('PA106', `${label(q)}: ${x} deg is not an azimuth (-180 deg .. 180 deg)`, at(q));
          return false;
        });
        if (k === undefined) ok = false;
        else azimuthKeys = typeof k === 'number' ? { t: [0], value: [k] } : k;
      }
      const process = resolveChain(sound, e.process, [...p, 'process'], irOf);
      if (!process) ok = false;
      for (const step of process ?? []) {
        if (step.sidechain) {
          sink.error('PA212', `event '${id}': side-chain compression belongs on a bus`, at([...p, 'process']));
          ok = false;
        }
      }
      const sends = sendsOf(e.send, [...p, 'send']);
      let sendFollowsDistance: string | null = null;
      if (e.reverb !== undefined) {
        const r = String(e.reverb);
        if (!reverbs.has(r)) {
          const near = closest(r, reverbs.keys());
          sink.error('PA211', `event '${id}': send to unknown reverb '${r}'`, at([...p, 'reverb']), near ? `did you mean '${near}'?` : 'define it under reverbs:');
          ok = false;
        } else if (sends[r] === undefined) {
          // direct-to-reverberant balance: the diffuse field stays put while the direct sound falls
          // with distance; the level is set once automation is known (it may move the distance)
          sendFollowsDistance = r;
        }
      }
      if (e.license !== undefined && list !== 'music') {
        sink.error('PA401', `event '${id}': only music cues carry a license`, at([...p, 'license']));
        ok = false;
      }
      if (ok && src && inS !== undefined && outS !== undefined) {
        events.push({
          id,
          list,
          source: sourceId,
          start,
          in: edit ? 0 : inS,
          out: edit ? editLength : outS,
          gain,
          azimuth,
          lfe,
          divergence,
          fadeIn,
          fadeOut,
          bus: busId,
          process: process ?? [],
          distance: distance ?? null,
          doppler: Boolean(e.doppler),
          distanceModel,
          atmosphere,
          azimuthKeys,
          gainAutomation: null,
          sends,
          sendAutomation: {},
          sendFollowsDistance,
          edit,
          takes,
          license: (e.license as string | undefined) ?? null,
          usage: (e.usage as string | undefined) ?? null,
          loc,
        });
      }
    });
  }
  return events;
}
