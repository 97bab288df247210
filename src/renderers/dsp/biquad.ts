/**
 * A minimal second-order IIR section ("biquad").
 *
 *   H(z) = (b0 + b1 z^-1 + b2 z^-2) / (1 + a1 z^-1 + a2 z^-2)        (a0 normalised to 1)
 *
 * Realised in transposed direct form II, which needs two state values per
 * section and per channel. The state is float64 whatever the sample type, so
 * the low-frequency sections of the K-weighting (poles within 0.005 of z = 1)
 * keep their precision.
 *
 *   y[n]  = b0·x[n] + s1
 *   s1'   = b1·x[n] − a1·y[n] + s2
 *   s2'   = b2·x[n] − a2·y[n]
 *
 * The state is explicit (a Float64Array the caller owns), so output never
 * depends on how the input is split into blocks.
 */

/** Coefficients of one section, normalised so that a0 = 1. */
export interface BiquadCoefficients {
  readonly b0: number;
  readonly b1: number;
  readonly b2: number;
  readonly a1: number;
  readonly a2: number;
}

/** Number of float64 state values one section needs per channel. */
export const BIQUAD_STATE_SIZE = 2;

/** State for `sections` sections (e.g. one per channel), all zero (a signal preceded by silence). */
export function createBiquadState(sections = 1): Float64Array {
  return new Float64Array(sections * BIQUAD_STATE_SIZE);
}

/**
 * Filters one channel of an interleaved buffer in place: samples
 * buf[offset], buf[offset + stride], … (`frames` of them).
 * `state[stateOffset]` and `state[stateOffset + 1]` hold s1, s2 and are updated.
 * Allocation-free.
 */
export function biquadProcessStrided(
  buf: Float32Array,
  offset: number,
  stride: number,
  frames: number,
  c: BiquadCoefficients,
  state: Float64Array,
  stateOffset = 0,
): void {
  if (offset + (frames - 1) * stride >= buf.length && frames > 0) {
    throw new RangeError(`biquad: ${frames} frames at offset ${offset}, stride ${stride} exceed a buffer of ${buf.length}`);
  }
  const { b0, b1, b2, a1, a2 } = c;
  let s1 = state[stateOffset]!;
  let s2 = state[stateOffset + 1]!;
  for (let i = 0, j = offset; i < frames; i++, j += stride) {
    const x = buf[j]!;
    const y = b0 * x + s1;
    s1 = b1 * x - a1 * y + s2;
    s2 = b2 * x - a2 * y;
    buf[j] = y;
  }
  state[stateOffset] = s1;
  state[stateOffset + 1] = s2;
}

/**
 * |H(e^{jω})| at frequency `f` (Hz) for sample rate `fs`: evaluates the
 * transfer function on the unit circle, z = e^{jω}, ω = 2π f / fs.
 */
export function biquadMagnitude(c: BiquadCoefficients, f: number, fs: number): number {
  const w = (2 * Math.PI * f) / fs;
  const c1 = Math.cos(w);
  const s1 = Math.sin(w);
  const c2 = Math.cos(2 * w);
  const s2 = Math.sin(2 * w);
  // numerator and denominator evaluated at z^-1 = e^{-jω}
  const nr = c.b0 + c.b1 * c1 + c.b2 * c2;
  const ni = -(c.b1 * s1 + c.b2 * s2);
  const dr = 1 + c.a1 * c1 + c.a2 * c2;
  const di = -(c.a1 * s1 + c.a2 * s2);
  return Math.sqrt((nr * nr + ni * ni) / (dr * dr + di * di));
}
