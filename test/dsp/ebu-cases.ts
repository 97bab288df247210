/**
 * EBU Tech 3341 / 3342 test signals, generated in memory from
 * shared/reference/ebu-test-cases.json (its `conventions` block defines each
 * signal kind), and the checks of each case's `expected` readings.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { expect } from 'vitest';
import type { LoudnessResult, LoudnessSeriesPoint, MeterOptions } from '../../src/renderers/dsp/loudness.ts';

export const CASES_URL = new URL('../../../shared/reference/ebu-test-cases.json', import.meta.url);

export interface Segment {
  dur_s: number;
  dbfs: number | null | (number | null)[];
}
export type Signal =
  | { kind: 'tones'; freq_hz: number; segments: Segment[] }
  | { kind: 'sine'; freq_div: number; amplitude: number; phase_deg: number; dur_s: number; fade_s: number }
  | {
      kind: 'burst4x';
      oversample: number;
      offset: number;
      base_div: number;
      base_amplitude: number;
      burst_div: number;
      burst_amplitude: number;
      burst_at_frame: number;
      dur_s: number;
      fade_s: number;
      lowpass: { type: 'kaiser-windowed-sinc'; taps: number; cutoff_hz: number; beta: number };
    };
export interface Bounds {
  value: number;
  min: number;
  max: number;
}
export interface Constant extends Bounds {
  from_s: number;
  to_s: number;
}
export interface PerSegment {
  segment_s: number;
  values: number[];
  tol: number;
}
export interface Expected {
  integrated_lufs?: Bounds;
  momentary_max_lufs?: Bounds;
  short_term_max_lufs?: Bounds;
  lra_lu?: Bounds;
  true_peak_dbtp?: Bounds;
  short_term_constant?: Constant;
  momentary_constant?: Constant;
  short_term_max_per_segment?: PerSegment;
  momentary_max_per_segment?: PerSegment;
}
export interface EbuCase {
  id: string;
  layout: string;
  channel_order: string[];
  sample_rate: number;
  format: string;
  description: string;
  signal: Signal;
  expected: Expected;
}

export function loadCases(): EbuCase[] {
  const doc = JSON.parse(readFileSync(CASES_URL, 'utf8')) as { cases: EbuCase[] };
  return doc.cases;
}

/** BS.1770-4 Table 3 weights by channel label: front 1.0, surround 1.41, LFE excluded. */
export function weightsFor(order: string[]): number[] {
  return order.map((label) => {
    if (['L', 'R', 'C'].includes(label)) return 1;
    if (label === 'LFE') return 0;
    if (['Ls', 'Rs', 'Lrs', 'Rrs', 'Lss', 'Rss'].includes(label)) return 1.41;
    throw new Error(`no BS.1770 weight for channel label ${label}`);
  });
}

export interface Audio {
  data: Float32Array;
  frames: number;
  channels: number;
  sampleRate: number;
}

/** pcm24 per the conventions: round to nearest, clip to [−2^23, 2^23 − 1], back to float. */
function pcm24(x: number): number {
  const q = Math.round(x * 8388608);
  return (q > 8388607 ? 8388607 : q < -8388608 ? -8388608 : q) / 8388608;
}

function linearFade(n: number, frames: number, fadeLen: number): number {
  if (fadeLen <= 0) return 1;
  return Math.min(1, n / fadeLen, (frames - 1 - n) / fadeLen);
}

/**
 * x[n] = A·sin(2π·f·n/fs), n from the first sample of the file, per-channel
 * level per segment. When fs/f is an integer the sine comes from a one-period
 * table (the 48 kHz, 1 kHz cases), which keeps 1000 s of test audio cheap.
 */
function tones(sig: Extract<Signal, { kind: 'tones' }>, channels: number, fs: number): Audio {
  const lens = sig.segments.map((s) => Math.round(s.dur_s * fs));
  const frames = lens.reduce((a, b) => a + b, 0);
  const data = new Float32Array(frames * channels);
  const period = fs / sig.freq_hz;
  const table = Number.isInteger(period) ? Float64Array.from({ length: period }, (_, n) => Math.sin((2 * Math.PI * n) / period)) : null;
  const w = (2 * Math.PI * sig.freq_hz) / fs;
  let n0 = 0;
  sig.segments.forEach((seg, k) => {
    const levels = Array.isArray(seg.dbfs) ? seg.dbfs : Array.from({ length: channels }, () => seg.dbfs as number | null);
    if (levels.length !== channels) throw new Error(`segment ${k}: ${levels.length} levels for ${channels} channels`);
    const amps = levels.map((db) => (db === null ? 0 : Math.pow(10, db / 20)));
    const end = n0 + lens[k]!;
    if (table) {
      // one quantised period per channel, copied out
      const q = amps.map((a) => Float32Array.from(table, (v) => pcm24(a * v)));
      for (let c = 0; c < channels; c++) {
        const qc = q[c]!;
        if (amps[c] === 0) continue;
        for (let n = n0, i = n0 % period, j = n0 * channels + c; n < end; n++, j += channels) {
          data[j] = qc[i]!;
          if (++i === period) i = 0;
        }
      }
    } else if (amps.some((a) => a !== 0)) {
      for (let n = n0; n < end; n++) {
        const s = Math.sin(w * n);
        for (let c = 0; c < channels; c++) data[n * channels + c] = pcm24(amps[c]! * s);
      }
    }
    n0 = end;
  });
  return { data, frames, channels, sampleRate: fs };
}

/** x[n] = amplitude·sin(2πn/freq_div + phase) with linear fades, on every channel. */
function sine(sig: Extract<Signal, { kind: 'sine' }>, channels: number, fs: number): Audio {
  const frames = Math.round(sig.dur_s * fs);
  const fade = Math.round(sig.fade_s * fs);
  const data = new Float32Array(frames * channels);
  const ph = (sig.phase_deg * Math.PI) / 180;
  for (let n = 0; n < frames; n++) {
    const v = pcm24(sig.amplitude * Math.sin((2 * Math.PI * n) / sig.freq_div + ph) * linearFade(n, frames, fade));
    for (let c = 0; c < channels; c++) data[n * channels + c] = v;
  }
  return { data, frames, channels, sampleRate: fs };
}

function besselI0(x: number): number {
  let sum = 1;
  let term = 1;
  for (let k = 1; k < 200 && term > sum * 1e-17; k++) {
    term *= (x * x) / (4 * k * k);
    sum += term;
  }
  return sum;
}

const burstCache = new Map<string, { x4: Float64Array; h: Float64Array }>();

/**
 * Cases 20–23: base sine at fs/base_div, one period of a sine at
 * fs/burst_div from output frame burst_at_frame (both starting at phase 0 at
 * the splice points, so the base restarts at phase 0 after the burst), linear
 * fades, synthesized at oversample·fs; then the JSON's Kaiser windowed-sinc
 * low-pass (zero delay, unity DC gain) and decimation y[m] = x4f[L·m + offset].
 */
function burst4x(sig: Extract<Signal, { kind: 'burst4x' }>, channels: number, fs: number): Audio {
  const L = sig.oversample;
  const frames = Math.round(sig.dur_s * fs);
  const key = JSON.stringify({ ...sig, offset: 0, fs });
  let cached = burstCache.get(key);
  if (!cached) {
    const N4 = frames * L;
    const fade4 = Math.round(sig.fade_s * fs * L);
    const b0 = sig.burst_at_frame * L;
    const burstLen = sig.burst_div * L;
    const basePeriod = sig.base_div * L;
    const x4 = new Float64Array(N4);
    for (let n = 0; n < N4; n++) {
      let v: number;
      if (n < b0) v = sig.base_amplitude * Math.sin((2 * Math.PI * n) / basePeriod);
      else if (n < b0 + burstLen) v = sig.burst_amplitude * Math.sin((2 * Math.PI * (n - b0)) / burstLen);
      else v = sig.base_amplitude * Math.sin((2 * Math.PI * (n - b0 - burstLen)) / basePeriod);
      x4[n] = v * linearFade(n, N4, fade4);
    }
    const { taps, cutoff_hz, beta } = sig.lowpass;
    const M = (taps - 1) / 2;
    const fc = cutoff_hz / (fs * L); // cycles per oversampled sample
    const h = new Float64Array(taps);
    let sum = 0;
    const i0b = besselI0(beta);
    for (let k = 0; k < taps; k++) {
      const u = k - M;
      const r = u / M;
      const sinc = u === 0 ? 2 * fc : Math.sin(2 * Math.PI * fc * u) / (Math.PI * u);
      h[k] = sinc * (besselI0(beta * Math.sqrt(Math.max(0, 1 - r * r))) / i0b);
      sum += h[k]!;
    }
    for (let k = 0; k < taps; k++) h[k] = h[k]! / sum;
    cached = { x4, h };
    burstCache.set(key, cached);
  }
  const { x4, h } = cached;
  const M = (h.length - 1) / 2;
  // Where the filter's window sees only the steady base sine (away from the
  // fades and the burst), the zero-phase filter output is exactly
  // H(ω)·base, H(ω) = Σ h[k]·cos(ω(k − M)); compute it so, and convolve
  // directly everywhere else. Same samples, ~100× less work.
  const N4 = x4.length;
  const fade4 = Math.round(sig.fade_s * fs * L);
  const b0 = sig.burst_at_frame * L;
  const b1 = b0 + sig.burst_div * L;
  const w = (2 * Math.PI) / (sig.base_div * L);
  let H = 0;
  for (let k = 0; k < h.length; k++) H += h[k]! * Math.cos(w * (k - M));
  const data = new Float32Array(frames * channels);
  for (let m = 0; m < frames; m++) {
    const c0 = m * L + sig.offset;
    let acc = 0;
    const lo = c0 - M;
    const hi = c0 + M;
    if (lo >= fade4 && hi <= N4 - 1 - fade4 && (hi < b0 || lo >= b1)) {
      acc = H * sig.base_amplitude * Math.sin(w * (hi < b0 ? c0 : c0 - b1));
    } else {
      const kLo = Math.max(0, c0 + M - (N4 - 1));
      const kHi = Math.min(h.length - 1, c0 + M);
      for (let k = kLo; k <= kHi; k++) acc += h[k]! * x4[c0 + M - k]!;
    }
    const v = pcm24(acc);
    for (let c = 0; c < channels; c++) data[m * channels + c] = v;
  }
  return { data, frames, channels, sampleRate: fs };
}

/** The case's signal at its own rate, or at `sampleRate` for rate variants (tones and sine only). */
export function generate(c: EbuCase, sampleRate = c.sample_rate): Audio {
  const channels = c.channel_order.length;
  if (c.format !== 'pcm24') throw new Error(`${c.id}: unknown format ${c.format}`);
  switch (c.signal.kind) {
    case 'tones':
      return tones(c.signal, channels, sampleRate);
    case 'sine':
      return sine(c.signal, channels, sampleRate);
    case 'burst4x':
      return burst4x(c.signal, channels, sampleRate);
  }
}

export function meterOptions(c: EbuCase, audio: Audio, extra: Partial<MeterOptions> = {}): MeterOptions {
  return {
    sampleRate: audio.sampleRate,
    channels: audio.channels,
    weights: weightsFor(c.channel_order),
    truePeak: c.expected.true_peak_dbtp !== undefined,
    series: Object.keys(c.expected).some((k) => k.endsWith('_constant') || k.endsWith('_per_segment')),
    ...extra,
  };
}

/** A recorded reading: a number, a [min, max] pair for *_constant, or per-segment maxima. */
export type Measured = number | null | (number | null)[];

function inBounds(label: string, v: number | null, b: { min: number; max: number }): void {
  expect(v, `${label} is null`).not.toBeNull();
  expect(v!, `${label} = ${v} below ${b.min}`).toBeGreaterThanOrEqual(b.min);
  expect(v!, `${label} = ${v} above ${b.max}`).toBeLessThanOrEqual(b.max);
}

function seriesValues(series: LoudnessSeriesPoint[], field: 'momentary' | 'shortTerm', from: number, to: number): (number | null)[] {
  const eps = 1e-9;
  return series.filter((p) => p.t >= from - eps && p.t <= to + eps).map((p) => p[field]);
}

/** Highest reading among windows ending in each segment (k·seg, (k+1)·seg]. */
function perSegmentMax(series: LoudnessSeriesPoint[], field: 'momentaryMax' | 'shortTermMax', seg: number, count: number): (number | null)[] {
  const out: (number | null)[] = Array.from({ length: count }, () => null);
  for (const p of series) {
    const k = Math.ceil(p.t / seg - 1e-9) - 1;
    const v = p[field];
    if (k < 0 || k >= count || v === null) continue;
    if (out[k] === null || v > out[k]!) out[k] = v;
  }
  return out;
}

/**
 * Asserts every expected reading of the case within its [min, max] bounds
 * and returns the measured values keyed as in `expected`.
 */
export function checkExpected(c: EbuCase, r: LoudnessResult): Record<string, Measured> {
  const measured: Record<string, Measured> = {};
  for (const [key, exp] of Object.entries(c.expected) as [keyof Expected, unknown][]) {
    const label = `${c.id} ${key}`;
    switch (key) {
      case 'integrated_lufs':
      case 'momentary_max_lufs':
      case 'short_term_max_lufs':
      case 'lra_lu':
      case 'true_peak_dbtp': {
        const v = {
          integrated_lufs: r.integrated,
          momentary_max_lufs: r.momentaryMax,
          short_term_max_lufs: r.shortTermMax,
          lra_lu: r.lra,
          true_peak_dbtp: r.truePeak,
        }[key];
        inBounds(label, v, exp as Bounds);
        measured[key] = v;
        break;
      }
      case 'short_term_constant':
      case 'momentary_constant': {
        const b = exp as Constant;
        const vals = seriesValues(r.series!, key === 'momentary_constant' ? 'momentary' : 'shortTerm', b.from_s, b.to_s);
        expect(vals.length, `${label}: readings in [${b.from_s}, ${b.to_s}] s`).toBeGreaterThan(0);
        vals.forEach((v, i) => inBounds(`${label} reading ${i}`, v, b));
        const nums = vals as number[];
        measured[key] = [Math.min(...nums), Math.max(...nums)];
        break;
      }
      case 'short_term_max_per_segment':
      case 'momentary_max_per_segment': {
        const p = exp as PerSegment;
        const field = key === 'momentary_max_per_segment' ? 'momentaryMax' : 'shortTermMax';
        const got = perSegmentMax(r.series!, field, p.segment_s, p.values.length);
        got.forEach((v, k) => inBounds(`${label} segment ${k}`, v, { min: p.values[k]! - p.tol, max: p.values[k]! + p.tol }));
        measured[key] = got;
        break;
      }
      default:
        throw new Error(`${label}: unknown expected reading (teach the test about it)`);
    }
  }
  return measured;
}

/** Drift detector (STYLE.md #12): measured values must stay within ±tol of the recorded ones. */
export function checkRecorded(id: string, measured: Record<string, Measured>, recorded: Record<string, Record<string, Measured>>, tol = 0.01): void {
  const rec = recorded[id];
  expect(rec, `${id}: no recorded values (run with UPDATE_SNAPSHOTS=1 and review the diff)`).toBeDefined();
  expect(Object.keys(measured).sort()).toEqual(Object.keys(rec!).sort());
  for (const [key, v] of Object.entries(measured)) {
    const want = rec![key];
    const a = Array.isArray(v) ? v : [v];
    const b = Array.isArray(want) ? want : [want];
    expect(a.length, `${id} ${key}`).toBe(b.length);
    a.forEach((x, i) => {
      expect(x, `${id} ${key}[${i}]`).not.toBeNull();
      expect(Math.abs(x! - (b[i] as number)), `${id} ${key}[${i}] = ${x}, recorded ${b[i]}`).toBeLessThanOrEqual(tol);
    });
  }
}

const round = (v: Measured): Measured =>
  Array.isArray(v) ? v.map((x) => (x === null ? null : Math.round(x * 1e4) / 1e4)) : v === null ? null : Math.round(v * 1e4) / 1e4;

export function loadRecorded(url: URL): Record<string, Record<string, Measured>> {
  try {
    return JSON.parse(readFileSync(url, 'utf8')) as Record<string, Record<string, Measured>>;
  } catch {
    return {};
  }
}

/** Writes recorded values (4 decimals), only when UPDATE_SNAPSHOTS=1. */
export function saveRecorded(url: URL, all: Record<string, Record<string, Measured>>): void {
  const out: Record<string, Record<string, Measured>> = {};
  for (const id of Object.keys(all)) {
    out[id] = {};
    for (const key of Object.keys(all[id]!).sort()) out[id]![key] = round(all[id]![key]!);
  }
  writeFileSync(url, JSON.stringify(out, null, 1) + '\n');
}

export const UPDATE = process.env['UPDATE_SNAPSHOTS'] === '1';
