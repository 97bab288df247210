/**
 * Test signals and measurements shared by the test files: sines, seeded noise, RMS levels and
 * single-bin DFT magnitudes. Small and exact on purpose: tests compare against analytic answers.
 */

/** Deterministic PRNG (mulberry32): uniform in [0, 1). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Uniform white noise in [−amp, amp) from `prng(seed)`, one value a sample: `(r·2 − 1)·amp`.
 * `frames` is the number of values (for interleaved channels, frames × channels).
 */
export function whiteNoise(frames: number, seed: number, amp = 1): Float32Array {
  const r = prng(seed);
  const out = new Float32Array(frames);
  for (let i = 0; i < frames; i++) out[i] = (r() * 2 - 1) * amp;
  return out;
}

/** A mono sine: amplitude `amp`, `freq` Hz, `frames` samples at `fs`, starting at phase `phase` (radians). */
export function sine(freq: number, fs: number, frames: number, amp = 1, phase = 0): Float32Array {
  const out = new Float32Array(frames);
  for (let i = 0; i < frames; i++) out[i] = amp * Math.sin((2 * Math.PI * freq * i) / fs + phase);
  return out;
}

/** RMS level in dB of channel `ch` of interleaved `x`, frames [from, to). */
export function rmsDb(x: Float32Array, from: number, to: number, channels = 1, ch = 0): number {
  let s = 0;
  for (let i = from; i < to; i++) s += x[i * channels + ch] ** 2;
  return 10 * Math.log10(s / (to - from));
}

/**
 * Amplitude of the `freq` Hz component of channel `ch` over frames [from, to), from a single-bin
 * DFT with a Hann window (a sine of amplitude A reads A when the window holds whole periods or many).
 */
export function toneAmplitude(x: Float32Array, freq: number, fs: number, from: number, to: number, channels = 1, ch = 0): number {
  const n = to - from;
  let re = 0;
  let im = 0;
  let wsum = 0;
  for (let i = 0; i < n; i++) {
    const w = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / n);
    const v = x[(from + i) * channels + ch] * w;
    const ph = (2 * Math.PI * freq * (from + i)) / fs;
    re += v * Math.cos(ph);
    im -= v * Math.sin(ph);
    wsum += w;
  }
  return (2 * Math.hypot(re, im)) / wsum;
}

export const dB = (g: number) => 20 * Math.log10(g);

/**
 * Least-squares fit of a·cos(2πfn/fs) + b·sin(2πfn/fs) to x over [from, to): the amplitude of the
 * `freq` component, whatever its phase (normal equations of the 2×2 problem).
 */
export function sineFit(x: ArrayLike<number>, freq: number, fs: number, from: number, to: number): { a: number; b: number } {
  let cc = 0, ss = 0, cs = 0, xc = 0, xs = 0;
  for (let n = from; n < to; n++) {
    const c = Math.cos((2 * Math.PI * freq * n) / fs);
    const s = Math.sin((2 * Math.PI * freq * n) / fs);
    cc += c * c;
    ss += s * s;
    cs += c * s;
    xc += x[n]! * c;
    xs += x[n]! * s;
  }
  const det = cc * ss - cs * cs;
  return { a: (xc * ss - xs * cs) / det, b: (xs * cc - xc * cs) / det };
}

/** Block sizes 0 … maxBlock − 1 (zero-length blocks on purpose) that add up to `total`, seeded. */
export function randomSplits(total: number, seed: number, maxBlock: number): number[] {
  const r = prng(seed);
  const out: number[] = [];
  let left = total;
  while (left > 0) {
    const n = Math.min(left, Math.floor(r() * maxBlock));
    out.push(n);
    left -= n;
  }
  return out;
}

/** Index of the first sample where a and b differ (Object.is, so bitwise for numbers), or −1; faster than toEqual on long arrays. */
export function firstDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Math.min(a.length, b.length);
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return i;
  return -1;
}
