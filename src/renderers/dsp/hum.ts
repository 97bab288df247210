/**
 * Mains hum removal: an adaptive harmonic canceller.
 *
 * Method (Widrow et al., "Adaptive noise cancelling: principles and
 * applications", Proc. IEEE 63(12), 1975, the sinusoidal-reference case). A
 * reference oscillator of phase θ[n] = ω·n, ω = 2π·f₀/f_s, supplies cos(kθ) and
 * sin(kθ) for every harmonic k = 1…K. For every harmonic and channel c the
 * canceller keeps two weights (a, b) — the in-phase and quadrature amplitude of
 * that harmonic — and reconstructs the hum as
 *
 *   ŷ_c[n] = Σ_k a_ck·cos(kθ[n]) + b_ck·sin(kθ[n])
 *   e_c[n] = x_c[n] − ŷ_c[n]                                   (hum-free estimate)
 *   a_ck  += μ·e_c[n]·cos(kθ[n]),   b_ck += μ·e_c[n]·sin(kθ[n])             (LMS)
 *
 * This is "demodulate each harmonic to DC, low-pass, subtract the
 * reconstruction", with the low-pass (an integrator) inside the feedback loop.
 * For a fixed ω the whole thing is exactly a linear time-invariant filter: a
 * comb of notches with zeros ON the unit circle at e^{±jkω} (infinite depth at
 * each harmonic) and poles at radius r = √(1 − μ) ≈ 1 − μ/2 (Glover, "Adaptive
 * noise cancelling applied to sinusoidal interferences", IEEE ASSP 25(6), 1977),
 * so each notch's −3 dB width is
 *
 *   B (rad/sample) ≈ μ   ⇔   μ = 2π·B_Hz / f_s,
 *
 * and the cancellation settles with time constant τ ≈ 1/(π·B_Hz) s
 * (B = 4 Hz: τ ≈ 80 ms, hum down 30 dB after ≈ 0.3 s). A mains frequency
 * that drifts by δ Hz from f₀ leaves harmonic k attenuated by about
 * 20·log10(k·δ/(B/2)) dB only, so widen B for sources with unstable mains
 * (generator-powered location recordings).
 *
 * Frequency tracking (a frequency-locked loop on the rotation of the weight
 * phasors) was tried and left out: under dialogue 20 dB above the hum its
 * estimate wandered by ±0.02–0.1 Hz (the Cramér–Rao bound of a frequency
 * estimate in that much noise), which cost more depth at the upper harmonics
 * than the drift it corrected.
 *
 * Output: y_c = x_c − depth·ŷ_c (depth 1 removes the hum; 0.5 lowers it by 6 dB).
 * Latency 0. The oscillator phase is a function of the absolute sample index
 * (re-anchored exactly every 4096 samples, rotated by e^{jω} in between) and all
 * other state is explicit float64, so output never depends on how the signal is
 * split into blocks.
 */

export interface HumOptions {
  sampleRate: number;
  channels: number;
  /** Mains frequency f₀ in Hz (50 or 60; any value in (0, f_s/2) is accepted). */
  fundamental: number;
  /** Number of harmonics removed, the fundamental included (default 8). */
  harmonics?: number;
  /** Harmonics above this frequency (Hz) are skipped (default 0.45·f_s). */
  maxFrequency?: number;
  /** −3 dB width of each notch in Hz (default 4 Hz). Narrower = more selective, slower to settle, less drift-tolerant. */
  bandwidth?: number;
  /** Fraction of the hum removed, 0…1 (default 1). */
  depth?: number;
}

export interface HumRemover {
  /** Processes `frames` interleaved frames in place. Allocation-free. */
  process(buf: Float32Array, frames: number): void;
  readonly latency: number;
  readonly tail: number;
  /** Number of harmonics actually cancelled (after the maxFrequency limit). */
  readonly harmonicCount: number;
}

export const HUM_DEFAULTS = Object.freeze({
  harmonics: 8,
  bandwidth: 4,
  depth: 1,
});

/** Samples between exact re-computations of the oscillator phase. */
const REANCHOR = 4096;

/** Returns an error message for invalid options, or null. */
export function validateHum(o: HumOptions): string | null {
  const fs = o.sampleRate;
  if (!(fs > 0)) return `hum: sample rate must be > 0 (got ${fs})`;
  if (!Number.isInteger(o.channels) || o.channels < 1) return `hum: channels must be a positive integer (got ${o.channels})`;
  if (!(o.fundamental > 0) || o.fundamental >= fs / 2) return `hum: fundamental must be in (0, ${fs / 2}) Hz (got ${o.fundamental})`;
  const h = o.harmonics ?? HUM_DEFAULTS.harmonics;
  if (!Number.isInteger(h) || h < 1) return `hum: harmonics must be a positive integer (got ${h})`;
  if (o.maxFrequency !== undefined && !(o.maxFrequency >= o.fundamental)) {
    return `hum: maxFrequency must be ≥ the fundamental (got ${o.maxFrequency} Hz)`;
  }
  const b = o.bandwidth ?? HUM_DEFAULTS.bandwidth;
  if (!(b > 0) || b > o.fundamental / 2) return `hum: bandwidth must be in (0, fundamental/2] Hz (got ${b})`;
  const d = o.depth ?? HUM_DEFAULTS.depth;
  if (!(d >= 0 && d <= 1)) return `hum: depth must be in [0, 1] (got ${d})`;
  return null;
}

export function createHumRemover(o: HumOptions): HumRemover {
  const err = validateHum(o);
  if (err) throw new RangeError(err);
  const fs = o.sampleRate;
  const C = o.channels;
  const f0 = o.fundamental;
  const fMax = Math.min(o.maxFrequency ?? 0.45 * fs, 0.45 * fs);
  const K = Math.min(o.harmonics ?? HUM_DEFAULTS.harmonics, Math.floor(fMax / f0));
  const mu = (2 * Math.PI * (o.bandwidth ?? HUM_DEFAULTS.bandwidth)) / fs;
  const depth = o.depth ?? HUM_DEFAULTS.depth;
  const TWO_PI = 2 * Math.PI;
  const cw = Math.cos((TWO_PI * f0) / fs);
  const sw = Math.sin((TWO_PI * f0) / fs);

  // state (float64): weights a, b per channel and harmonic; oscillator e^{jθ} and the absolute sample index
  const wa = new Float64Array(C * K);
  const wb = new Float64Array(C * K);
  const cosK = new Float64Array(K);
  const sinK = new Float64Array(K);
  const osc = new Float64Array([1, 0, 0]); // cos θ, sin θ, absolute sample index n

  function process(buf: Float32Array, frames: number): void {
    if (frames * C > buf.length) throw new RangeError(`hum: ${frames} frames of ${C} channels exceed a buffer of ${buf.length}`);
    if (K === 0) return;
    let c1 = osc[0]!;
    let s1 = osc[1]!;
    let n = osc[2]!;
    let untilAnchor = (REANCHOR - (n % REANCHOR)) % REANCHOR;
    for (let f = 0, i = 0; f < frames; f++, i += C) {
      if (untilAnchor-- === 0) {
        untilAnchor = REANCHOR - 1;
        // θ[n] = 2π·(n·f₀ mod f_s)/f_s, exact for integer f₀ and f_s
        const th = (TWO_PI * ((n * f0) % fs)) / fs;
        c1 = Math.cos(th);
        s1 = Math.sin(th);
      }
      // harmonic phasors e^{jkθ} = e^{j(k−1)θ}·e^{jθ}
      let ck = c1;
      let sk = s1;
      for (let k = 0; k < K; k++) {
        cosK[k] = ck;
        sinK[k] = sk;
        const cn = ck * c1 - sk * s1;
        sk = sk * c1 + ck * s1;
        ck = cn;
      }
      for (let c = 0, w = 0; c < C; c++) {
        const x = buf[i + c]!;
        let yhat = 0;
        for (let k = 0; k < K; k++) yhat += wa[w + k]! * cosK[k]! + wb[w + k]! * sinK[k]!;
        const me = mu * (x - yhat);
        buf[i + c] = x - depth * yhat;
        for (let k = 0; k < K; k++, w++) {
          wa[w] = wa[w]! + me * cosK[k]!;
          wb[w] = wb[w]! + me * sinK[k]!;
        }
      }
      // θ[n+1] = θ[n] + ω
      const cn = c1 * cw - s1 * sw;
      s1 = s1 * cw + c1 * sw;
      c1 = cn;
      n++;
    }
    osc[0] = c1;
    osc[1] = s1;
    osc[2] = n;
  }

  return { process, latency: 0, tail: 0, harmonicCount: K };
}
