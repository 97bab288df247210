import { describe, expect, it } from 'vitest';
import { createResampler, designResampler, resampledLength } from '../../src/renderers/dsp/resample.ts';
import { dB, randomSplits, sine, whiteNoise } from '../helpers/signals.ts';

/** Streams `x` through a fresh resampler (in `splits` blocks, or one) and returns the whole output. */
function resample(x: Float32Array, fromRate: number, toRate: number, channels: number, splits?: number[]): Float32Array {
  const rs = createResampler({ fromRate, toRate, channels });
  const frames = x.length / channels;
  const blocks = splits ?? [frames];
  const out = new Float32Array(resampledLength(frames, fromRate, toRate) * channels);
  const scratch = new Float32Array(rs.maxOutputFrames(Math.max(...blocks, 0)) * channels);
  let off = 0;
  let w = 0;
  for (const n of blocks) {
    const k = rs.process(x.subarray(off * channels), n, scratch);
    expect(k).toBeLessThanOrEqual(rs.maxOutputFrames(n));
    out.set(scratch.subarray(0, k * channels), w * channels);
    w += k;
    off += n;
  }
  expect(off).toBe(frames);
  const tail = new Float32Array(Math.max(1, rs.maxFlushFrames) * channels);
  const k = rs.flush(tail);
  expect(k).toBeLessThanOrEqual(rs.maxFlushFrames);
  out.set(tail.subarray(0, k * channels), w * channels);
  w += k;
  expect(w).toBe(resampledLength(frames, fromRate, toRate));
  return out;
}

/**
 * Least-squares fit y[n] ≈ c + Σ_i (a_i·sin(ω_i n) + b_i·cos(ω_i n)) over n ∈ [from, to),
 * one (a_i, b_i) per frequency: returns amplitude √(a² + b²) and phase atan2(b, a)
 * of the first. Fitting every tone present keeps one from leaking into another's estimate.
 */
function fitTones(y: Float32Array, fs: number, freqs: number[], from: number, to: number): { amp: number; phase: number } {
  const P = 2 * freqs.length + 1;
  const M = Array.from({ length: P }, () => new Float64Array(P + 1));
  const v = new Float64Array(P);
  for (let n = from; n < to; n++) {
    freqs.forEach((f, i) => {
      const w = (2 * Math.PI * f * n) / fs;
      v[2 * i] = Math.sin(w);
      v[2 * i + 1] = Math.cos(w);
    });
    v[P - 1] = 1;
    for (let i = 0; i < P; i++) {
      for (let j = 0; j < P; j++) M[i]![j]! += v[i]! * v[j]!;
      M[i]![P]! += v[i]! * y[n]!;
    }
  }
  for (let c = 0; c < P; c++) {
    for (let r = c + 1; r < P; r++) {
      const k = M[r]![c]! / M[c]![c]!;
      for (let j = c; j <= P; j++) M[r]![j]! -= k * M[c]![j]!;
    }
  }
  const s = new Float64Array(P);
  for (let r = P - 1; r >= 0; r--) {
    let t = M[r]![P]!;
    for (let j = r + 1; j < P; j++) t -= M[r]![j]! * s[j]!;
    s[r] = t / M[r]![r]!;
  }
  return { amp: Math.hypot(s[0]!, s[1]!), phase: Math.atan2(s[1]!, s[0]!) };
}

const fitTone = (y: Float32Array, fs: number, f: number, from: number, to: number): { amp: number; phase: number } =>
  fitTones(y, fs, [f], from, to);

const PAIRS = [
  [44100, 48000],
  [88200, 48000],
  [96000, 48000],
  [48000, 44100],
] as const;

describe('resampler: design', () => {
  it('derives L/M, taps and band edges from the rates', () => {
    const a = designResampler(44100, 48000);
    expect([a.up, a.down, a.taps, a.passHz, a.stopHz]).toEqual([160, 147, 156, 20000, 22050]);
    const b = designResampler(96000, 48000);
    expect([b.up, b.down, b.taps, b.passHz, b.stopHz]).toEqual([1, 2, 172, 20000, 24000]);
    const c = designResampler(48000, 48000);
    expect([c.up, c.down, c.taps]).toEqual([1, 1, 0]);
    // every phase has unity DC gain
    for (let p = 0; p < a.up; p++) {
      let s = 0;
      for (let j = 0; j < a.taps; j++) s += a.coefficients[p * a.taps + j]!;
      expect(Math.abs(s - 1)).toBeLessThan(1e-13);
    }
  });

  it('computes exact output lengths: ⌈N·to/from⌉', () => {
    expect(resampledLength(0, 44100, 48000)).toBe(0);
    expect(resampledLength(1, 44100, 48000)).toBe(2); // frames at t = 0 and 147/160 < 1
    expect(resampledLength(147, 44100, 48000)).toBe(160);
    expect(resampledLength(148, 44100, 48000)).toBe(162);
    expect(resampledLength(44100 * 3600, 44100, 48000)).toBe(48000 * 3600);
    expect(resampledLength(3, 96000, 48000)).toBe(2);
    expect(resampledLength(5, 48000, 48000)).toBe(5);
    expect(() => resampledLength(-1, 44100, 48000)).toThrow(RangeError);
    expect(() => resampledLength(1, 44100.5, 48000)).toThrow(RangeError);
  });

  it('refuses rate pairs whose phase table would be huge', () => {
    expect(() => designResampler(47999, 48000)).toThrow(RangeError);
    expect(() => createResampler({ fromRate: 44100, toRate: 0, channels: 1 })).toThrow(RangeError);
    expect(() => createResampler({ fromRate: 44100, toRate: 48000, channels: 0 })).toThrow(RangeError);
  });
});

describe('resampler: measured response', () => {
  for (const [from, to] of PAIRS) {
    it(`${from} → ${to}: passband flat within 0.1 dB (measured ≤ 0.001 dB) up to 20 kHz, phase kept`, () => {
      const frames = Math.round(from / 4);
      const skip = 400; // output frames clear of the start and end transients
      for (const f of [20, 100, 1000, 5000, 10000, 15000, 18000, 19000, 19500, 20000]) {
        const phase = 0.7;
        const y = resample(sine(f, from, frames, 0.5, phase), from, to, 1);
        const fit = fitTone(y, to, f, skip, y.length - skip);
        const dev = dB(fit.amp / 0.5);
        expect(Math.abs(dev)).toBeLessThan(0.1);
        expect(Math.abs(dev)).toBeLessThan(0.001);
        // time-aligned: output frame k is the input at k/to, so the fitted phase is the input's
        expect(Math.abs(fit.phase - phase)).toBeLessThan(1e-4);
      }
    });
  }

  it('a 1 kHz tone comes out sample-for-sample as the ideal tone at the new rate (error < −100 dB)', () => {
    for (const [from, to] of PAIRS) {
      const y = resample(sine(1000, from, from / 10, 0.5, 0.3), from, to, 1);
      let err = 0;
      for (let k = 300; k < y.length - 300; k++) err = Math.max(err, Math.abs(y[k]! - 0.5 * Math.sin((2 * Math.PI * 1000 * k) / to + 0.3)));
      expect(dB(err / 0.5)).toBeLessThan(-100);
    }
  });

  it('rejects out-of-band tones by ≥ 100 dB (aliases and images)', () => {
    const cases: Array<[number, number, number, number]> = [
      // from, to, tone, where its alias/image lands in the output
      [96000, 48000, 30000, 18000],
      [96000, 48000, 26000, 22000],
      [96000, 48000, 40000, 8000],
      [88200, 48000, 30000, 18000],
      [44100, 48000, 19000, 48000 - (44100 - 19000)], // image at 25.1 kHz folds to 22.9 kHz
      [44100, 48000, 10000, 48000 - (44100 - 10000)], // image at 34.1 kHz folds to 13.9 kHz
    ];
    for (const [from, to, f, alias] of cases) {
      const y = resample(sine(f, from, from / 4, 0.5), from, to, 1);
      // fit the alias together with the tone itself where that is in band (44.1 kHz images)
      const fit = fitTones(y, to, f < to / 2 ? [alias, f] : [alias], 400, y.length - 400);
      expect(dB(fit.amp / 0.5)).toBeLessThan(-100);
    }
  });

  it('keeps DC, settles a step at exactly 1 and reproduces a smooth edge in time and level', () => {
    for (const [from, to] of PAIRS) {
      const d = designResampler(from, to);
      const dc = resample(new Float32Array(from / 10).fill(0.5), from, to, 1);
      for (let k = 300; k < dc.length - 300; k++) expect(Math.abs(dc[k]! - 0.5)).toBeLessThan(1e-7);
      // unit step at input frame s: silence until the kernel reaches it, then exactly 1 once it has passed
      const s = 1001;
      const x = new Float32Array(2000);
      x.fill(1, s);
      const y = resample(x, from, to, 1);
      const r = to / from;
      let peak = 0;
      for (let k = 0; k < y.length; k++) {
        const t = k / r; // input time of output frame k
        if (t < s - d.taps / 2) expect(y[k]).toBe(0);
        if (t > s + d.taps / 2 && t < x.length - d.taps / 2) expect(Math.abs(y[k]! - 1)).toBeLessThan(1e-6);
        peak = Math.max(peak, y[k]!);
      }
      expect(peak).toBeLessThan(1.2); // Gibbs overshoot of a steep band limit (~9 % continuous, more for a sampled step)
      // a raised-cosine edge over 2 ms (nothing above 20 kHz worth counting) comes out as the same edge at the same time
      const c = 1000.3;
      const wEdge = from / 500;
      const edge = (t: number): number => (t < c - wEdge / 2 ? 0 : t > c + wEdge / 2 ? 1 : 0.5 + 0.5 * Math.sin((Math.PI * (t - c)) / wEdge));
      const xe = new Float32Array(2000);
      for (let n = 0; n < xe.length; n++) xe[n] = edge(n);
      const ye = resample(xe, from, to, 1);
      let err = 0;
      for (let k = 0; k < ye.length && k / r < xe.length - d.taps; k++) err = Math.max(err, Math.abs(ye[k]! - edge(k / r)));
      expect(err).toBeLessThan(1e-4);
    }
  });
});

describe('resampler: streaming', () => {
  it('writes exactly resampledLength frames for any input length and rate pair', () => {
    const pairs = [...PAIRS, [48000, 96000], [22050, 48000], [32000, 48000], [48000, 47952]] as const;
    for (const [from, to] of pairs) {
      for (const n of [0, 1, 2, 147, 1000, 12345]) {
        const x = new Float32Array(2 * n).fill(0.25);
        const y = resample(x, from, to, 2, randomSplits(n, n + 1, 700));
        expect(y.length).toBe(2 * resampledLength(n, from, to));
      }
    }
  });

  it('renders identically for any block split (bit-exact), 3 channels', () => {
    const C = 3;
    const frames = 30000;
    const x = whiteNoise(frames * C, 7);
    for (const [from, to] of [[44100, 48000], [96000, 48000]] as const) {
      const whole = resample(x, from, to, C);
      for (const [seed, maxBlock] of [[1, 5], [2, 333], [3, 9000]] as const) {
        const split = resample(x, from, to, C, randomSplits(frames, seed, maxBlock));
        expect(Buffer.from(split.buffer).equals(Buffer.from(whole.buffer))).toBe(true);
      }
    }
  });

  it('keeps channels apart and in order', () => {
    const C = 2;
    const frames = 44100 / 5;
    const x = new Float32Array(frames * C);
    for (let n = 0; n < frames; n++) {
      x[n * C] = 0.5 * Math.sin((2 * Math.PI * 1000 * n) / 44100);
      x[n * C + 1] = 0.25 * Math.sin((2 * Math.PI * 3000 * n) / 44100);
    }
    const y = resample(x, 44100, 48000, C);
    const left = y.filter((_, i) => i % 2 === 0);
    const right = y.filter((_, i) => i % 2 === 1);
    expect(Math.abs(fitTone(left, 48000, 1000, 300, left.length - 300).amp - 0.5)).toBeLessThan(1e-5);
    expect(fitTone(left, 48000, 3000, 300, left.length - 300).amp).toBeLessThan(1e-5);
    expect(Math.abs(fitTone(right, 48000, 3000, 300, right.length - 300).amp - 0.25)).toBeLessThan(1e-5);
  });

  it('48 → 48 kHz is the identity: bit-exact, latency 0', () => {
    const x = whiteNoise(2 * 10000, 3);
    const rs = createResampler({ fromRate: 48000, toRate: 48000, channels: 2 });
    expect(rs.latency).toBe(0);
    const y = resample(x, 48000, 48000, 2, randomSplits(10000, 4, 999));
    expect(Buffer.from(y.buffer).equals(Buffer.from(x.buffer))).toBe(true);
  });

  it('reports its look-ahead and refuses an output buffer that is too small', () => {
    const rs = createResampler({ fromRate: 44100, toRate: 48000, channels: 2 });
    expect(rs.latency).toBe(78);
    expect(rs.maxOutputFrames(147)).toBe(161);
    const x = new Float32Array(2 * 1000);
    expect(() => rs.process(x, 1000, new Float32Array(10))).toThrow(RangeError);
    expect(() => rs.process(x, 1001, new Float32Array(4000))).toThrow(RangeError);
  });
});
