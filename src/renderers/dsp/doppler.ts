/**
 * Doppler shift as a variable delay line: the listener hears the source through a
 * propagation delay τ = d/c that changes as the source moves, and reading a delay line at
 * a moving point shifts every frequency by the rate at which the read point moves.
 *
 * ## Which distance sets the delay
 *
 * `timeBase: 'emission'` (default, physically right for a moving source and a still
 * listener): the trajectory d(t) says where the source *is* at time t. The sound that
 * reaches the listener at time n left the source at t_e = n − τ, when it was d(t_e) away:
 *
 *   τ(n) = D(n − τ(n)),   D(t) = d(t)·fs/c   (samples)
 *
 * For a source approaching at constant speed v this gives dτ/dn = −v/(c − v), so a tone
 * f is heard at f·(1 − dτ/dn) = f·c/(c − v) — the classical moving-source formula
 * f' = f·c/(c − v_r) (reference: distance-and-restoration.md, "Doppler"). The equation is
 * solved per sample by Newton's method on the linearly interpolated distance history,
 * started from the previous sample's τ; it converges because |v| < c (g(τ) = τ − D(n − τ)
 * has slope 1 − v/c > 0). Sources at or above the speed of sound are not modelled.
 *
 * `timeBase: 'reception'`: τ(n) = D(n) — the delay simply follows the distance at the
 * listening time, a moving-listener model, f' = f·(1 + v/c). It differs from 'emission'
 * by (v/c)² (0.3 % at 20 m/s).
 *
 * ## Reading the delay line
 *
 * 4-point, 3rd-order Hermite (Catmull–Rom) interpolation between x[i] and x[i+1], i = ⌊n − τ⌋,
 * t = (n − τ) − i (O. Niemitalo, "Polynomial interpolators for high-quality resampling of
 * oversampled audio", 2001):
 *
 *   c0 = x0,  c1 = ½(x1 − x₋₁),  c2 = x₋₁ − 2.5·x0 + 2·x1 − ½·x2,  c3 = ½(x2 − x₋₁) + 1.5(x0 − x1)
 *   y  = ((c3·t + c2)·t + c1)·t + c0
 *
 * It passes through the samples (t = 0 gives x0 exactly, so an integer delay is an exact
 * copy) and has a continuous first derivative. It needs x[i+2]; for a delay under one
 * sample (d < c/fs, 7 mm at 48 kHz) that sample is still in the future and is replaced by
 * the linear extrapolation 2·x[n] − x[n−1].
 *
 * Before the stream starts the input is silence and the source stood still at its first
 * distance. State is explicit and every quantity is a function of the absolute sample
 * index, so the output does not depend on block boundaries. One state per channel.
 */

import { speedOfSound } from './distance.ts';

/** A distance trajectory (metres) for one block: one value, one value per sample, or a function of the absolute sample index. */
export type DistanceTrajectory = number | Float32Array | Float64Array | ((sampleIndex: number) => number);

export interface DopplerOptions {
  readonly sampleRate: number;
  /** Largest distance the source will reach (metres): sizes the delay line. */
  readonly maxDistance: number;
  /** Air temperature for c = 331.3·√(1 + T/273.15). Default 20 °C (343.2 m/s). */
  readonly temperatureC?: number;
  /** Speed of sound in m/s; overrides `temperatureC`. */
  readonly speedOfSound?: number;
  /** See the file header. Default 'emission'. */
  readonly timeBase?: 'emission' | 'reception';
}

/** Explicit state of one channel's delay line. */
export interface DopplerState {
  readonly sampleRate: number;
  readonly speedOfSound: number;
  readonly timeBase: 'emission' | 'reception';
  /** Largest delay the line can hold, in samples. */
  readonly maxDelay: number;
  /** Length of the two history rings. */
  readonly size: number;
  /** Input history, x[j] at index j mod size. */
  readonly audio: Float64Array;
  /** Delay history D(j) = d(j)·fs/c in samples, at index j mod size. */
  readonly delay: Float64Array;
  /** Absolute index of the next input sample. */
  position: number;
  /** D at the first sample (the source's position before the stream). */
  firstDelay: number;
  /** τ of the previous sample (Newton's starting point). */
  tau: number;
}

export function createDoppler(opts: DopplerOptions): DopplerState {
  const fs = opts.sampleRate;
  if (!(Number.isFinite(fs) && fs > 0)) throw new RangeError(`doppler: sampleRate must be > 0, got ${fs}`);
  const c = opts.speedOfSound ?? speedOfSound(opts.temperatureC ?? 20);
  if (!(Number.isFinite(c) && c > 0)) throw new RangeError(`doppler: speed of sound must be > 0, got ${c}`);
  if (!(Number.isFinite(opts.maxDistance) && opts.maxDistance >= 0)) {
    throw new RangeError(`doppler: maxDistance must be a finite number ≥ 0 m, got ${opts.maxDistance}`);
  }
  const timeBase = opts.timeBase ?? 'emission';
  if (timeBase !== 'emission' && timeBase !== 'reception') throw new RangeError(`doppler: unknown timeBase ${JSON.stringify(timeBase)}`);
  const maxDelay = (opts.maxDistance * fs) / c;
  // room for the delay, the interpolator's neighbours and one spare sample
  let size = 8;
  while (size < Math.ceil(maxDelay) + 8) size *= 2;
  return {
    sampleRate: fs,
    speedOfSound: c,
    timeBase,
    maxDelay,
    size,
    audio: new Float64Array(size),
    delay: new Float64Array(size),
    position: 0,
    firstDelay: 0,
    tau: 0,
  };
}

/** Clears the line, as if newly created. */
export function resetDoppler(s: DopplerState): void {
  s.audio.fill(0);
  s.delay.fill(0);
  s.position = 0;
  s.firstDelay = 0;
  s.tau = 0;
}

/** Catmull–Rom / 4-point 3rd-order Hermite between x0 (t = 0) and x1 (t = 1). */
export function hermite4(xm1: number, x0: number, x1: number, x2: number, t: number): number {
  const c1 = 0.5 * (x1 - xm1);
  const c2 = xm1 - 2.5 * x0 + 2 * x1 - 0.5 * x2;
  const c3 = 0.5 * (x2 - xm1) + 1.5 * (x0 - x1);
  return ((c3 * t + c2) * t + c1) * t + x0;
}

/**
 * Delays `frames` samples of one channel by the propagation time of `distance`.
 * Optionally writes the delay actually applied (samples) to `delayOut`; τ·c/fs is then the
 * source distance at emission, which is the distance to feed the distance-gain law so that
 * level and pitch change together. `input` and `output` may be the same array.
 * Allocation-free (if a trajectory function is given, as long as it is).
 */
export function dopplerProcess(
  s: DopplerState,
  input: Float32Array | Float64Array,
  output: Float32Array | Float64Array,
  frames: number,
  distance: DistanceTrajectory,
  delayOut?: Float32Array | Float64Array,
): void {
  if (frames > input.length || frames > output.length) {
    throw new RangeError(`doppler: ${frames} frames exceed the buffers (${input.length}, ${output.length})`);
  }
  if (typeof distance === 'object' && distance.length < frames) {
    throw new RangeError(`doppler: distance has ${distance.length} values for ${frames} frames`);
  }
  if (delayOut !== undefined && delayOut.length < frames) {
    throw new RangeError(`doppler: delayOut has room for ${delayOut.length} values, need ${frames}`);
  }
  const { size, audio, delay } = s;
  const toSamples = s.sampleRate / s.speedOfSound;
  const emission = s.timeBase === 'emission';
  for (let i = 0; i < frames; i++) {
    const n = s.position;
    const d =
      typeof distance === 'number' ? distance : typeof distance === 'function' ? distance(n) : distance[i]!;
    if (!(d >= 0 && Number.isFinite(d))) throw new RangeError(`doppler: distance at sample ${n} must be a finite number ≥ 0 m, got ${d}`);
    const Dn = d * toSamples;
    if (Dn > s.maxDelay) {
      throw new RangeError(`doppler: distance ${d} m at sample ${n} exceeds the line's maxDistance ${(s.maxDelay / toSamples).toFixed(3)} m`);
    }
    if (n === 0) {
      s.firstDelay = Dn;
      s.tau = Dn;
    }
    delay[n % size] = Dn;
    audio[n % size] = input[i]!;

    let tau: number;
    if (!emission) {
      tau = Dn;
    } else {
      // Newton on g(τ) = τ − D(n − τ), D linear between history samples
      tau = s.tau;
      for (let it = 0; it < 32; it++) {
        const t = n - tau;
        let j = Math.floor(t);
        if (j >= n) j = n - 1; // t = n: use the segment ending at n
        const frac = t - j;
        const D0 = j < 0 ? s.firstDelay : delay[j % size]!;
        const D1 = j + 1 < 0 ? s.firstDelay : delay[(j + 1) % size]!;
        const slope = D1 - D0; // dD/dt, samples per sample
        const g = tau - (D0 + slope * frac);
        const next = tau - g / (1 + slope);
        const step = next - tau;
        tau = next;
        if (Math.abs(step) < 1e-10) break;
      }
      if (tau < 0) tau = 0;
      if (tau > s.maxDelay) tau = s.maxDelay;
    }
    s.tau = tau;
    if (delayOut !== undefined) delayOut[i] = tau;

    // read x at n − τ
    const p = n - tau;
    const k = Math.floor(p);
    const t = p - k;
    const x0 = k >= 0 ? audio[k % size]! : 0;
    let y: number;
    if (t === 0) {
      y = x0;
    } else {
      const xm1 = k - 1 >= 0 ? audio[(k - 1) % size]! : 0;
      const x1 = k + 1 >= 0 ? audio[(k + 1) % size]! : 0;
      // x[k + 2] is in the future when τ < 1: extrapolate linearly from x[n − 1], x[n]
      const x2 = k + 2 <= n ? (k + 2 >= 0 ? audio[(k + 2) % size]! : 0) : 2 * x1 - x0;
      y = hermite4(xm1, x0, x1, x2, t);
    }
    output[i] = y;
    s.position = n + 1;
  }
}
