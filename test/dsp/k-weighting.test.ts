import { describe, expect, it } from 'vitest';
import { biquadMagnitude, biquadProcessStrided, createBiquadState, type BiquadCoefficients } from '../../src/renderers/dsp/biquad.ts';
import {
  flushTinyState,
  K_WEIGHTING_STATE_SIZE,
  kWeightChannel,
  kWeightChannelPair,
  kWeightingCoefficients,
  PRE_FILTER_PROTOTYPE,
  RLB_PROTOTYPE,
} from '../../src/renderers/dsp/k-weighting.ts';

/** ITU-R BS.1770-4 Annex 1, Table 1 (pre-filter) and Table 2 (RLB), fs = 48 kHz. */
const TABLE_1 = { b0: 1.53512485958697, b1: -2.69169618940638, b2: 1.19839281085285, a1: -1.69065929318241, a2: 0.73248077421585 };
const TABLE_2 = { b0: 1.0, b1: -2.0, b2: 1.0, a1: -1.99004745483398, a2: 0.99007225036621 };

function kGainDb(f: number, fs: number): number {
  const k = kWeightingCoefficients(fs);
  return 20 * Math.log10(biquadMagnitude(k.shelf, f, fs) * biquadMagnitude(k.highPass, f, fs));
}

/** |H(jω)| of the analog prototypes the coefficients are derived from. */
function analogGainDb(f: number): number {
  const mag = (num: [number, number, number], den: [number, number, number], w: number): number => {
    // (n2·s² + n1·s + n0) / (d2·s² + d1·s + d0) at s = jω
    const nr = num[0] - num[2] * w * w;
    const ni = num[1] * w;
    const dr = den[0] - den[2] * w * w;
    const di = den[1] * w;
    return Math.sqrt((nr * nr + ni * ni) / (dr * dr + di * di));
  };
  const p = PRE_FILTER_PROTOTYPE;
  const Vh = Math.pow(10, p.gainDb / 20);
  const Vb = Math.pow(Vh, p.bandExponent);
  const w1 = f / p.f0; // normalised to ω0 = 1
  const shelf = mag([1, Vb / p.q, Vh], [1, 1 / p.q, 1], w1);
  const w2 = f / RLB_PROTOTYPE.f0;
  // the RLB gain g = a0(48 kHz) that the printed b = (1, −2, 1) implies
  const K = Math.tan((Math.PI * RLB_PROTOTYPE.f0) / 48000);
  const g = 1 + K / RLB_PROTOTYPE.q + K * K;
  const hp = g * mag([0, 0, 1], [1, 1 / RLB_PROTOTYPE.q, 1], w2);
  return 20 * Math.log10(shelf * hp);
}

describe('K-weighting coefficients', () => {
  it('48 kHz reproduces BS.1770-4 Tables 1 and 2 to 1e-8', () => {
    const k = kWeightingCoefficients(48000);
    for (const key of ['b0', 'b1', 'b2', 'a1', 'a2'] as const) {
      expect(Math.abs(k.shelf[key] - TABLE_1[key]), `pre-filter ${key}`).toBeLessThan(1e-8);
      expect(Math.abs(k.highPass[key] - TABLE_2[key]), `RLB ${key}`).toBeLessThan(1e-8);
    }
    expect(k.highPass.b0).toBe(1);
  });

  it('gain at 997 Hz is +0.691 dB, the constant −0.691 of BS.1770-4 eq. (2) cancels', () => {
    expect(kGainDb(997, 48000)).toBeCloseTo(0.691, 3);
    expect(kGainDb(1000, 48000)).toBeCloseTo(0.6977, 3);
  });

  it('shape: about −13.3 dB at 20 Hz, 0 dB around 200 Hz… 1 kHz region, +4 dB shelf above 5 kHz', () => {
    expect(kGainDb(20, 48000)).toBeCloseTo(-13.275, 2);
    expect(Math.abs(kGainDb(10000, 48000) - 4.04)).toBeLessThan(0.01);
    expect(Math.abs(kGainDb(20000, 48000) - 4.04)).toBeLessThan(0.01);
  });

  for (const fs of [32000, 44100, 88200, 96000, 192000]) {
    it(`${fs} Hz: same response as 48 kHz within 0.01 dB from 20 Hz to 15 kHz`, () => {
      for (const f of [20, 40, 100, 500, 997, 2000, 5000, 10000, 15000]) {
        if (f >= 0.45 * fs) continue;
        expect(Math.abs(kGainDb(f, fs) - kGainDb(f, 48000)), `${f} Hz`).toBeLessThan(0.01);
      }
    });
  }

  it('the derivation converges on the analog prototypes as fs grows (bilinear warping only)', () => {
    for (const f of [20, 100, 997, 3000, 10000]) {
      expect(Math.abs(kGainDb(f, 768000) - analogGainDb(f)), `${f} Hz`).toBeLessThan(0.002);
    }
  });

  it('rejects rates the shelf cannot be placed at', () => {
    expect(() => kWeightingCoefficients(3000)).toThrow(/sample rate/);
    expect(() => kWeightingCoefficients(Number.NaN)).toThrow(/sample rate/);
  });
});

describe('biquad', () => {
  const c: BiquadCoefficients = kWeightingCoefficients(48000).shelf;

  function noise(n: number, seed: number): Float32Array {
    let s = seed;
    return Float32Array.from({ length: n }, () => {
      s = (s * 1103515245 + 12345) >>> 0;
      return s / 2 ** 31 - 1;
    });
  }

  it('filters one channel of an interleaved buffer in place and leaves the others alone', () => {
    const frames = 1000;
    const x = noise(frames * 3, 1);
    const before = Float32Array.from(x);
    const st = createBiquadState(1);
    biquadProcessStrided(x, 1, 3, frames, c, st);
    for (let n = 0; n < frames; n++) {
      expect(x[n * 3]).toBe(before[n * 3]);
      expect(x[n * 3 + 2]).toBe(before[n * 3 + 2]);
    }
    // first output is b0·x[0]
    expect(x[1]).toBeCloseTo(c.b0 * before[1]!, 6);
  });

  it('output does not depend on the block split', () => {
    const x = noise(5000, 2);
    const a = Float32Array.from(x);
    biquadProcessStrided(a, 0, 1, 5000, c, createBiquadState());
    const b = Float32Array.from(x);
    const st = createBiquadState();
    let at = 0;
    for (const n of [1, 7, 1000, 3, 3989]) {
      biquadProcessStrided(b, at, 1, n, c, st);
      at += n;
    }
    expect(b).toEqual(a);
  });

  it('throws when the span runs past the buffer', () => {
    expect(() => biquadProcessStrided(new Float32Array(10), 1, 2, 6, c, createBiquadState())).toThrow(RangeError);
  });

  it('magnitude of a sine through the filter matches biquadMagnitude', () => {
    const fs = 48000;
    const n = 48000;
    const x = Float32Array.from({ length: n }, (_, i) => Math.sin((2 * Math.PI * 3000 * i) / fs));
    biquadProcessStrided(x, 0, 1, n, c, createBiquadState());
    // amplitude from the RMS over the second half (a whole number of periods)
    let ms = 0;
    for (let i = n / 2; i < n; i++) ms += x[i]! ** 2;
    expect(Math.sqrt((2 * ms) / (n / 2))).toBeCloseTo(biquadMagnitude(c, 3000, fs), 5);
  });
});

describe('fused K-weighting kernels', () => {
  const fs = 44100;
  const k = kWeightingCoefficients(fs);
  const frames = 4410;
  // 3 interleaved channels
  const x = Float32Array.from({ length: frames * 3 }, (_, i) => 0.3 * Math.sin(i * 0.37) + 0.1 * Math.cos(i * 0.011) - (i % 3) * 0.05);

  it('equals the two sections run one after the other (within float32 rounding of the in-place path)', () => {
    const out = new Float64Array(frames);
    const state = new Float64Array(3 * K_WEIGHTING_STATE_SIZE);
    const peaks = new Float64Array(3);
    kWeightChannel(x, 1, 3, frames, k, state, K_WEIGHTING_STATE_SIZE, 1.41, out, false, peaks, 1);
    const y = Float32Array.from(x);
    const st = createBiquadState(2);
    biquadProcessStrided(y, 1, 3, frames, k.shelf, st, 0);
    biquadProcessStrided(y, 1, 3, frames, k.highPass, st, 2);
    let maxAbs = 0;
    for (let n = 0; n < frames; n++) {
      expect(Math.abs(out[n]! - 1.41 * y[n * 3 + 1]! ** 2)).toBeLessThan(1e-6);
      maxAbs = Math.max(maxAbs, Math.abs(x[n * 3 + 1]!));
    }
    expect(peaks[1]).toBe(maxAbs);
    expect(peaks[0]).toBe(0);
    expect(Array.from(state.subarray(0, K_WEIGHTING_STATE_SIZE))).toEqual([0, 0, 0, 0]);
  });

  it('the two-channel kernel equals two single-channel passes, for non-adjacent channels too', () => {
    const single = new Float64Array(frames);
    const sState = new Float64Array(3 * K_WEIGHTING_STATE_SIZE);
    const sPeaks = new Float64Array(3);
    kWeightChannel(x, 0, 3, frames, k, sState, 0, 1, single, false, sPeaks, 0);
    kWeightChannel(x, 2, 3, frames, k, sState, 2 * K_WEIGHTING_STATE_SIZE, 1.41, single, true, sPeaks, 2);
    const pair = new Float64Array(frames);
    const pState = new Float64Array(3 * K_WEIGHTING_STATE_SIZE);
    const pPeaks = new Float64Array(3);
    kWeightChannelPair(x, 0, 2, 3, frames, k, pState, 0, 2 * K_WEIGHTING_STATE_SIZE, 1, 1.41, pair, false, pPeaks, 0, 2);
    for (let n = 0; n < frames; n++) expect(Math.abs(pair[n]! - single[n]!)).toBeLessThanOrEqual(1e-15 * single[n]!);
    expect(pState).toEqual(sState);
    expect(pPeaks).toEqual(sPeaks);
    // accumulate adds on top
    const acc = Float64Array.from(pair);
    kWeightChannel(x, 1, 3, frames, k, new Float64Array(4), 0, 1, acc, true, new Float64Array(1), 0);
    expect(acc[100]).toBeGreaterThan(pair[100]!);
  });

  it('flushTinyState zeroes only subnormal-bound values', () => {
    const s = Float64Array.from([1e-31, -1e-31, 1e-29, -0.5, 0, 5e-324]);
    flushTinyState(s);
    expect(Array.from(s)).toEqual([0, 0, 1e-29, -0.5, 0, 0]);
  });
});
