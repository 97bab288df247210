/**
 * Resolve: turn the validated value into numbers. Units become samples and linear
 * gains, timecodes become timeline positions, source ids become probed files with
 * content hashes. Every problem found here is reported; nothing is thrown.
 */
import fs from 'node:fs';
import path from 'node:path';
import { WavError, probeWav } from '../io/index.ts';
import type { DiagnosticSink, Loc } from './diagnostics.ts';
import { confinementProblem, toPosix, type Loaded, type PathSeg } from './load.ts';
import {
  EVENT_LISTS,
  LAYOUT_CHANNELS,
  type Fade,
  type FadeCurve,
  type Layout,
  type ResolvedBus,
  type ResolvedEvent,
  type ResolvedMaster,
  type ResolvedProject,
  type ResolvedSource,
} from './model.ts';
import { frameRate, parseTimecode, framesToSamples, type FrameRate } from './timecode.ts';
import { dbToGain, durationToSamples, parseAs } from './units.ts';
import { closest, where } from './validate-schema.ts';
import { resolveMaster } from './resolve-master.ts';

export interface FileHash {
  sha256: string;
  size: number;
}
export type HashFile = (abs: string) => Promise<FileHash>;

type Obj = Record<string, unknown>;

export interface ResolveOptions {
  sink: DiagnosticSink;
  hashFile: HashFile;
}

/** Resolves a loaded, schema-valid project. Returns undefined when errors make a Plan impossible. */
export async function resolve(loaded: Loaded, { sink, hashFile }: ResolveOptions): Promise<ResolvedProject | undefined> {
  const v = loaded.value;
  const at = (p: PathSeg[]): Loc => loaded.locate(p);
  const proj = v.project as Obj;

  const rate = frameRate(String(proj.frame_rate)) as FrameRate; // the schema admits only known rates
  const sampleRate = proj.sample_rate as number;
  const startTc = parseTimecode(String(proj.start), rate);
  let startFrames = 0;
  if ('error' in startTc) sink.error('PA207', `project.start: ${startTc.error}`, at(['project', 'start']));
  else startFrames = startTc.frames;
  const startSamples = framesToSamples(startFrames, rate, sampleRate);

  const mediaRoots = ((proj.media_roots as string[] | undefined) ?? []).map((r) => path.resolve(loaded.root, r));

  // ---- sources: confined paths, probed headers, content hashes (in parallel, reported in id order)
  const sourceIds = Object.keys((v.sources as Obj | undefined) ?? {}).sort();
  const probed = await Promise.all(
    sourceIds.map(async (id) => {
      const raw = (v.sources as Obj)[id];
      const file = typeof raw === 'string' ? raw : String((raw as Obj).file);
      const locPath: PathSeg[] = typeof raw === 'string' ? ['sources', id] : ['sources', id, 'file'];
      const loc = at(locPath);
      const abs = path.resolve(path.dirname(loaded.definingFile('sources', id)), file);
      const rel = toPosix(path.relative(loaded.root, abs));
      const escape = confinementProblem(abs, loaded.root, mediaRoots);
      if (escape) {
        return { id, loc, error: { code: 'PA210', message: `source '${id}': ${file} ${escape}`, hint: 'list shared media folders in project.media_roots' } };
      }
      if (!fs.existsSync(abs)) {
        return { id, loc, error: { code: 'PA300', message: `source '${id}': file ${rel} does not exist`, hint: undefined } };
      }
      try {
        const info = probeWav(abs);
        const h = await hashFile(abs);
        const s: ResolvedSource = { id, abs, rel, sha256: h.sha256, size: h.size, sampleRate: info.sampleRate, channels: info.channels, frames: info.frames, loc };
        return { id, loc, source: s };
      } catch (err) {
        if (err instanceof WavError) {
          // the reader's messages start with the absolute path; the diagnostic names the file relative to the project
          const why = err.message.startsWith(`${abs}: `) ? err.message.slice(abs.length + 2) : err.message;
          return { id, loc, error: { code: err.code, message: `source '${id}' (${rel}): ${why}`, hint: undefined } };
        }
        return { id, loc, error: { code: 'PA301', message: `source '${id}' (${rel}) cannot be read: ${(err as Error).message}`, hint: undefined } };
      }
    }),
  );
  const sources = new Map<string, ResolvedSource>();
  const badSources = new Set<string>();
  for (const p of probed) {
    if ('error' in p && p.error) {
      sink.error(p.error.code, p.error.message, p.loc, p.error.hint);
      badSources.add(p.id);
      continue;
    }
    const s = (p as { source: ResolvedSource }).source;
    if (s.sampleRate !== sampleRate) {
      sink.error('PA305', `source '${s.id}' (${s.rel}) is ${s.sampleRate} Hz but the project is ${sampleRate} Hz`, s.loc, 'convert the file to the project rate; resampling is not supported yet');
      badSources.add(s.id);
      continue;
    }
    if (s.channels > 2) {
      sink.error('PA304', `source '${s.id}' (${s.rel}) has ${s.channels} channels; events take mono or stereo sources for now`, s.loc);
      badSources.add(s.id);
      continue;
    }
    sources.set(s.id, s);
  }

  // ---- buses
  const buses = new Map<string, ResolvedBus>();
  for (const id of Object.keys((v.buses as Obj | undefined) ?? {}).sort()) {
    const b = ((v.buses as Obj)[id] ?? {}) as Obj;
    buses.set(id, { id, stem: (b.stem as string | undefined) ?? null, gain: gainOf(b.gain, ['buses', id, 'gain']), loc: at(['buses', id]) });
  }

  /** "event 'd012': fade_in.length", "bus 'DX': gain": what a sound editor knows things by. */
  function label(p: PathSeg[]): string {
    if ((EVENT_LISTS as PathSeg[]).includes(p[0]) && typeof p[1] === 'number') {
      return `event '${String(((v[p[0]] as Obj[])[p[1]] ?? {}).id)}': ${p.slice(2).join('.')}`;
    }
    if (p[0] === 'buses') return `bus '${String(p[1])}': ${p.slice(2).join('.')}`;
    return where(loaded.localPath(p));
  }

  function gainOf(raw: unknown, p: PathSeg[]): number {
    if (raw === undefined) return 1;
    const q = parseAs(raw as string, ['dB']);
    if ('error' in q) {
      sink.error('PA106', `${label(p)}: ${q.error}`, at(p));
      return 1;
    }
    return dbToGain(q.value);
  }

  function durationOf(raw: unknown, p: PathSeg[]): number | undefined {
    if (raw === 0) return 0;
    const q = parseAs(raw as string, ['s', 'f']);
    if ('error' in q) {
      sink.error('PA106', `${label(p)}: ${q.error}`, at(p));
      return undefined;
    }
    if (q.value < 0) {
      sink.error('PA106', `${label(p)}: a duration cannot be negative`, at(p));
      return undefined;
    }
    return durationToSamples(q, sampleRate, rate);
  }

  function fadeOf(raw: unknown, p: PathSeg[]): Fade {
    if (raw === undefined) return { length: 0, curve: 'linear' };
    if (typeof raw === 'object' && raw !== null) {
      const o = raw as Obj;
      return { length: durationOf(o.length, [...p, 'length']) ?? 0, curve: ((o.curve as FadeCurve | undefined) ?? 'linear') };
    }
    return { length: durationOf(raw, p) ?? 0, curve: 'linear' };
  }

  /** Pan as an azimuth in degrees; a number −1..1 spans the front pair (±30°). */
  function azimuthOf(raw: unknown, p: PathSeg[]): number {
    if (raw === undefined) return 0;
    if (typeof raw === 'number') return raw * 30;
    const q = parseAs(raw as string, ['deg']);
    if ('error' in q) {
      sink.error('PA106', `${label(p)}: ${q.error}`, at(p));
      return 0;
    }
    if (q.value < -180 || q.value > 180) {
      sink.error('PA106', `${label(p)}: ${q.value} deg is not an azimuth (-180 deg .. 180 deg)`, at(p));
      return 0;
    }
    return q.value;
  }

  // ---- events
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
      const sourceId = String(e.source);
      const src = sources.get(sourceId);
      if (!src) {
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
      let start = 0;
      if ('error' in tc) {
        ok = false;
        sink.error('PA207', `event '${id}': at ${tc.error}`, at([...p, 'at']));
      } else if (tc.frames < startFrames) {
        ok = false;
        sink.error('PA204', `event '${id}' starts at ${String(e.at)}, before the project start ${String(proj.start)}`, at([...p, 'at']));
      } else {
        start = framesToSamples(tc.frames, rate, sampleRate) - startSamples;
      }

      const inS = e.in === undefined ? 0 : durationOf(e.in, [...p, 'in']);
      const outS = e.out === undefined ? src?.frames : durationOf(e.out, [...p, 'out']);
      if (inS === undefined || (e.out !== undefined && outS === undefined)) ok = false;
      const gain = gainOf(e.gain, [...p, 'gain']);
      const azimuth = azimuthOf(e.pan, [...p, 'pan']);
      const lfe = e.lfe === undefined ? 0 : gainOf(e.lfe, [...p, 'lfe']);
      const divergence = (e.divergence as number | undefined) ?? 0;
      const fadeIn = fadeOf(e.fade_in, [...p, 'fade_in']);
      const fadeOut = fadeOf(e.fade_out, [...p, 'fade_out']);

      if (src && inS !== undefined && outS !== undefined) {
        const secs = (n: number) => `${(n / sampleRate).toFixed(3)} s`;
        if (outS > src.frames) {
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
      if (ok && src && inS !== undefined && outS !== undefined) {
        events.push({ id, list, source: sourceId, start, in: inS, out: outS, gain, azimuth, lfe, divergence, fadeIn, fadeOut, bus: busId, loc });
      }
    });
  }

  // ---- master
  const hasDialogue = [...buses.values()].some((b) => b.stem === 'dialogue');
  const master = resolveMaster(v.master as Obj, sink, at, hasDialogue);
  if (events.length === 0 && !sink.hasErrors) {
    sink.error('PA209', 'the project has no events: there is nothing to render', at([]), 'add events under dialogue:, sfx:, foley: or music:');
  }

  if (sink.hasErrors) return undefined;
  return {
    formatVersion: 1,
    title: String(proj.title),
    sampleRate,
    frameRate: rate,
    startSamples,
    startTimecode: String(proj.start),
    date: (proj.date as string | undefined) ?? null,
    root: loaded.root,
    projectFile: loaded.projectFile.rel,
    sources,
    buses,
    events,
    master,
    files: loaded.files.map((f) => f.rel),
  };
}
