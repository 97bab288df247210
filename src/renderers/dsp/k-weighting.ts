/**
 * K-weighting, ITU-R BS.1770-4 §2.1 (Annex 1): a high-shelf "pre-filter"
 * (stage 1, head acoustics, about +4 dB above 2 kHz) followed by the RLB
 * high-pass (stage 2, "revised low-frequency B-curve", about −3 dB at 40 Hz …
 * strictly the corner of a 2nd-order high-pass near 38 Hz).
 *
 * The standard prints the coefficients for fs = 48 kHz only (Tables 1 and 2)
 * and asks that other rates use coefficients giving "the same response". We
 * derive them for any rate, as libebur128 does, from analog prototypes whose
 * parameters were fitted so that their bilinear transform at 48 kHz lands on
 * the printed coefficients (the fit is public: B. De Man's derivation, also
 * used by libebur128 and pyloudnorm). The test checks the 48 kHz result
 * against Tables 1 and 2 to 1e-8.
 *
 * Stage 1, high shelf. Analog prototype with corner ω0 = 2π·f0:
 *
 *            V_h·s² + V_b·(ω0/Q)·s + ω0²
 *   H1(s) = ------------------------------ ,  f0 = 1681.974450955533 Hz, Q = 0.7071752369554196,
 *               s² + (ω0/Q)·s + ω0²           V_h = 10^(G/20), G = 3.999843853973347 dB,
 *                                             V_b = V_h^0.4996667741545416
 *
 * (unity gain at DC, V_h ≈ +4 dB at high frequencies, V_b shapes the
 * transition). Bilinear transform pre-warped at f0, s = (ω0/K)·(1 − z⁻¹)/(1 + z⁻¹)
 * with K = tan(π·f0/fs). Multiplying through by K²·(1 + z⁻¹)² gives
 *
 *   b0 = (V_h + V_b·K/Q + K²)/a0,  b1 = 2(K² − V_h)/a0,  b2 = (V_h − V_b·K/Q + K²)/a0,
 *   a1 = 2(K² − 1)/a0,             a2 = (1 − K/Q + K²)/a0,     a0 = 1 + K/Q + K².
 *
 * Stage 2, RLB high-pass. Analog prototype
 *
 *   H2(s) = g · s² / (s² + (ω0/Q)·s + ω0²),  f0 = 38.13547087602444 Hz, Q = 0.5003270373238773.
 *
 * The bilinear transform gives b = g·(1, −2, 1)/a0 and a1, a2 as above. The
 * standard prints b = (1, −2, 1) unnormalised, i.e. the 48 kHz filter has the
 * pass-band gain g = a0(48 kHz) ≈ 1.004995 (+0.043 dB), which the −0.691 dB
 * constant of BS.1770 absorbs. To give "the same response" at every rate we
 * keep g fixed at a0(48 kHz), so b = (1, −2, 1)·a0(48 kHz)/a0(fs): exactly
 * (1, −2, 1) at 48 kHz. (libebur128 keeps b = (1, −2, 1) at every rate, which
 * moves its 1 kHz gain by −0.017 dB at 96 kHz and +0.003 dB at 44.1 kHz
 * relative to 48 kHz; ours stays within 0.006 dB from 44.1 to 192 kHz, the
 * rest being the bilinear transform's frequency warping of the shelf.)
 */

import type { BiquadCoefficients } from './biquad.ts';

/** Analog prototype parameters of the stage-1 high shelf (see the derivation above). */
export const PRE_FILTER_PROTOTYPE = {
  f0: 1681.974450955533,
  gainDb: 3.999843853973347,
  q: 0.7071752369554196,
  /** V_b = V_h ^ bandExponent */
  bandExponent: 0.4996667741545416,
} as const;

/** Analog prototype parameters of the stage-2 RLB high-pass. */
export const RLB_PROTOTYPE = {
  f0: 38.13547087602444,
  q: 0.5003270373238773,
} as const;

/** The two sections of the K-weighting filter at one sample rate. */
export interface KWeightingCoefficients {
  readonly sampleRate: number;
  /** stage 1, pre-filter (high shelf) */
  readonly shelf: BiquadCoefficients;
  /** stage 2, RLB high-pass */
  readonly highPass: BiquadCoefficients;
}

/** Float64 state values per channel: two TDF-II sections × (s1, s2). */
export const K_WEIGHTING_STATE_SIZE = 4;

function rlbDenominator(fs: number): { a0: number; a1: number; a2: number } {
  const { f0, q } = RLB_PROTOTYPE;
  const K = Math.tan((Math.PI * f0) / fs);
  const a0 = 1 + K / q + K * K;
  return { a0, a1: (2 * (K * K - 1)) / a0, a2: (1 - K / q + K * K) / a0 };
}

/** K-weighting coefficients for sample rate `fs` (Hz), derived from the analog prototypes. */
export function kWeightingCoefficients(fs: number): KWeightingCoefficients {
  if (!Number.isFinite(fs) || fs <= 2 * PRE_FILTER_PROTOTYPE.f0) {
    throw new RangeError(`K-weighting: sample rate ${fs} Hz is not supported (needs > ${2 * PRE_FILTER_PROTOTYPE.f0} Hz)`);
  }
  const { f0, gainDb, q, bandExponent } = PRE_FILTER_PROTOTYPE;
  const K = Math.tan((Math.PI * f0) / fs);
  const Vh = Math.pow(10, gainDb / 20);
  const Vb = Math.pow(Vh, bandExponent);
  const a0 = 1 + K / q + K * K;
  const shelf: BiquadCoefficients = {
    b0: (Vh + (Vb * K) / q + K * K) / a0,
    b1: (2 * (K * K - Vh)) / a0,
    b2: (Vh - (Vb * K) / q + K * K) / a0,
    a1: (2 * (K * K - 1)) / a0,
    a2: (1 - K / q + K * K) / a0,
  };
  const d = rlbDenominator(fs);
  const g = rlbDenominator(48000).a0 / d.a0; // exactly 1 at 48 kHz
  const highPass: BiquadCoefficients = { b0: g, b1: -2 * g, b2: g, a1: d.a1, a2: d.a2 };
  return { sampleRate: fs, shelf, highPass };
}

/**
 * The K-weighting kernel of the loudness meter, fused for speed: filters one
 * channel of an interleaved buffer through both sections (TDF-II, float64
 * state; the input is not modified) and adds weight·y[n]² to out[n] for
 * n in [0, frames) (or stores it, when `accumulate` is false). This is the
 * per-sample G_i·y_i² term of BS.1770-4 eq. (1)–(2) before averaging.
 *
 * Also raises peaks[peakIndex] to the channel's sample peak max|x[n]| over
 * the span, so the meter reads every sample once. `state[stateOffset …
 * stateOffset + 3]` is updated. Allocation-free.
 */
export function kWeightChannel(
  input: Float32Array,
  offset: number,
  stride: number,
  frames: number,
  k: KWeightingCoefficients,
  state: Float64Array,
  stateOffset: number,
  weight: number,
  out: Float64Array,
  accumulate: boolean,
  peaks: Float64Array,
  peakIndex: number,
): void {
  const p = k.shelf;
  const h = k.highPass;
  const pb0 = p.b0, pb1 = p.b1, pb2 = p.b2, pa1 = p.a1, pa2 = p.a2;
  const hb0 = h.b0, hb1 = h.b1, hb2 = h.b2, ha1 = h.a1, ha2 = h.a2;
  let p1 = state[stateOffset]!;
  let p2 = state[stateOffset + 1]!;
  let h1 = state[stateOffset + 2]!;
  let h2 = state[stateOffset + 3]!;
  let peak = peaks[peakIndex]!;
  for (let i = 0, j = offset; i < frames; i++, j += stride) {
    const x = input[j]!;
    // Math.abs, not a ternary: V8 turns the ternary into a branch that audio's random signs mispredict
    const ax = Math.abs(x);
    if (ax > peak) peak = ax;
    const u = pb0 * x + p1;
    p1 = pb1 * x - pa1 * u + p2;
    p2 = pb2 * x - pa2 * u;
    const y = hb0 * u + h1;
    h1 = hb1 * u - ha1 * y + h2;
    h2 = hb2 * u - ha2 * y;
    const e = weight * y * y;
    out[i] = accumulate ? out[i]! + e : e;
  }
  state[stateOffset] = p1;
  state[stateOffset + 1] = p2;
  state[stateOffset + 2] = h1;
  state[stateOffset + 3] = h2;
  peaks[peakIndex] = peak;
}

/**
 * kWeightChannel for two channels in one pass: out[n] (+)= wA·yA[n]² + wB·yB[n]².
 * The biquad recursions are latency-bound (each output waits for the previous
 * one); interleaving two independent channels in one loop lets the CPU overlap
 * them, about 2–3× the throughput of two single-channel passes.
 */
export function kWeightChannelPair(
  input: Float32Array,
  offsetA: number,
  offsetB: number,
  stride: number,
  frames: number,
  k: KWeightingCoefficients,
  state: Float64Array,
  stateA: number,
  stateB: number,
  weightA: number,
  weightB: number,
  out: Float64Array,
  accumulate: boolean,
  peaks: Float64Array,
  peakA: number,
  peakB: number,
): void {
  const p = k.shelf;
  const h = k.highPass;
  const pb0 = p.b0, pb1 = p.b1, pb2 = p.b2, pa1 = p.a1, pa2 = p.a2;
  const hb0 = h.b0, hb1 = h.b1, hb2 = h.b2, ha1 = h.a1, ha2 = h.a2;
  let p1 = state[stateA]!, p2 = state[stateA + 1]!, h1 = state[stateA + 2]!, h2 = state[stateA + 3]!;
  let q1 = state[stateB]!, q2 = state[stateB + 1]!, g1 = state[stateB + 2]!, g2 = state[stateB + 3]!;
  let mA = peaks[peakA]!;
  let mB = peaks[peakB]!;
  const d = offsetB - offsetA;
  for (let i = 0, j = offsetA; i < frames; i++, j += stride) {
    const xa = input[j]!;
    const xb = input[j + d]!;
    const aa = Math.abs(xa);
    if (aa > mA) mA = aa;
    const ab = Math.abs(xb);
    if (ab > mB) mB = ab;
    const ua = pb0 * xa + p1;
    p1 = pb1 * xa - pa1 * ua + p2;
    p2 = pb2 * xa - pa2 * ua;
    const ub = pb0 * xb + q1;
    q1 = pb1 * xb - pa1 * ub + q2;
    q2 = pb2 * xb - pa2 * ub;
    const ya = hb0 * ua + h1;
    h1 = hb1 * ua - ha1 * ya + h2;
    h2 = hb2 * ua - ha2 * ya;
    const yb = hb0 * ub + g1;
    g1 = hb1 * ub - ha1 * yb + g2;
    g2 = hb2 * ub - ha2 * yb;
    const e = weightA * ya * ya + weightB * yb * yb;
    out[i] = accumulate ? out[i]! + e : e;
  }
  state[stateA] = p1; state[stateA + 1] = p2; state[stateA + 2] = h1; state[stateA + 3] = h2;
  state[stateB] = q1; state[stateB + 1] = q2; state[stateB + 2] = g1; state[stateB + 3] = g2;
  peaks[peakA] = mA;
  peaks[peakB] = mB;
}

/**
 * Sets filter state values below 1e-30 in magnitude to exactly zero. After a
 * signal stops, the decaying state otherwise reaches the subnormal range, where
 * x86 arithmetic is ~100× slower and a TDF-II section can sit in a limit cycle
 * for ever. The meter calls this at fixed sample positions (every 100 ms step),
 * so results stay independent of how the input is split into blocks; the
 * effect on any reading is below 1e-50 in energy.
 */
export function flushTinyState(state: Float64Array): void {
  for (let i = 0; i < state.length; i++) {
    const s = state[i]!;
    if (s !== 0 && s < 1e-30 && s > -1e-30) state[i] = 0;
  }
}
