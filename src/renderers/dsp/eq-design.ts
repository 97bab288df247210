/**
 * Parametric EQ design: second-order sections designed with R. Bristow-Johnson's
 * "Cookbook formulae for audio EQ biquad filter coefficients" (the Audio EQ
 * Cookbook, as published by the W3C: https://www.w3.org/TR/audio-eq-cookbook/),
 * cascaded and run (eq.ts) in transposed direct form II with float64 state.
 *
 * Cookbook symbols (section "Filter design equations" / "Intermediate variables"):
 *
 *   A     = 10^(dBgain/40)            (peaking and shelving only: √ of the linear gain)
 *   ω0    = 2π f0 / Fs
 *   α     = sin(ω0) / (2Q)                                   ("case: Q")
 *   α     = sin(ω0)/2 · √((A + 1/A)(1/S − 1) + 2)            ("case: S", shelves only)
 *
 * and, per filter type ("Biquad filter design equations"), with cos = cos ω0:
 *
 *   LPF        b = ((1−cos)/2, 1−cos, (1−cos)/2)             a = (1+α, −2cos, 1−α)
 *   HPF        b = ((1+cos)/2, −(1+cos), (1+cos)/2)          a = (1+α, −2cos, 1−α)
 *   BPF        b = (α, 0, −α)     (constant 0 dB peak gain)   a = (1+α, −2cos, 1−α)
 *   notch      b = (1, −2cos, 1)                             a = (1+α, −2cos, 1−α)
 *   peakingEQ  b = (1+αA, −2cos, 1−αA)                       a = (1+α/A, −2cos, 1−α/A)
 *   lowShelf   b0 = A((A+1) − (A−1)cos + 2√Aα)    a0 = (A+1) + (A−1)cos + 2√Aα
 *              b1 = 2A((A−1) − (A+1)cos)          a1 = −2((A−1) + (A+1)cos)
 *              b2 = A((A+1) − (A−1)cos − 2√Aα)    a2 = (A+1) + (A−1)cos − 2√Aα
 *   highShelf  b0 = A((A+1) + (A−1)cos + 2√Aα)    a0 = (A+1) − (A−1)cos + 2√Aα
 *              b1 = −2A((A−1) + (A+1)cos)         a1 = 2((A−1) − (A+1)cos)
 *              b2 = A((A+1) + (A−1)cos − 2√Aα)    a2 = (A+1) − (A−1)cos − 2√Aα
 *
 * all normalised by a0. 1 − cos ω0 is computed as 2 sin²(ω0/2), which keeps its
 * precision for low corner frequencies at high sample rates.
 *
 * Steeper high/low-pass slopes (24, 36, 48 dB/oct; `slope` = 6·order) are
 * Butterworth filters of order n = slope/6, realised as n/2 cookbook sections
 * sharing f0, with the Butterworth pole quality factors
 *
 *   Q_k = 1 / (2 sin((2k − 1)π / (2n))),   k = 1 … n/2
 *
 * (n = 4: 1.3066, 0.5412). Each cookbook section is the bilinear transform,
 * pre-warped at f0, of an analog section with that Q, so the cascade is the
 * bilinear transform of the analog Butterworth: −3.01 dB at f0 at any rate.
 * `slope: 12` is a single section whose Q defaults to 1/√2 (Butterworth) and may be set.
 */

import { biquadMagnitude, type BiquadCoefficients } from './biquad.ts';

export type { BiquadCoefficients } from './biquad.ts';

export type BandType = 'highpass' | 'lowpass' | 'lowshelf' | 'highshelf' | 'peaking' | 'notch' | 'bandpass';

export const BAND_TYPES: readonly BandType[] = ['highpass', 'lowpass', 'lowshelf', 'highshelf', 'peaking', 'notch', 'bandpass'];

/** Allowed high/low-pass slopes in dB per octave (6 dB/oct per filter order). */
export const PASS_SLOPES = [12, 24, 36, 48] as const;
export type PassSlope = (typeof PASS_SLOPES)[number];

export interface BandParams {
  /** f0 in Hz: corner (pass filters), midpoint (shelves), centre (peaking, notch, bandpass). 0 < f0 < Fs/2. */
  freq: number;
  /** Quality factor. Default 1/√2 for pass filters and shelves (shelves: use `q` or `shelfSlope`, not both), 1 otherwise. */
  q?: number;
  /** Gain in dB: required for peaking and shelves, not accepted by the others. */
  gainDb?: number;
  /** highpass/lowpass only: dB per octave, 12 (default), 24, 36 or 48. Above 12 the Butterworth Qs are used and `q` is refused. */
  slope?: number;
  /** Shelves only: the cookbook's shelf slope S (> 0; 1 = steepest without overshoot). */
  shelfSlope?: number;
}

export interface EqBand extends BandParams {
  type: BandType;
}

export const DEFAULT_Q = Math.SQRT1_2;

export function isPass(type: BandType): boolean {
  return type === 'highpass' || type === 'lowpass';
}
export function hasGain(type: BandType): boolean {
  return type === 'peaking' || type === 'lowshelf' || type === 'highshelf';
}
export function isShelf(type: BandType): boolean {
  return type === 'lowshelf' || type === 'highshelf';
}

/**
 * Checks one band for `sampleRate`; returns a message naming the problem, or null.
 * Everything `designBiquad` and `createEq` would refuse is reported here first.
 */
export function validateBand(band: EqBand, sampleRate: number): string | null {
  const { type, freq, q, gainDb, slope, shelfSlope } = band;
  if (!BAND_TYPES.includes(type)) return `unknown band type "${String(type)}"; expected one of ${BAND_TYPES.join(', ')}`;
  if (!(Number.isFinite(sampleRate) && sampleRate > 0)) return `sample rate must be a positive number, got ${sampleRate}`;
  const nyquist = sampleRate / 2;
  if (!Number.isFinite(freq)) return `${type}: frequency must be a finite number of Hz, got ${freq}`;
  if (freq <= 0) return `${type}: frequency must be above 0 Hz, got ${freq} Hz`;
  if (freq >= nyquist) return `${type}: frequency ${freq} Hz must be below the Nyquist frequency ${nyquist} Hz (sample rate ${sampleRate} Hz)`;
  if (q !== undefined && !(Number.isFinite(q) && q > 0)) return `${type}: Q must be a positive number, got ${q}`;
  if (hasGain(type)) {
    if (gainDb === undefined) return `${type}: a gain in dB is required`;
    if (!Number.isFinite(gainDb)) return `${type}: gain must be a finite number of dB, got ${gainDb}`;
  } else if (gainDb !== undefined) {
    return `${type}: a gain has no meaning for this band type (got ${gainDb} dB)`;
  }
  if (slope !== undefined) {
    if (!isPass(type)) return `${type}: a slope in dB/oct applies only to highpass and lowpass`;
    if (!(PASS_SLOPES as readonly number[]).includes(slope)) return `${type}: slope must be one of ${PASS_SLOPES.join(', ')} dB/oct, got ${slope}`;
    if (slope > 12 && q !== undefined) return `${type}: Q cannot be set with a ${slope} dB/oct slope (the Butterworth Qs are used)`;
  }
  if (shelfSlope !== undefined) {
    if (!isShelf(type)) return `${type}: a shelf slope applies only to lowshelf and highshelf`;
    if (q !== undefined) return `${type}: give either Q or shelf slope, not both`;
    if (!(Number.isFinite(shelfSlope) && shelfSlope > 0)) return `${type}: shelf slope must be a positive number, got ${shelfSlope}`;
    const A = 10 ** (gainDb! / 40);
    if ((A + 1 / A) * (1 / shelfSlope - 1) + 2 <= 0) {
      return `${type}: shelf slope ${shelfSlope} is too steep for ${gainDb} dB (the cookbook's α would be imaginary)`;
    }
  }
  return null;
}

/** Butterworth section Qs for an even order n: Q_k = 1 / (2 sin((2k−1)π/(2n))). */
export function butterworthQs(order: number): number[] {
  const qs: number[] = [];
  for (let k = 1; k <= order / 2; k++) qs.push(1 / (2 * Math.sin(((2 * k - 1) * Math.PI) / (2 * order))));
  return qs;
}

/** The trigonometry of a band's centre frequency, computed once: automation recomputes only the gain terms. */
export interface Trig {
  cos: number;
  sin: number;
  /** 1 − cos ω0, computed as 2 sin²(ω0/2) */
  oneMinusCos: number;
}

export function trigOf(freq: number, fs: number): Trig {
  const w0 = (2 * Math.PI * freq) / fs;
  const half = Math.sin(w0 / 2);
  return { cos: Math.cos(w0), sin: Math.sin(w0), oneMinusCos: 2 * half * half };
}

function section(type: BandType, freq: number, q: number, gainDb: number, shelfSlope: number | undefined, fs: number): BiquadCoefficients {
  const c = new Float64Array(5);
  designInto(type, trigOf(freq, fs), q, gainDb, shelfSlope, c, 0);
  return { b0: c[0], b1: c[1], b2: c[2], a1: c[3], a2: c[4] };
}

/** Writes the normalised coefficients b0 b1 b2 a1 a2 of one section to out[o … o+4] (allocation-free). */
export function designInto(type: BandType, t: Trig, q: number, gainDb: number, shelfSlope: number | undefined, out: Float64Array, o: number): void {
  const { cos, sin, oneMinusCos } = t;
  const A = 10 ** (gainDb / 40);
  const alpha = shelfSlope !== undefined ? (sin / 2) * Math.sqrt((A + 1 / A) * (1 / shelfSlope - 1) + 2) : sin / (2 * q);
  let b0: number, b1: number, b2: number, a0: number, a1: number, a2: number;
  switch (type) {
    case 'lowpass':
      b0 = oneMinusCos / 2; b1 = oneMinusCos; b2 = oneMinusCos / 2;
      a0 = 1 + alpha; a1 = -2 * cos; a2 = 1 - alpha;
      break;
    case 'highpass':
      b0 = (2 - oneMinusCos) / 2; b1 = -(2 - oneMinusCos); b2 = (2 - oneMinusCos) / 2;
      a0 = 1 + alpha; a1 = -2 * cos; a2 = 1 - alpha;
      break;
    case 'bandpass':
      b0 = alpha; b1 = 0; b2 = -alpha;
      a0 = 1 + alpha; a1 = -2 * cos; a2 = 1 - alpha;
      break;
    case 'notch':
      b0 = 1; b1 = -2 * cos; b2 = 1;
      a0 = 1 + alpha; a1 = -2 * cos; a2 = 1 - alpha;
      break;
    case 'peaking':
      b0 = 1 + alpha * A; b1 = -2 * cos; b2 = 1 - alpha * A;
      a0 = 1 + alpha / A; a1 = -2 * cos; a2 = 1 - alpha / A;
      break;
    case 'lowshelf': {
      const k = 2 * Math.sqrt(A) * alpha;
      b0 = A * (A + 1 - (A - 1) * cos + k); b1 = 2 * A * (A - 1 - (A + 1) * cos); b2 = A * (A + 1 - (A - 1) * cos - k);
      a0 = A + 1 + (A - 1) * cos + k; a1 = -2 * (A - 1 + (A + 1) * cos); a2 = A + 1 + (A - 1) * cos - k;
      break;
    }
    case 'highshelf': {
      const k = 2 * Math.sqrt(A) * alpha;
      b0 = A * (A + 1 + (A - 1) * cos + k); b1 = -2 * A * (A - 1 + (A + 1) * cos); b2 = A * (A + 1 + (A - 1) * cos - k);
      a0 = A + 1 - (A - 1) * cos + k; a1 = 2 * (A - 1 - (A + 1) * cos); a2 = A + 1 - (A - 1) * cos - k;
      break;
    }
  }
  out[o] = b0 / a0;
  out[o + 1] = b1 / a0;
  out[o + 2] = b2 / a0;
  out[o + 3] = a1 / a0;
  out[o + 4] = a2 / a0;
}

/**
 * Normalised (a0 = 1) coefficients of the sections realising one band at
 * `sampleRate`: one section, or slope/12 sections for steep pass filters.
 * Throws a RangeError with `validateBand`'s message for an invalid band.
 */
export function designBiquad(type: BandType, params: BandParams, sampleRate: number): BiquadCoefficients[] {
  const problem = validateBand({ ...params, type }, sampleRate);
  if (problem) throw new RangeError(problem);
  const gainDb = params.gainDb ?? 0;
  if (isPass(type) && (params.slope ?? 12) > 12) {
    return butterworthQs(params.slope! / 6).map((q) => section(type, params.freq, q, 0, undefined, sampleRate));
  }
  const q = params.q ?? (isPass(type) || isShelf(type) ? DEFAULT_Q : 1);
  return [section(type, params.freq, q, gainDb, isShelf(type) ? params.shelfSlope : undefined, sampleRate)];
}

/** Analytic magnitude in dB of a cascade of sections at `freq` Hz: Σ 20·log10|H_k(e^{jω})|, ω = 2π f / Fs. */
export function magnitudeDb(coeffs: readonly BiquadCoefficients[], freq: number, sampleRate: number): number {
  let db = 0;
  for (const c of coeffs) db += 20 * Math.log10(biquadMagnitude(c, freq, sampleRate));
  return db;
}
