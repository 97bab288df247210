/**
 * Feed-forward dynamic range compressor after D. Giannoulis, M. Massberg and
 * J. D. Reiss, "Digital Dynamic Range Compressor Design — A Tutorial and
 * Analysis", J. Audio Eng. Soc. 60(6), 2012 (below: "the paper"), in the
 * paper's preferred topology: gain computer first, then a smooth branching
 * peak detector smoothing the gain reduction in the log (dB) domain.
 *
 * Per sample n (one gain for all channels: stereo-/multichannel-linked):
 *
 *   x_G = level of the detection signal in dBFS (see "Detection" below)
 *
 *   Gain computer, quadratic soft knee of width W around threshold T, ratio R
 *   (the paper's section on the gain computer, soft-knee equation):
 *
 *           ⎧ x_G                                        2(x_G − T) < −W
 *     y_G = ⎨ x_G + (1/R − 1)(x_G − T + W/2)² / (2W)     2|x_G − T| ≤ W
 *           ⎩ T + (x_G − T)/R                            2(x_G − T) > W
 *
 *   (W = 0 is the hard knee: the middle case vanishes.)
 *
 *   x_L = x_G − y_G ≥ 0                    (desired gain reduction, dB)
 *
 *   Smooth branching peak detector on x_L (the paper's section on peak
 *   detectors, "smooth branching"):
 *
 *     y_L[n] = α_A·y_L[n−1] + (1 − α_A)·x_L[n]    if x_L[n] > y_L[n−1]   (attack)
 *     y_L[n] = α_R·y_L[n−1] + (1 − α_R)·x_L[n]    otherwise              (release)
 *
 *     α = e^(−1/(τ·fs)),  τ = attack or release time in seconds.
 *
 *   The paper defines τ as the time a first-order system's step response takes
 *   to reach 1 − 1/e (≈ 63 %) of its final value: here, the time for the gain
 *   reduction in dB to cover 63 % of a step's change. This holds exactly when
 *   the detected level steps (e.g. a DC or RMS-detected step); with peak
 *   detection of a periodic signal the detector rides on the waveform's peaks.
 *
 *   gain = 10^((M − y_L)/20),  M = make-up gain in dB.
 *
 * Detection:
 *   peak: x_G = 20·log10( max_c |s_c[n]| )
 *   rms:  x_G = 10·log10( 2 · max_c (1/N)·Σ_{k<N} s_c[n−k]² ), a boxcar window of
 *         N = round(rmsWindowSec·fs) samples (default 10 ms) per channel. The
 *         factor 2 (+3.01 dB) reads a sine at its peak level, as AES17 defines
 *         dBFS, so a sine meets the same static curve in both modes.
 *   s is the side-chain input when one is configured, the processed signal otherwise.
 *
 * Levels below the knee's lower edge give x_L = 0 without computing a log;
 * silence is therefore never a special case. State (y_L, the RMS windows and
 * their running sums) is float64 and explicit; output does not depend on the
 * block size. Latency and tail are 0.
 */

export type Detection = 'peak' | 'rms';

export interface CompressorParams {
  /** T, dBFS */
  thresholdDb: number;
  /** R ≥ 1 (1 = no compression) */
  ratio: number;
  /** W, dB; 0 = hard knee. Default 0. */
  kneeDb?: number;
  /** τ_A, seconds (> 0) */
  attackSec: number;
  /** τ_R, seconds (> 0) */
  releaseSec: number;
  /** M, dB. Default 0. */
  makeupDb?: number;
  /** Default 'peak'. */
  detection?: Detection;
  /** RMS window length in seconds, rms detection only. Default 0.010. */
  rmsWindowSec?: number;
}

export interface CompressorOptions {
  sampleRate: number;
  channels: number;
  /** Channels of the side-chain input; 0 or absent = detect on the processed signal itself. */
  sidechainChannels?: number;
}

export interface Compressor {
  /**
   * Compresses `frames` interleaved frames of `buf` in place; allocation-free.
   * With a configured side-chain, `sidechain` (interleaved, `sidechainChannels`
   * channels, the same `frames`) is required and drives the detector.
   */
  process(buf: Float32Array, frames: number, sidechain?: Float32Array): void;
  reset(): void;
  readonly sidechainChannels: number;
  readonly latency: 0;
  readonly tail: 0;
}

export const DEFAULT_RMS_WINDOW_SEC = 0.01;

/** Checks compressor params; returns a message naming the problem, or null. */
export function validateCompressor(p: CompressorParams, sampleRate: number): string | null {
  const finite = (name: string, v: unknown): string | null =>
    typeof v === 'number' && Number.isFinite(v) ? null : `compressor: ${name} must be a finite number, got ${String(v)}`;
  return (
    finite('threshold (dB)', p.thresholdDb) ??
    finite('ratio', p.ratio) ??
    (p.ratio < 1 ? `compressor: ratio must be at least 1, got ${p.ratio}` : null) ??
    (p.kneeDb !== undefined ? (finite('knee (dB)', p.kneeDb) ?? (p.kneeDb < 0 ? `compressor: knee must be ≥ 0 dB, got ${p.kneeDb}` : null)) : null) ??
    finite('attack (s)', p.attackSec) ??
    (p.attackSec <= 0 ? `compressor: attack must be above 0 s, got ${p.attackSec}` : null) ??
    finite('release (s)', p.releaseSec) ??
    (p.releaseSec <= 0 ? `compressor: release must be above 0 s, got ${p.releaseSec}` : null) ??
    (p.makeupDb !== undefined ? finite('make-up (dB)', p.makeupDb) : null) ??
    (p.detection !== undefined && p.detection !== 'peak' && p.detection !== 'rms'
      ? `compressor: detection must be "peak" or "rms", got "${String(p.detection)}"`
      : null) ??
    (p.rmsWindowSec !== undefined
      ? (finite('RMS window (s)', p.rmsWindowSec) ??
        (Math.round(p.rmsWindowSec * sampleRate) < 1 ? `compressor: RMS window ${p.rmsWindowSec} s is shorter than one sample` : null))
      : null)
  );
}

/**
 * The static curve: output level y_G (dB) for input level x_G (dB) — the
 * paper's gain computer, before smoothing and make-up.
 */
export function staticCurveDb(xG: number, thresholdDb: number, ratio: number, kneeDb = 0): number {
  const T = thresholdDb;
  const W = kneeDb;
  const over = xG - T;
  if (2 * over < -W) return xG;
  if (2 * over > W || W === 0) return T + over / ratio;
  const d = over + W / 2;
  return xG + ((1 / ratio - 1) * d * d) / (2 * W);
}

/** Creates a compressor; throws a RangeError for invalid params or options. */
export function createCompressor(params: CompressorParams, opts: CompressorOptions): Compressor {
  const { sampleRate: fs, channels } = opts;
  const scCh = opts.sidechainChannels ?? 0;
  const problem = validateCompressor(params, fs);
  if (problem) throw new RangeError(problem);
  if (!(Number.isInteger(channels) && channels > 0)) throw new RangeError(`compressor: channels must be a positive integer, got ${channels}`);
  if (!(Number.isInteger(scCh) && scCh >= 0)) throw new RangeError(`compressor: side-chain channels must be an integer ≥ 0, got ${scCh}`);

  const T = params.thresholdDb;
  const R = params.ratio;
  const W = params.kneeDb ?? 0;
  const slope = 1 / R - 1; // ≤ 0
  const makeup = params.makeupDb ?? 0;
  const alphaA = Math.exp(-1 / (params.attackSec * fs));
  const alphaR = Math.exp(-1 / (params.releaseSec * fs));
  const rms = (params.detection ?? 'peak') === 'rms';
  const detCh = scCh > 0 ? scCh : channels;

  // Below the knee's lower edge x_L = 0: compare in the linear domain and skip the log.
  // peak: |s| < 10^((T − W/2)/20);  rms: 2·ms < 10^((T − W/2)/10)
  const kneeLowDb = T - W / 2;
  const peakFloor = 10 ** (kneeLowDb / 20);
  const powerFloor = 10 ** (kneeLowDb / 10);

  const N = rms ? Math.round((params.rmsWindowSec ?? DEFAULT_RMS_WINDOW_SEC) * fs) : 0;
  const ring = new Float64Array(N * detCh); // last N squares per detection channel
  const sums = new Float64Array(detCh); // running Σ of each ring
  let ringPos = 0;
  let yL = 0; // smoothed gain reduction, dB

  /** x_L = x_G − y_G for a level x_G (dB) at or above the knee's lower edge. */
  function reduction(xG: number): number {
    const over = xG - T;
    if (W > 0 && 2 * over <= W) {
      const d = over + W / 2;
      return d > 0 ? (-slope * d * d) / (2 * W) : 0;
    }
    return over > 0 ? -slope * over : 0;
  }

  function process(buf: Float32Array, frames: number, sidechain?: Float32Array): void {
    if (frames * channels > buf.length) throw new RangeError(`compressor: ${frames} frames × ${channels} channels exceed a buffer of ${buf.length}`);
    let det: Float32Array = buf;
    if (scCh > 0) {
      if (!sidechain) throw new Error('compressor: configured with a side-chain but no side-chain input was given');
      if (frames * scCh > sidechain.length) throw new RangeError(`compressor: side-chain holds fewer than ${frames} frames × ${scCh} channels`);
      det = sidechain;
    } else if (sidechain) {
      throw new Error('compressor: a side-chain input was given but the compressor was created without sidechainChannels');
    }
    for (let f = 0; f < frames; f++) {
      const d0 = f * detCh;
      let xL = 0;
      if (rms) {
        let maxMs = 0;
        const r0 = ringPos * detCh;
        for (let c = 0; c < detCh; c++) {
          const s = det[d0 + c]!;
          const sq = s * s;
          let sum = sums[c]! + sq - ring[r0 + c]!;
          if (sum < 0) sum = 0; // rounding of the running sum
          sums[c] = sum;
          ring[r0 + c] = sq;
          if (sum > maxMs) maxMs = sum;
        }
        if (++ringPos === N) ringPos = 0;
        const power = (2 * maxMs) / N;
        if (power >= powerFloor) xL = reduction(10 * Math.log10(power));
      } else {
        let peak = 0;
        for (let c = 0; c < detCh; c++) {
          const a = Math.abs(det[d0 + c]!);
          if (a > peak) peak = a;
        }
        if (peak >= peakFloor) xL = reduction(20 * Math.log10(peak));
      }
      // smooth branching peak detector in the log domain
      yL = xL > yL ? alphaA * yL + (1 - alphaA) * xL : alphaR * yL + (1 - alphaR) * xL;
      if (yL < 1e-12) yL = 0; // below 1e-12 dB: no audible gain, and no slow subnormal arithmetic
      const g = 10 ** ((makeup - yL) / 20);
      for (let c = 0, j = f * channels; c < channels; c++, j++) buf[j] = buf[j]! * g;
    }
  }

  return {
    process,
    reset() {
      yL = 0;
      ring.fill(0);
      sums.fill(0);
      ringPos = 0;
    },
    sidechainChannels: scCh,
    latency: 0,
    tail: 0,
  };
}
