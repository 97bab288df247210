/**
 * Resolving the sound-editing vocabulary: processor chains, restoration, distance and
 * keyframes, music edit lists, sends. Every value becomes numbers in SI units (Hz,
 * seconds, dB, samples); every problem becomes a diagnostic at its line.
 */
import type { DiagnosticSink, Loc } from './diagnostics.ts';
import type { PathSeg } from './load.ts';
import type { FrameRate } from './timecode.ts';
import { durationToSamples, parseAs, parseQuantity, type Unit } from './units.ts';

type Obj = Record<string, unknown>;

/** One processor of a chain, resolved. `params` are what the renderer's ProcessorDef takes. */
export interface ProcStep {
  name: 'eq' | 'compressor' | 'limiter' | 'gain' | 'reverb' | 'hum' | 'declick' | 'denoise';
  params: Record<string, unknown>;
  /** compressor side-chain: a bus id */
  sidechain?: string;
  /** reverb with an impulse response: the source-like file to read (absolute) and its content hash */
  ir?: { abs: string; rel: string; sha256: string; frames: number };
}

export interface Keyframes {
  /** sample offsets from the event's start, ascending */
  t: number[];
  value: number[];
}

export interface SoundContext {
  sink: DiagnosticSink;
  at: (p: PathSeg[]) => Loc;
  label: (p: PathSeg[]) => string;
  sampleRate: number;
  rate: FrameRate;
}

export function quantity(ctx: SoundContext, raw: unknown, p: PathSeg[], units: Unit[], opts: { min?: number; max?: number; what?: string } = {}): number | undefined {
  const q = typeof raw === 'number' && units.includes('%') ? { value: raw, unit: '%' as Unit } : parseAs(raw as string, units);
  if ('error' in q) {
    ctx.sink.error('PA106', `${ctx.label(p)}: ${q.error}`, ctx.at(p));
    return undefined;
  }
  if ((opts.min !== undefined && q.value < opts.min) || (opts.max !== undefined && q.value > opts.max)) {
    const range = opts.max === undefined ? `at least ${opts.min}` : opts.min === undefined ? `at most ${opts.max}` : `between ${opts.min} and ${opts.max}`;
    ctx.sink.error('PA106', `${ctx.label(p)}: ${opts.what ?? 'value'} must be ${range} ${q.unit === 'degC' ? '°C' : q.unit}`, ctx.at(p));
    return undefined;
  }
  return q.value;
}

export function seconds(ctx: SoundContext, raw: unknown, p: PathSeg[], fallback: number): number | undefined {
  if (raw === undefined) return fallback;
  if (raw === 0) return 0;
  const q = parseAs(raw as string, ['s', 'f']);
  if ('error' in q) {
    ctx.sink.error('PA106', `${ctx.label(p)}: ${q.error}`, ctx.at(p));
    return undefined;
  }
  if (q.value < 0) {
    ctx.sink.error('PA106', `${ctx.label(p)}: a duration cannot be negative`, ctx.at(p));
    return undefined;
  }
  return durationToSamples(q, ctx.sampleRate, ctx.rate) / ctx.sampleRate;
}

/** A signed duration in samples ("-2f", "15 ms"). */
export function signedSamples(ctx: SoundContext, raw: unknown, p: PathSeg[]): number | undefined {
  const text = String(raw).trim();
  const neg = text.startsWith('-') || text.startsWith('−');
  const q = parseAs(neg ? text.slice(1) : text.replace(/^\+/, ''), ['s', 'f']);
  if ('error' in q) {
    ctx.sink.error('PA106', `${ctx.label(p)}: ${q.error}`, ctx.at(p));
    return undefined;
  }
  const n = durationToSamples(q, ctx.sampleRate, ctx.rate);
  return neg ? -n : n;
}

const nyquistOk = (ctx: SoundContext, f: number | undefined, p: PathSeg[]) => {
  if (f === undefined) return undefined;
  if (f <= 0 || f >= ctx.sampleRate / 2) {
    ctx.sink.error('PA106', `${ctx.label(p)}: ${f} Hz is outside 0 .. ${ctx.sampleRate / 2} Hz (Nyquist at ${ctx.sampleRate} Hz)`, ctx.at(p));
    return undefined;
  }
  return f;
};

/** A `process:` chain. `resolveIr` turns an impulse-response path into a file reference (or reports). */
export function resolveChain(ctx: SoundContext, raw: unknown, p: PathSeg[], resolveIr: (path: string, at: PathSeg[]) => ProcStep['ir'] | undefined): ProcStep[] | undefined {
  if (raw === undefined) return [];
  const steps: ProcStep[] = [];
  let ok = true;
  (raw as Obj[]).forEach((item, i) => {
    const name = Object.keys(item)[0];
    const v = item[name];
    const q: PathSeg[] = [...p, i, name];
    const step = resolveStep(ctx, name, v, q, resolveIr);
    if (step) steps.push(step);
    else ok = false;
  });
  return ok ? steps : undefined;
}

function resolveStep(ctx: SoundContext, name: string, v: unknown, q: PathSeg[], resolveIr: (path: string, at: PathSeg[]) => ProcStep['ir'] | undefined): ProcStep | undefined {
  switch (name) {
    case 'gain': {
      const db = quantity(ctx, v, q, ['dB']);
      return db === undefined ? undefined : { name: 'gain', params: { db } };
    }
    case 'highpass': {
      const f = nyquistOk(ctx, quantity(ctx, v, q, ['Hz']), q);
      return f === undefined ? undefined : { name: 'eq', params: { bands: [{ type: 'highpass', freq: f, slope: 24 }] } };
    }
    case 'eq': {
      const bands: Obj[] = [];
      let ok = true;
      ((v as Obj).bands as Obj[]).forEach((b, j) => {
        const bp: PathSeg[] = [...q, 'bands', j];
        const freq = nyquistOk(ctx, quantity(ctx, b.freq, [...bp, 'freq'], ['Hz']), [...bp, 'freq']);
        const gainDb = b.gain === undefined ? undefined : quantity(ctx, b.gain, [...bp, 'gain'], ['dB']);
        if (b.q !== undefined && (b.q as number) <= 0) {
          ctx.sink.error('PA106', `${ctx.label([...bp, 'q'])}: Q must be greater than 0`, ctx.at([...bp, 'q']));
          ok = false;
        }
        const needsGain = ['peaking', 'lowshelf', 'highshelf'].includes(String(b.type));
        if (needsGain && b.gain === undefined) {
          ctx.sink.error('PA104', `${ctx.label(bp)}: a ${String(b.type)} band needs a gain`, ctx.at(bp));
          ok = false;
        }
        if (!needsGain && b.gain !== undefined) {
          ctx.sink.error('PA106', `${ctx.label([...bp, 'gain'])}: a ${String(b.type)} band takes no gain`, ctx.at([...bp, 'gain']));
          ok = false;
        }
        if (freq === undefined || (b.gain !== undefined && gainDb === undefined)) ok = false;
        bands.push({ type: b.type, freq, ...(b.q !== undefined && !(b.slope !== undefined && (b.slope as number) > 12) ? { q: b.q } : {}), ...(gainDb !== undefined ? { gainDb } : {}), ...(b.slope !== undefined ? { slope: b.slope } : {}) });
      });
      return ok ? { name: 'eq', params: { bands } } : undefined;
    }
    case 'compressor': {
      const c = v as Obj;
      const thresholdDb = quantity(ctx, c.threshold, [...q, 'threshold'], ['dB']);
      const ratio = c.ratio as number;
      if (ratio < 1) ctx.sink.error('PA106', `${ctx.label([...q, 'ratio'])}: ratio must be at least 1 (got ${ratio})`, ctx.at([...q, 'ratio']));
      const kneeDb = c.knee === undefined ? 0 : quantity(ctx, c.knee, [...q, 'knee'], ['dB'], { min: 0, what: 'knee' });
      const attackSec = seconds(ctx, c.attack, [...q, 'attack'], 0.01);
      const releaseSec = seconds(ctx, c.release, [...q, 'release'], 0.15);
      const makeupDb = c.makeup === undefined ? 0 : quantity(ctx, c.makeup, [...q, 'makeup'], ['dB']);
      if (thresholdDb === undefined || ratio < 1 || kneeDb === undefined || attackSec === undefined || releaseSec === undefined || makeupDb === undefined) return undefined;
      if (releaseSec <= 0) {
        ctx.sink.error('PA106', `${ctx.label([...q, 'release'])}: release must be longer than 0`, ctx.at([...q, 'release']));
        return undefined;
      }
      return {
        name: 'compressor',
        params: { thresholdDb, ratio, kneeDb, attackSec, releaseSec, makeupDb, detection: (c.detect as string | undefined) ?? 'peak' },
        ...(c.sidechain ? { sidechain: String(c.sidechain) } : {}),
      };
    }
    case 'limiter': {
      const c = v as Obj;
      const ceilingDb = quantity(ctx, c.ceiling, [...q, 'ceiling'], ['dBTP', 'dBFS', 'dB'], { max: 0, what: 'the ceiling' });
      const releaseSec = seconds(ctx, c.release, [...q, 'release'], 0.1);
      return ceilingDb === undefined || releaseSec === undefined ? undefined : { name: 'limiter', params: { ceilingDb, releaseSec } };
    }
    case 'reverb':
      return resolveReverbParams(ctx, v as Obj, q, resolveIr, true);
    default:
      ctx.sink.error('PA103', `${ctx.label(q)}: unknown processor '${name}'`, ctx.at(q));
      return undefined;
  }
}

/** Reverb parameters: algorithmic (decay) or convolution (ir). `insert`: dry passes at unity unless set. */
export function resolveReverbParams(ctx: SoundContext, r: Obj, q: PathSeg[], resolveIr: (path: string, at: PathSeg[]) => ProcStep['ir'] | undefined, insert: boolean): ProcStep | undefined {
  const wetDb = r.wet === undefined ? 0 : quantity(ctx, r.wet, [...q, 'wet'], ['dB']);
  const dryDb = r.dry === undefined ? (insert ? 0 : null) : quantity(ctx, r.dry, [...q, 'dry'], ['dB']);
  const preDelaySec = seconds(ctx, r.predelay, [...q, 'predelay'], 0);
  if (wetDb === undefined || dryDb === undefined || preDelaySec === undefined) return undefined;
  if ((r.decay === undefined) === (r.ir === undefined)) {
    ctx.sink.error('PA104', `${ctx.label(q)}: a reverb needs either decay (algorithmic) or ir (convolution), not both`, ctx.at(q));
    return undefined;
  }
  if (r.ir !== undefined) {
    const ir = resolveIr(String(r.ir), [...q, 'ir']);
    if (!ir) return undefined;
    return { name: 'reverb', params: { type: 'convolution', wetDb, dryDb, preDelaySec }, ir };
  }
  const decaySec = seconds(ctx, r.decay, [...q, 'decay'], 1);
  if (decaySec === undefined) return undefined;
  if (decaySec <= 0) {
    ctx.sink.error('PA106', `${ctx.label([...q, 'decay'])}: decay must be longer than 0`, ctx.at([...q, 'decay']));
    return undefined;
  }
  return { name: 'reverb', params: { type: 'algorithmic', decaySec, damping: (r.damping as number | undefined) ?? 0.3, size: (r.size as number | undefined) ?? 1, wetDb, dryDb, preDelaySec } };
}

/** `restore:` on a source: a processor chain run once on the whole source. */
export function resolveRestore(ctx: SoundContext, raw: Obj | undefined, p: PathSeg[], sourceFrames: number): ProcStep[] | undefined {
  if (!raw) return [];
  const steps: ProcStep[] = [];
  let ok = true;
  if (raw.highpass !== undefined) {
    const f = nyquistOk(ctx, quantity(ctx, raw.highpass, [...p, 'highpass'], ['Hz']), [...p, 'highpass']);
    if (f === undefined) ok = false;
    else steps.push({ name: 'eq', params: { bands: [{ type: 'highpass', freq: f, slope: 24 }] } });
  }
  if (raw.hum !== undefined) {
    const h = typeof raw.hum === 'object' ? (raw.hum as Obj) : { fundamental: raw.hum };
    const hp: PathSeg[] = typeof raw.hum === 'object' ? [...p, 'hum', 'fundamental'] : [...p, 'hum'];
    const fundamental = nyquistOk(ctx, quantity(ctx, h.fundamental, hp, ['Hz'], { min: 20, max: 1000, what: 'the hum fundamental' }), hp);
    const bandwidth = h.bandwidth === undefined ? 4 : quantity(ctx, h.bandwidth, [...p, 'hum', 'bandwidth'], ['Hz'], { min: 0.1, max: 50, what: 'the notch bandwidth' });
    if (fundamental === undefined || bandwidth === undefined) ok = false;
    else steps.push({ name: 'hum', params: { fundamental, harmonics: (h.harmonics as number | undefined) ?? 8, bandwidth } });
  }
  if (raw.declick !== undefined && raw.declick !== false) {
    const d = typeof raw.declick === 'object' ? (raw.declick as Obj) : {};
    const maxClickLength = seconds(ctx, d.max_length, [...p, 'declick', 'max_length'], 0.001);
    if (maxClickLength === undefined) ok = false;
    else steps.push({ name: 'declick', params: { sensitivity: (d.sensitivity as number | undefined) ?? 0.5, maxClickLength } });
  }
  if (raw.denoise !== undefined) {
    const d = raw.denoise as Obj;
    const pp: PathSeg[] = [...p, 'denoise', 'profile'];
    const m = /^\s*(.+?)\s*\.\.\s*(.+?)\s*$/.exec(String(d.profile));
    let range: [number, number] | undefined;
    if (!m) ctx.sink.error('PA106', `${ctx.label(pp)}: expected a time range of the source like "0 s..0.3 s"`, ctx.at(pp));
    else {
      const a = seconds(ctx, m[1], pp, 0);
      const b = seconds(ctx, m[2], pp, 0);
      if (a !== undefined && b !== undefined) {
        const from = Math.round(a * ctx.sampleRate);
        const to = Math.round(b * ctx.sampleRate);
        if (to - from < 4096) ctx.sink.error('PA106', `${ctx.label(pp)}: the noise profile needs at least ${(4096 / ctx.sampleRate).toFixed(3)} s of audio`, ctx.at(pp));
        else if (to > sourceFrames) ctx.sink.error('PA205', `${ctx.label(pp)}: the profile range ends past the end of the source (${(sourceFrames / ctx.sampleRate).toFixed(3)} s)`, ctx.at(pp));
        else range = [from, to];
      }
    }
    const reductionDb = d.reduction === undefined ? 12 : quantity(ctx, d.reduction, [...p, 'denoise', 'reduction'], ['dB'], { min: 0, max: 60, what: 'the reduction' });
    const sensitivity = d.sensitivity === undefined ? 6 : quantity(ctx, d.sensitivity, [...p, 'denoise', 'sensitivity'], ['dB'], { min: 0, max: 40, what: 'the sensitivity' });
    if (!range || reductionDb === undefined || sensitivity === undefined) ok = false;
    else steps.push({ name: 'denoise', params: { profileRange: range, reductionDb, sensitivity } });
  }
  return ok ? steps : undefined;
}

/** A value or keyframes ({ "0 s": "20 m", "4 s": "2 m" }) of one unit, within [0, length) of the event. */
export function resolveKeyframed(ctx: SoundContext, raw: unknown, p: PathSeg[], unit: Unit, length: number, check: (v: number, at: PathSeg[]) => boolean): Keyframes | number | undefined {
  if (typeof raw === 'string' || typeof raw === 'number') {
    const v = typeof raw === 'number' ? raw : quantity(ctx, raw, p, [unit]);
    return v !== undefined && check(v, p) ? v : undefined;
  }
  const o = raw as Obj;
  const t: number[] = [];
  const value: number[] = [];
  let ok = true;
  let prev = -1;
  for (const k of Object.keys(o)) {
    const q = parseQuantity(k);
    const at: PathSeg[] = [...p, k];
    if ('error' in q || (q.unit !== 's' && q.unit !== 'f')) {
      ctx.sink.error('PA106', `${ctx.label(at)}: keyframe time "${k}" must be a duration from the event's start, like "2 s" or "48f"`, ctx.at(at));
      ok = false;
      continue;
    }
    const n = durationToSamples(q, ctx.sampleRate, ctx.rate);
    if (n <= prev) {
      ctx.sink.error('PA209', `${ctx.label(at)}: keyframes must be in time order (${k} comes after a later one)`, ctx.at(at));
      ok = false;
    } else if (n > length) {
      ctx.sink.error('PA209', `${ctx.label(at)}: keyframe at ${k} is after the end of the event (${(length / ctx.sampleRate).toFixed(3)} s)`, ctx.at(at));
      ok = false;
    }
    prev = Math.max(prev, n);
    const v = quantity(ctx, o[k], at, [unit]);
    if (v === undefined || !check(v, at)) ok = false;
    t.push(n);
    value.push(v ?? 0);
  }
  return ok ? { t, value } : undefined;
}

/** The air (ISO 9613-1 conditions); null fields keep the default (20 °C, 50 %, 101.325 kPa). */
export interface Atmosphere {
  temperatureC: number;
  relativeHumidity: number;
  pressureKpa: number;
}
export const DEFAULT_ATMOSPHERE: Atmosphere = { temperatureC: 20, relativeHumidity: 50, pressureKpa: 101.325 };

/**
 * `atmosphere: { temperature, humidity, pressure }` over a base (the project's, or the default):
 * each key given replaces the base's. Ranges are those where the air-absorption filter is checked
 * against ISO 9613-1 (air-absorption.ts: within 0.5 dB for −10…40 °C, 10…100 %).
 */
export function resolveAtmosphere(ctx: SoundContext, raw: Obj | undefined, p: PathSeg[], base: Atmosphere): Atmosphere | undefined {
  if (!raw) return base;
  const t = raw.temperature === undefined ? base.temperatureC : quantity(ctx, raw.temperature, [...p, 'temperature'], ['degC'], { min: -20, max: 50, what: 'the air temperature' });
  const h = raw.humidity === undefined ? base.relativeHumidity : quantity(ctx, raw.humidity, [...p, 'humidity'], ['%'], { min: 1, max: 100, what: 'the relative humidity' });
  const pr = raw.pressure === undefined ? base.pressureKpa : quantity(ctx, raw.pressure, [...p, 'pressure'], ['kPa'], { min: 50, max: 110, what: 'the pressure' });
  if (t === undefined || h === undefined || pr === undefined) return undefined;
  return { temperatureC: t, relativeHumidity: h, pressureKpa: pr };
}
