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
  type Fade,
  type FadeCurve,
  type ResolvedBus,
  type ResolvedMaster,
  type ResolvedProject,
  type ResolvedReverb,
  type ResolvedSource,
} from './model.ts';
import { frameRate, parseTimecode, framesToSamples, type FrameRate } from './timecode.ts';
import { dbToGain, durationToSamples, parseAs } from './units.ts';
import { closest, where } from './validate-schema.ts';
import { resolveLicenses } from './resolve-licenses.ts';
import { resolveAutomation } from './resolve-automation.ts';
import { resolveEvents } from './resolve-events.ts';
import { resolveMaster } from './resolve-master.ts';
import { pictureResolver, type PictureOptions } from './resolve-picture.ts';
import { DEFAULT_ATMOSPHERE, resolveAtmosphere, resolveChain, resolveRestore, resolveReverbParams, type ProcStep, type SoundContext } from './resolve-sound.ts';
import { reverbSendGain, SEND_CRITICAL_DISTANCE } from '../renderers/dsp/distance.ts';
import { resampledLength } from '../renderers/dsp/resample.ts';

export interface FileHash {
  sha256: string;
  size: number;
}
export type HashFile = (abs: string) => Promise<FileHash>;

type Obj = Record<string, unknown>;

export interface ResolveOptions {
  sink: DiagnosticSink;
  hashFile: HashFile;
  /** Picture lock override and record (conform). */
  picture?: PictureOptions;
}

/**
 * Reverb send level for an event at distance d (m), tapped after the distance model: the
 * direct sound falls by the inverse law while a room's diffuse field stays about constant,
 * so relative to the direct sound the send rises 6 dB per doubling of distance, reaching
 * 0 dB at the critical distance (5 m) and holding there (dsp/distance.ts reverbSendGain).
 */
export function reverbSendLevel(d: number, criticalDistance = SEND_CRITICAL_DISTANCE): number {
  return reverbSendGain(Math.max(d, 1e-3), { criticalDistance });
}

/** Resolves a loaded, schema-valid project. Returns undefined when errors make a Plan impossible. */
export async function resolve(loaded: Loaded, { sink, hashFile, picture: pictureOptions }: ResolveOptions): Promise<ResolvedProject | undefined> {
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
  const picture = pictureResolver(loaded, { sink, rate, sampleRate, startSamples, mediaRoots, options: pictureOptions });
  const sound: SoundContext = { sink, at, label: (p) => label(p), sampleRate, rate };
  const projectAir = resolveAtmosphere(sound, proj.atmosphere as Obj | undefined, ['project', 'atmosphere'], DEFAULT_ATMOSPHERE);
  /** Impulse responses: confined like sources, must be WAV at the project rate; hashed below for the keys. */
  const irs: NonNullable<ProcStep['ir']>[] = [];
  const irOf = (file: string, p: PathSeg[]): ProcStep['ir'] | undefined => {
    const abs = path.resolve(path.dirname(loaded.definingFile(String(p[0]), p[1])), file);
    const rel = toPosix(path.relative(loaded.root, abs));
    const escape = confinementProblem(abs, loaded.root, mediaRoots);
    if (escape) {
      sink.error('PA210', `${label(p)}: ${file} ${escape}`, at(p));
      return undefined;
    }
    if (!fs.existsSync(abs)) {
      sink.error('PA300', `${label(p)}: impulse response ${rel} does not exist`, at(p));
      return undefined;
    }
    let irFrames = 0;
    try {
      const info = probeWav(abs);
      irFrames = info.frames;
      if (info.sampleRate !== sampleRate) {
        sink.error('PA305', `${label(p)}: impulse response ${rel} is ${info.sampleRate} Hz; it must be at the project rate (${sampleRate} Hz)`, at(p));
        return undefined;
      }
    } catch (err) {
      sink.error(err instanceof WavError ? err.code : 'PA301', `${label(p)}: impulse response ${rel} is not usable audio: ${(err as Error).message.replace(`${abs}: `, '')}`, at(p));
      return undefined;
    }
    const ir = { abs, rel, sha256: '', frames: irFrames };
    irs.push(ir);
    return ir;
  };

  /** `master.layback`: the picture reference (confined, must exist) and a deliverable to lay back. */
  const resolveLayback = (lb: Obj, deliverables: ResolvedMaster['deliverables']): ResolvedMaster['layback'] => {
    const p: PathSeg[] = ['master', 'layback'];
    const file = String(lb.video);
    const abs = path.resolve(path.dirname(loaded.definingFile('master', 'layback')), file);
    const rel = toPosix(path.relative(loaded.root, abs));
    const escape = confinementProblem(abs, loaded.root, mediaRoots);
    let ok = true;
    if (escape) {
      sink.error('PA210', `master.layback.video: ${file} ${escape}`, at([...p, 'video']), 'list shared media folders in project.media_roots');
      ok = false;
    } else if (!fs.existsSync(abs) || !fs.statSync(abs).isFile()) {
      sink.error('PA300', `master.layback.video: the picture reference ${rel} does not exist`, at([...p, 'video']));
      ok = false;
    }
    const full = deliverables.filter((d) => !d.stems && !d.mix);
    const name = lb.deliverable === undefined ? undefined : String(lb.deliverable);
    const chosen = name !== undefined ? deliverables.find((d) => d.name === name) : (full.find((d) => d.layout === 'stereo') ?? full.find((d) => d.layout === '5.1'));
    if (!chosen || chosen.stems) {
      const names = full.map((d) => d.name);
      if (name !== undefined) {
        const near = closest(name, names);
        sink.error('PA216', `master.layback: ${chosen ? `'${name}' writes one file per stem; lay back a single mix` : `no deliverable named '${name}'`}`, at([...p, 'deliverable']), near && !chosen ? `did you mean '${near}'?` : `deliverables: ${names.join(', ')}`);
      } else sink.error('PA216', 'master.layback: no stereo or 5.1 mix to lay back; name one with deliverable:', at(p), `deliverables: ${names.join(', ')}`);
      ok = false;
    }
    if (!ok || !chosen) return null;
    const movie = lb.file === undefined ? `${path.basename(abs, path.extname(abs))}.${chosen.name}.mov` : String(lb.file);
    return { video: abs, videoRel: rel, sha256: '', deliverable: chosen.name, file: movie, loc: at(p) };
  };

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
        const frames = info.sampleRate === sampleRate ? info.frames : resampledLength(info.frames, info.sampleRate, sampleRate);
        const s: ResolvedSource = { id, abs, rel, sha256: h.sha256, size: h.size, sampleRate: info.sampleRate, channels: info.channels, frames, fileFrames: info.frames, restore: [], loc };
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
    if (s.sampleRate < 8000 || s.sampleRate > 384000) {
      sink.error('PA305', `source '${s.id}' (${s.rel}) is ${s.sampleRate} Hz; sources from 8 kHz to 384 kHz are converted to the project rate`, s.loc);
      badSources.add(s.id);
      continue;
    }
    if (s.channels > 2) {
      sink.error('PA304', `source '${s.id}' (${s.rel}) has ${s.channels} channels; events take mono or stereo sources for now`, s.loc);
      badSources.add(s.id);
      continue;
    }
    const raw = (v.sources as Obj)[s.id];
    if (typeof raw === 'object' && raw !== null && (raw as Obj).restore !== undefined) {
      const steps = resolveRestore(sound, (raw as Obj).restore as Obj, ['sources', s.id, 'restore'], s.frames);
      if (!steps) {
        badSources.add(s.id);
        continue;
      }
      s.restore = steps;
    }
    sources.set(s.id, s);
  }

  // ---- reverbs: shared return buses
  const reverbs = new Map<string, ResolvedReverb>();
  for (const id of Object.keys((v.reverbs as Obj | undefined) ?? {}).sort()) {
    const r = (v.reverbs as Obj)[id] as Obj;
    const step = resolveReverbParams(sound, r, ['reverbs', id], irOf, false);
    if (step) reverbs.set(id, { id, step, stem: (r.stem as string | undefined) ?? 'effects', gain: gainOf(r.gain, ['reverbs', id, 'gain']), gainAutomation: null, loc: at(['reverbs', id]) });
  }
  const sendsOf = (raw: unknown, p: PathSeg[]): Record<string, number> => {
    const out: Record<string, number> = {};
    for (const [k, g] of Object.entries((raw as Obj | undefined) ?? {})) {
      if (!reverbs.has(k) && !((v.reverbs as Obj | undefined) ?? {})[k]) {
        const near = closest(k, reverbs.keys());
        sink.error('PA211', `${label([...p, k])}: send to unknown reverb '${k}'`, loaded.locateKey([...p, k]), near ? `did you mean '${near}'?` : 'define it under reverbs:');
        continue;
      }
      out[k] = gainOf(g, [...p, k]);
    }
    return out;
  };

  // ---- buses
  const buses = new Map<string, ResolvedBus>();
  for (const id of Object.keys((v.buses as Obj | undefined) ?? {}).sort()) {
    const b = ((v.buses as Obj)[id] ?? {}) as Obj;
    buses.set(id, {
      id,
      stem: (b.stem as string | undefined) ?? null,
      gain: gainOf(b.gain, ['buses', id, 'gain']),
      process: resolveChain(sound, b.process, ['buses', id, 'process'], irOf) ?? [],
      sends: sendsOf(b.send, ['buses', id, 'send']),
      sendAutomation: {},
      gainAutomation: null,
      loc: at(['buses', id]),
    });
  }
  for (const b of buses.values()) {
    for (const step of b.process) {
      if (step.sidechain && !buses.has(step.sidechain)) {
        sink.error('PA203', `bus '${b.id}': compressor side-chain from unknown bus '${step.sidechain}'`, at(['buses', b.id, 'process']));
      } else if (step.sidechain === b.id) {
        sink.error('PA212', `bus '${b.id}': a compressor cannot side-chain from its own bus`, at(['buses', b.id, 'process']));
      }
    }
  }
  if (reverbs.size && buses.size) {
    for (const r of reverbs.keys()) {
      if (buses.has(r)) sink.error('PA201', `'${r}' is both a bus and a reverb`, at(['reverbs', r]));
    }
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
  const events = resolveEvents({ loaded, v, sink, at, label, sound, rate, sampleRate, startFrames, startSamples, sources, badSources, buses, reverbs, picture, irOf, projectAir, sendsOf, gainOf, durationOf, fadeOf, azimuthOf });

  // ---- automation: breakpoints on an event's or a bus's parameters
  const byId = new Map(events.map((e) => [e.id, e]));
  const eventPath = new Map<string, PathSeg[]>();
  for (const list of EVENT_LISTS) ((v[list] as Obj[] | undefined) ?? []).forEach((e, i) => eventPath.set(String(e.id), [list, i]));
  resolveAutomation(v.automation as Obj[] | undefined, {
    sink,
    at,
    rate,
    sampleRate,
    startSamples,
    events: byId,
    eventIds: new Set(eventPath.keys()),
    buses,
    reverbs,
    rawProcess: (kind, id) => {
      if (kind === 'bus') return (((v.buses as Obj)[id] ?? {}) as Obj).process as Obj[] | undefined;
      const ep = eventPath.get(id)!;
      return ((v[ep[0] as string] as Obj[])[ep[1] as number] as Obj).process as Obj[] | undefined;
    },
  });
  // a send set by `reverb:` follows the event's distance (its keyframes, or automation of it);
  // only an event with a distance travels through the air
  for (const e of events) {
    if (e.distance === null) {
      const ep = eventPath.get(e.id)!;
      if (((v[ep[0] as string] as Obj[])[ep[1] as number] as Obj).atmosphere !== undefined) {
        sink.error('PA104', `event '${e.id}': atmosphere without a distance`, at([...ep, 'atmosphere']), 'add distance: (metres or keyframes), or automate it');
      }
      e.atmosphere = null;
    }
    if (!e.sendFollowsDistance) continue;
    const d = e.distance;
    if (d !== null && typeof d === 'object') e.sends[e.sendFollowsDistance] = 1;
    else e.sends[e.sendFollowsDistance] = reverbSendLevel(d ?? 1);
  }

  // ---- music licenses
  const licenses = resolveLicenses(v, events, eventPath, { sink, at, sampleRate, rate });

  // ---- picture: anchored events trimmed at their shot's cuts
  picture.place(events);

  // ---- master
  const stemNames = new Set([...buses.values()].map((b) => b.stem).filter((x): x is string => x !== null));
  for (const r of reverbs.values()) stemNames.add(r.stem);
  const master = resolveMaster(v.master as Obj, sink, at, stemNames);
  const lb = (v.master as Obj).layback as Obj | undefined;
  if (lb) master.layback = resolveLayback(lb, master.deliverables);
  if (events.length === 0 && !sink.hasErrors) {
    sink.error('PA209', 'the project has no events: there is nothing to render', at([]), 'add events under dialogue:, sfx:, foley: or music:');
  }

  for (const ir of irs) ir.sha256 = (await hashFile(ir.abs)).sha256;
  if (master.layback) master.layback.sha256 = (await hashFile(master.layback.video)).sha256;
  if (sink.hasErrors) return undefined;
  return {
    formatVersion: 1,
    title: String(proj.title),
    release: (proj.release as string | undefined) ?? null,
    production: (proj.production as string | undefined) ?? null,
    sampleRate,
    frameRate: rate,
    startSamples,
    startTimecode: String(proj.start),
    date: (proj.date as string | undefined) ?? null,
    root: loaded.root,
    projectFile: loaded.projectFile.rel,
    sources,
    buses,
    reverbs,
    licenses,
    events,
    master,
    files: loaded.files.map((f) => f.rel),
  };
}
