/**
 * Streaming loudness meter: ITU-R BS.1770-4, EBU R 128, EBU Tech 3341 (M, S, I,
 * true peak) and Tech 3342 (LRA).
 *
 * Signal flow per sample n (BS.1770-4 Annex 1, eq. (1)–(2)):
 *   y_i[n] = K-weighted channel i                       (k-weighting.ts)
 *   e[n]   = Σ_i G_i · y_i[n]²                           G_i: channel weights
 *   L(window) = −0.691 + 10·log10( (1/N) Σ_{n in window} e[n] )   [LUFS]
 *
 * Windows (T_g in BS.1770 terms), with one 100 ms step = round(fs/10) samples:
 *   momentary  M: 400 ms = 4 steps,   short-term S: 3 s = 30 steps.
 *
 * - Max M and max S are taken over windows ending at EVERY sample (Tech 3341
 *   cases 10 and 13: a maximum must not depend on where a burst falls against
 *   a block grid). Window sums are computed exactly, without a subtracting
 *   running sum (which drifts and never returns to zero): time is cut into
 *   chunks of N samples at fixed absolute positions; a window ending at chunk
 *   index i is the prefix sum of the current chunk up to i plus the suffix sum
 *   of the previous chunk from i + 1, and the suffix sums are built in one
 *   backward pass when a chunk completes. Cost: ~2 adds per sample per window,
 *   N float64 of memory per window; every sum has only non-negative terms, so
 *   silence reads exactly 0 (→ null).
 * - Integrated I (BS.1770-4 §2.2 eq. (4)–(7)): gating blocks of 400 ms every
 *   100 ms (75 % overlap), i.e. the momentary windows ending on the 100 ms
 *   grid, counted from the first sample. Their mean energies are logged (one
 *   float64 per 100 ms: 36,000 per hour). Absolute gate Γ_a = −70 LUFS, then
 *   relative gate Γ_r = (loudness of the blocks above Γ_a) − 10 LU; I is the
 *   loudness of the mean energy of the blocks above both (l_j > Γ, strict).
 * - LRA (Tech 3342 §3): short-term values on the 100 ms grid (10 Hz) from the
 *   first full 3 s window; absolute gate −70 LUFS, relative gate −20 LU below
 *   the power mean of the absolutely gated values; LRA = L95 − L10 of the rest,
 *   percentiles by nearest rank on the sorted energies, index
 *   ⌊(n − 1)·p + 0.5⌋ (0-based), as libebur128 does (libebur128 keeps values
 *   equal to a gate, we drop them as BS.1770 writes l > Γ: only exact ties
 *   differ).
 * - Sample peak max|x| and true peak (true-peak.ts, BS.1770-4 Annex 2) per
 *   channel, in dB = 20·log10.
 *
 * Processing: the input is cut at the 100 ms grid; each span is K-filtered two
 * channels per pass (kWeightChannelPair: the biquad recursions are
 * latency-bound, two independent ones overlap), the weighted squares summed
 * into one float64 energy array, then the windows slide over it sample by
 * sample, and the true-peak kernel reads each channel's span.
 *
 * Determinism: every step above happens at absolute sample positions, so any
 * split of the input into process() calls gives bit-identical results.
 * process() allocates nothing, except one 4096-value page of the 100 ms logs
 * every 409.6 s of audio (and of the series, when kept). Non-finite input
 * throws; the meter is unusable afterwards.
 */

import {
  flushTinyState,
  K_WEIGHTING_STATE_SIZE,
  kWeightChannel,
  kWeightChannelPair,
  kWeightingCoefficients,
  type KWeightingCoefficients,
} from './k-weighting.ts';
import {
  createTruePeakState,
  designTruePeakFilter,
  oversamplingFactor,
  truePeakFinal,
  truePeakProcess,
  type TruePeakState,
} from './true-peak.ts';

export interface MeterOptions {
  sampleRate: number;
  channels: number;
  /**
   * G_i per channel. Default by channel count (WAV channel order):
   * 1, 2 → 1.0 each; 3 (L R C) → 1.0; 5 (L R C Ls Rs) → 1, 1, 1, 1.41, 1.41;
   * 6 (L R C LFE Ls Rs) → 1, 1, 1, 0, 1.41, 1.41;
   * 8 (L R C LFE Lrs Rrs Lss Rss) → 1, 1, 1, 0, 1.41, 1.41, 1.41, 1.41.
   * Other counts must pass weights.
   */
  weights?: number[];
  /** measure true peak (default true) */
  truePeak?: boolean;
  /** keep a 10 Hz series of M and S (default false) */
  series?: boolean;
}

/** One point of the 10 Hz series: readings of the windows ending at time t (s). */
export interface LoudnessSeriesPoint {
  t: number;
  /** M of the 400 ms window ending at t; null before 0.4 s or for silence */
  momentary: number | null;
  /** S of the 3 s window ending at t; null before 3 s or for silence */
  shortTerm: number | null;
  /** highest M of all windows ending in (t − 0.1 s, t], evaluated every sample */
  momentaryMax: number | null;
  /** highest S of all windows ending in (t − 0.1 s, t], evaluated every sample */
  shortTermMax: number | null;
}

export interface ChannelPeaks {
  /** dBTP */
  truePeak: number | null;
  /** dBFS */
  samplePeak: number | null;
}

export interface LoudnessResult {
  /** LUFS; null when no gating block passes the gates (silence, < 400 ms, all below −70 LUFS) */
  integrated: number | null;
  /** LU; null when no short-term value passes the gates */
  lra: number | null;
  /** LUFS, max over every 400 ms window */
  momentaryMax: number | null;
  /** LUFS, max over every 3 s window */
  shortTermMax: number | null;
  /** dBTP, max over channels; null when truePeak is off or all samples are zero */
  truePeak: number | null;
  /** dBFS, max over channels */
  samplePeak: number | null;
  channels: ChannelPeaks[];
  series?: LoudnessSeriesPoint[];
  frames: number;
}

/** −0.691: the BS.1770-4 eq. (2) constant making a 997 Hz sine at 0 dBFS in one front channel read −3.01 LUFS */
export const LOUDNESS_OFFSET = -0.691;
/** Γ_a, BS.1770-4 §2.2 and Tech 3342 */
export const ABSOLUTE_GATE_LUFS = -70;
/** Γ_r offset for I, BS.1770-4 §2.2 */
export const RELATIVE_GATE_LU = -10;
/** relative gate for LRA, Tech 3342 */
export const LRA_RELATIVE_GATE_LU = -20;

/** Loudness of a mean weighted energy, −0.691 + 10·log10(z); null for z ≤ 0 (silence). */
export function energyToLoudness(z: number): number | null {
  return z > 0 ? LOUDNESS_OFFSET + 10 * Math.log10(z) : null;
}

function loudnessToEnergy(l: number): number {
  return Math.pow(10, (l - LOUDNESS_OFFSET) / 10);
}

function toDb(linear: number): number | null {
  return linear > 0 ? 20 * Math.log10(linear) : null;
}

/** The default G_i for a channel count (see MeterOptions.weights). */
export function defaultChannelWeights(channels: number): number[] {
  switch (channels) {
    case 1:
      return [1];
    case 2:
      return [1, 1];
    case 3:
      return [1, 1, 1];
    case 5:
      return [1, 1, 1, 1.41, 1.41];
    case 6:
      return [1, 1, 1, 0, 1.41, 1.41];
    case 8:
      return [1, 1, 1, 0, 1.41, 1.41, 1.41, 1.41];
    default:
      throw new RangeError(`loudness: no default channel weights for ${channels} channels; pass options.weights`);
  }
}

/**
 * Append-only float64 log in fixed pages, so that growing it never copies and
 * allocates only one page per 4096 values.
 */
class Float64Log {
  private static readonly PAGE = 4096;
  private readonly pages: Float64Array[] = [];
  length = 0;

  push(v: number): void {
    const i = this.length % Float64Log.PAGE;
    if (i === 0) this.pages.push(new Float64Array(Float64Log.PAGE));
    this.pages[this.pages.length - 1]![i] = v;
    this.length++;
  }

  get(index: number): number {
    return this.pages[Math.floor(index / Float64Log.PAGE)]![index % Float64Log.PAGE]!;
  }

  toArray(): Float64Array {
    const out = new Float64Array(this.length);
    for (let p = 0; p < this.pages.length; p++) {
      const page = this.pages[p]!;
      const n = Math.min(Float64Log.PAGE, this.length - p * Float64Log.PAGE);
      out.set(n === Float64Log.PAGE ? page : page.subarray(0, n), p * Float64Log.PAGE);
    }
    return out;
  }
}

/**
 * Gated integrated loudness, BS.1770-4 §2.2, from the mean energies z_j of the
 * 400 ms gating blocks. Null when no block exceeds the absolute gate.
 */
export function integratedLoudness(blocks: ArrayLike<number>): number | null {
  const za = loudnessToEnergy(ABSOLUTE_GATE_LUFS);
  let sum = 0;
  let count = 0;
  for (let j = 0; j < blocks.length; j++) {
    const z = blocks[j]!;
    if (z > za) {
      sum += z;
      count++;
    }
  }
  if (count === 0) return null;
  // Γ_r = L(mean over J_a) − 10 LU, as an energy: mean · 10^(−10/10)
  const zr = (sum / count) * Math.pow(10, RELATIVE_GATE_LU / 10);
  let sum2 = 0;
  let count2 = 0;
  for (let j = 0; j < blocks.length; j++) {
    const z = blocks[j]!;
    if (z > za && z > zr) {
      sum2 += z;
      count2++;
    }
  }
  return count2 === 0 ? null : energyToLoudness(sum2 / count2);
}

/**
 * Loudness range, EBU Tech 3342, from short-term mean energies on a ≥ 10 Hz
 * grid. Null when no value passes the gates.
 */
export function loudnessRange(shortTerm: ArrayLike<number>): number | null {
  const za = loudnessToEnergy(ABSOLUTE_GATE_LUFS);
  const gated: number[] = [];
  let sum = 0;
  for (let j = 0; j < shortTerm.length; j++) {
    const z = shortTerm[j]!;
    if (z > za) {
      gated.push(z);
      sum += z;
    }
  }
  if (gated.length === 0) return null;
  const zr = (sum / gated.length) * Math.pow(10, LRA_RELATIVE_GATE_LU / 10);
  const kept = Float64Array.from(gated.filter((z) => z > zr)).sort();
  const n = kept.length;
  if (n === 0) return null;
  const lo = kept[Math.floor((n - 1) * 0.1 + 0.5)]!;
  const hi = kept[Math.floor((n - 1) * 0.95 + 0.5)]!;
  return 10 * Math.log10(hi / lo);
}

/** A sliding-sum window evaluated at every sample (see the file comment). */
interface Window {
  /** length N in samples (a multiple of the step) */
  readonly n: number;
  /** buf[0 … N−1]: during a chunk, e[] of the current chunk below pos and suffix sums of the previous chunk from pos; buf[N] = 0 */
  readonly buf: Float64Array;
  pos: number;
  prefix: number;
  /** highest window sum ending in the current step (−1: none yet) */
  stepMax: number;
  /** highest sum over completed steps whose windows were full (−1: none) */
  max: number;
  /** steps needed for the first full window */
  readonly steps: number;
}

function createWindow(step: number, steps: number): Window {
  const n = step * steps;
  return { n, buf: new Float64Array(n + 1), pos: 0, prefix: 0, stepMax: -1, max: -1, steps };
}

/** Adds e[0 … count) to two windows, tracking the highest sum in the current step. Allocation-free. */
function slide(a: Window, b: Window, e: Float64Array, count: number): void {
  const ba = a.buf;
  const bb = b.buf;
  let pa = a.prefix, ia = a.pos, ma = a.stepMax;
  let pb = b.prefix, ib = b.pos, mb = b.stepMax;
  for (let i = 0; i < count; i++) {
    const x = e[i]!;
    pa += x;
    const sa = pa + ba[ia + 1]!;
    ba[ia++] = x;
    if (sa > ma) ma = sa;
    pb += x;
    const sb = pb + bb[ib + 1]!;
    bb[ib++] = x;
    if (sb > mb) mb = sb;
  }
  a.prefix = pa; a.pos = ia; a.stepMax = ma;
  b.prefix = pb; b.pos = ib; b.stepMax = mb;
}

/** Sum of the window ending at the last sample added. */
function windowSum(w: Window): number {
  return w.prefix + w.buf[w.pos]!;
}

/** At a step boundary: turns a completed chunk into suffix sums. */
function closeChunk(w: Window): void {
  if (w.pos !== w.n) return;
  const buf = w.buf;
  for (let j = w.n - 2; j >= 0; j--) buf[j] = buf[j]! + buf[j + 1]!;
  w.pos = 0;
  w.prefix = 0;
}

export class LoudnessMeter {
  readonly sampleRate: number;
  readonly channels: number;
  readonly weights: readonly number[];
  /** samples per 100 ms step */
  readonly step: number;
  private readonly k: KWeightingCoefficients;
  private readonly kState: Float64Array;
  private readonly energy: Float64Array;
  private readonly samplePeaks: Float64Array;
  /** indices of the channels with G_i > 0, and of those with G_i = 0 */
  private readonly weighted: readonly number[];
  private readonly unweighted: readonly number[];
  private readonly tp: TruePeakState | null;
  private readonly m: Window;
  private readonly s: Window;
  private readonly blocks = new Float64Log();
  private readonly shortTerms = new Float64Log();
  private readonly seriesLog: Float64Log | null;
  private stepPos = 0;
  private steps = 0;
  private frames = 0;

  constructor(opts: MeterOptions) {
    const { sampleRate, channels } = opts;
    if (!Number.isInteger(channels) || channels < 1) throw new RangeError(`loudness: invalid channel count ${channels}`);
    if (!Number.isFinite(sampleRate) || sampleRate < 8000) throw new RangeError(`loudness: invalid sample rate ${sampleRate}`);
    const weights = opts.weights ?? defaultChannelWeights(channels);
    if (weights.length !== channels || weights.some((w) => !Number.isFinite(w) || w < 0)) {
      throw new RangeError(`loudness: need ${channels} finite non-negative weights, got [${weights.join(', ')}]`);
    }
    this.sampleRate = sampleRate;
    this.channels = channels;
    this.weights = [...weights];
    this.step = Math.round(sampleRate / 10);
    this.k = kWeightingCoefficients(sampleRate);
    this.kState = new Float64Array(channels * K_WEIGHTING_STATE_SIZE);
    this.energy = new Float64Array(this.step);
    this.samplePeaks = new Float64Array(channels);
    this.weighted = this.weights.flatMap((g, c) => (g > 0 ? [c] : []));
    this.unweighted = this.weights.flatMap((g, c) => (g > 0 ? [] : [c]));
    this.tp = opts.truePeak === false ? null : createTruePeakState(designTruePeakFilter(oversamplingFactor(sampleRate)), channels, this.step);
    this.m = createWindow(this.step, 4);
    this.s = createWindow(this.step, 30);
    this.seriesLog = opts.series ? new Float64Log() : null;
  }

  /** Measures `frames` interleaved frames. Allocation-free (see the file comment). */
  process(interleaved: Float32Array, frames: number): void {
    const C = this.channels;
    if (!Number.isInteger(frames) || frames < 0) throw new RangeError(`loudness: invalid frame count ${frames}`);
    if (interleaved.length < frames * C) {
      throw new RangeError(`loudness: ${frames} frames of ${C} channels need ${frames * C} samples, got ${interleaved.length}`);
    }
    const w = this.weights;
    const e = this.energy;
    const weighted = this.weighted;
    const unweighted = this.unweighted;
    const peaks = this.samplePeaks;
    const S = K_WEIGHTING_STATE_SIZE;
    let done = 0;
    while (done < frames) {
      const n = Math.min(frames - done, this.step - this.stepPos);
      const base = done * C;
      // weighted channels two at a time (see kWeightChannelPair), the odd one alone
      let q = 0;
      for (; q + 1 < weighted.length; q += 2) {
        const a = weighted[q]!;
        const b = weighted[q + 1]!;
        kWeightChannelPair(interleaved, base + a, base + b, C, n, this.k, this.kState, a * S, b * S, w[a]!, w[b]!, e, q > 0, peaks, a, b);
      }
      if (q < weighted.length) {
        const a = weighted[q]!;
        kWeightChannel(interleaved, base + a, C, n, this.k, this.kState, a * S, w[a]!, e, q > 0, peaks, a);
      }
      // channels with G = 0 (LFE) only need their peaks
      for (let u = 0; u < unweighted.length; u++) {
        const c = unweighted[u]!;
        let peak = peaks[c]!;
        for (let i = 0, j = base + c; i < n; i++, j += C) {
          const a = Math.abs(interleaved[j]!);
          if (a > peak) peak = a;
        }
        peaks[c] = peak;
      }
      if (this.tp) for (let c = 0; c < C; c++) truePeakProcess(interleaved, base + c, C, n, this.tp, c);
      if (weighted.length === 0) e.fill(0, 0, n);
      slide(this.m, this.s, e, n);
      if (!Number.isFinite(this.m.prefix)) throw new RangeError('loudness: input contains NaN or infinite samples');
      done += n;
      this.frames += n;
      this.stepPos += n;
      if (this.stepPos === this.step) this.endStep();
    }
  }

  /** At each 100 ms boundary: gating block, short-term value, series point, maxima, chunk bookkeeping. */
  private endStep(): void {
    const { m, s } = this;
    this.stepPos = 0;
    const before = this.steps++;
    const zm = windowSum(m) / m.n;
    const zs = windowSum(s) / s.n;
    const fullM = this.steps >= m.steps;
    const fullS = this.steps >= s.steps;
    // the windows in a step are all full or all partial, except the step
    // completing the first window, where only its last sample's window is full
    const stepMaxM = before >= m.steps ? m.stepMax : fullM ? windowSum(m) : -1;
    const stepMaxS = before >= s.steps ? s.stepMax : fullS ? windowSum(s) : -1;
    if (stepMaxM > m.max) m.max = stepMaxM;
    if (stepMaxS > s.max) s.max = stepMaxS;
    if (fullM) this.blocks.push(zm);
    if (fullS) this.shortTerms.push(zs);
    if (this.seriesLog) {
      this.seriesLog.push(fullM ? zm : -1);
      this.seriesLog.push(fullS ? zs : -1);
      this.seriesLog.push(stepMaxM < 0 ? -1 : stepMaxM / m.n);
      this.seriesLog.push(stepMaxS < 0 ? -1 : stepMaxS / s.n);
    }
    m.stepMax = -1;
    s.stepMax = -1;
    closeChunk(m);
    closeChunk(s);
    flushTinyState(this.kState);
  }

  /** The measurement so far. A pure read: may be called any number of times, and process() may continue after it. */
  result(): LoudnessResult {
    const { m, s } = this;
    // windows ending in the current, incomplete step count towards the maxima
    const maxM = Math.max(m.max, this.steps >= m.steps ? m.stepMax : -1);
    const maxS = Math.max(s.max, this.steps >= s.steps ? s.stepMax : -1);
    const channels: ChannelPeaks[] = [];
    let tpMax = 0;
    let spMax = 0;
    for (let c = 0; c < this.channels; c++) {
      const sp = this.samplePeaks[c]!;
      const tp = this.tp ? Math.max(sp, truePeakFinal(this.tp, c)) : 0;
      channels.push({ truePeak: this.tp ? toDb(tp) : null, samplePeak: toDb(sp) });
      if (tp > tpMax) tpMax = tp;
      if (sp > spMax) spMax = sp;
    }
    const result: LoudnessResult = {
      integrated: integratedLoudness(this.blocks.toArray()),
      lra: loudnessRange(this.shortTerms.toArray()),
      momentaryMax: maxM < 0 ? null : energyToLoudness(maxM / m.n),
      shortTermMax: maxS < 0 ? null : energyToLoudness(maxS / s.n),
      truePeak: this.tp ? toDb(tpMax) : null,
      samplePeak: toDb(spMax),
      channels,
      frames: this.frames,
    };
    const log = this.seriesLog;
    if (log) {
      const series: LoudnessSeriesPoint[] = [];
      const read = (i: number): number | null => {
        const z = log.get(i);
        return z < 0 ? null : energyToLoudness(z);
      };
      for (let i = 0; i < log.length; i += 4) {
        const t = ((i / 4 + 1) * this.step) / this.sampleRate;
        series.push({ t, momentary: read(i), shortTerm: read(i + 1), momentaryMax: read(i + 2), shortTermMax: read(i + 3) });
      }
      result.series = series;
    }
    return result;
  }
}

/** Measures a whole interleaved buffer in one call. */
export function measureBuffer(interleaved: Float32Array, frames: number, opts: MeterOptions): LoudnessResult {
  const meter = new LoudnessMeter(opts);
  meter.process(interleaved, frames);
  return meter.result();
}
