import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createDither, createXoshiro128, seedState, tpdf, type DitherBits } from '../../src/renderers/dsp/dither.ts';
import { dB, prng, sine, toneAmplitude, whiteNoise } from '../helpers/signals.ts';

const FS = 48000;

function dithered(x: Float32Array, bits: DitherBits, channels: number, seed: string, splits?: number[]): Float32Array {
  const d = createDither({ bits, channels, seed });
  const y = x.slice();
  if (splits) {
    let off = 0;
    for (const n of splits) {
      d.process(y.subarray(off * channels), n);
      off += n;
    }
    expect(off * channels).toBe(x.length);
  } else {
    d.process(y, y.length / channels);
  }
  return y;
}

/**
 * Amplitude of the component at `f` Hz over the whole of `x`: a Hann-windowed single-bin DFT
 * (exact for a tone on a bin; neighbouring tones leak less than −100 dB at 100 bins away).
 */
const amplitudeAt = (x: Float32Array, f: number): number => toneAmplitude(x, f, FS, 0, x.length);

describe('xoshiro128** and seeding', () => {
  it('matches the reference generator (state 1, 2, 3, 4)', () => {
    // first outputs of the reference C implementation (Blackman & Vigna) from s = {1, 2, 3, 4}
    const g = createXoshiro128(Uint32Array.of(1, 2, 3, 4));
    const out = Array.from({ length: 6 }, () => g.next());
    expect(out).toEqual([11520, 0, 5927040, 70819200, 2031721883, 1637235492]);
  });

  it('seeds from the first 128 bits of SHA-256(seed), little-endian', () => {
    const h = createHash('sha256').update('node:abc123', 'utf8').digest();
    const s = seedState('node:abc123');
    expect(Array.from(s)).toEqual([0, 1, 2, 3].map((i) => h.readUInt32LE(4 * i)));
  });

  it('TPDF noise u₁ − u₂ (the two halves of one output): mean 0, variance 1/6 LSB², triangular on (−1, 1)', () => {
    const g = createXoshiro128('tpdf-statistics');
    const N = 1_000_000;
    let sum = 0;
    let sum2 = 0;
    let inner = 0;
    let min = Infinity;
    let max = -Infinity;
    for (let i = 0; i < N; i++) {
      const d = tpdf(g.next());
      sum += d;
      sum2 += d * d;
      if (Math.abs(d) < 0.5) inner++;
      if (d < min) min = d;
      if (d > max) max = d;
    }
    const mean = sum / N;
    const variance = sum2 / N - mean * mean;
    expect(Math.abs(mean)).toBeLessThan(0.002); // σ of the mean is 0.0004
    expect(Math.abs(variance / (1 / 6) - 1)).toBeLessThan(0.01);
    expect(Math.abs(inner / N - 0.75)).toBeLessThan(0.003); // P(|d| < ½) = 3/4 for the triangle
    expect(min).toBeGreaterThan(-1);
    expect(max).toBeLessThan(1);
  });
});

describe('TPDF dither and quantisation', () => {
  it('is deterministic in its seed: same seed, same output; different seeds differ', () => {
    const x = whiteNoise(20000, 1, 0.5);
    const a = dithered(x, 16, 2, 'node:1f2e');
    const b = dithered(x, 16, 2, 'node:1f2e');
    const c = dithered(x, 16, 2, 'node:1f2f');
    expect(Buffer.from(a.buffer).equals(Buffer.from(b.buffer))).toBe(true);
    let differ = 0;
    for (let i = 0; i < a.length; i++) if (a[i] !== c[i]) differ++;
    expect(differ).toBeGreaterThan(a.length / 4); // roughly half the samples round differently
  });

  for (const bits of [16, 24] as const) {
    it(`puts every ${bits}-bit sample on the grid k / 2^${bits - 1}, inside the integer range`, () => {
      const S = 2 ** (bits - 1);
      const x = whiteNoise(50000, 2, 1.2); // includes values beyond full scale
      x[0] = 1;
      x[1] = -1;
      x[2] = 3;
      x[3] = -3;
      const y = dithered(x, bits, 1, 'grid');
      let offGrid = 0;
      let outOfRange = 0;
      let tooFar = 0;
      for (let i = 0; i < y.length; i++) {
        const k = y[i]! * S;
        if (!Number.isInteger(k)) offGrid++;
        if (k < -S || k > S - 1) outOfRange++;
        // |d| < 1 LSB and rounding ≤ ½ LSB, away from the clip points
        if (Math.abs(x[i]!) < 1 - 2 / S && !(Math.abs(k - x[i]! * S) < 1.5)) tooFar++;
      }
      expect({ offGrid, outOfRange, tooFar }).toEqual({ offGrid: 0, outOfRange: 0, tooFar: 0 });
      expect(y[2]).toBe((S - 1) / S);
      expect(y[3]).toBe(-1);
    });
  }

  it('total error y − x has mean 0 and variance 1/4 LSB² whatever the input (TPDF: moments independent of the signal)', () => {
    const S = 2 ** 15;
    const N = 200_000;
    for (const offset of [0, 0.25, 0.5, 0.75]) {
      const x = new Float32Array(N).fill((1000 + offset) / S);
      const y = dithered(x, 16, 1, `offset ${offset}`);
      let sum = 0;
      let sum2 = 0;
      for (let i = 0; i < N; i++) {
        const e = (y[i]! - x[i]!) * S;
        sum += e;
        sum2 += e * e;
      }
      const mean = sum / N;
      expect(Math.abs(mean)).toBeLessThan(0.005); // σ of the mean ≈ 0.0011
      expect(Math.abs(sum2 / N - mean * mean - 0.25)).toBeLessThan(0.005); // 1/6 (dither) + 1/12 (rounding)
    }
    // without dither the error of a constant is a constant: its moments depend on the input
    expect(Math.round(1000.25) - 1000.25).toBe(-0.25);
  });

  it('keeps a −100 dBFS 1 kHz sine at 16 bits as a tone; undithered rounding erases it', () => {
    const N = 2 * FS; // 1 kHz on bin 2000 of a 96000-point DFT
    const A = 10 ** (-100 / 20); // 0.33 LSB
    const x = sine(1000, FS, N, A);
    const y = dithered(x, 16, 1, 'minus-100');
    const tone = dB(amplitudeAt(y, 1000));
    expect(Math.abs(tone - -100)).toBeLessThan(0.5); // the in-bin noise is ~40 dB below the tone
    expect(dB(amplitudeAt(y, 3000))).toBeLessThan(-125); // no 3rd harmonic: noise only (≈ −138 dB per bin)
    const plain = x.map((v) => Math.round(v * 2 ** 15) / 2 ** 15);
    expect(plain.every((v) => v === 0)).toBe(true);
  });

  it('turns the distortion of a −95 dBFS sine into noise: 3rd harmonic ≥ 25 dB lower with dither', () => {
    const N = 2 * FS;
    const A = 10 ** (-95 / 20); // 0.58 LSB: undithered, a train of ±1 LSB pulses
    const x = sine(1000, FS, N, A);
    const y = dithered(x, 16, 1, 'minus-95');
    const plain = x.map((v) => Math.round(v * 2 ** 15) / 2 ** 15);
    const h3Plain = dB(amplitudeAt(plain, 3000));
    const h3Dither = dB(amplitudeAt(y, 3000));
    expect(h3Plain).toBeGreaterThan(-110);
    expect(h3Dither).toBeLessThan(h3Plain - 25);
    expect(Math.abs(dB(amplitudeAt(y, 1000)) - -95)).toBeLessThan(0.3);
  });

  it('renders identically for any block split (bit-exact), interleaved channels', () => {
    const C = 3;
    const x = whiteNoise(3 * 30000, 3, 0.5);
    const whole = dithered(x, 24, C, 'split');
    for (const seed of [1, 2, 3]) {
      const r = prng(seed);
      const splits: number[] = [];
      let left = x.length / C;
      while (left > 0) {
        const n = Math.min(left, Math.floor(r() * 2000));
        splits.push(n);
        left -= n;
      }
      const split = dithered(x, 24, C, 'split', splits);
      expect(Buffer.from(split.buffer).equals(Buffer.from(whole.buffer))).toBe(true);
    }
  });

  it('rejects invalid parameters and input', () => {
    expect(() => createDither({ bits: 20 as DitherBits, channels: 1, seed: 'x' })).toThrow(RangeError);
    expect(() => createDither({ bits: 16, channels: 0, seed: 'x' })).toThrow(RangeError);
    expect(() => createDither({ bits: 16, channels: 1, seed: '' })).toThrow(RangeError);
    expect(() => createXoshiro128(new Uint32Array(4))).toThrow(RangeError);
    const d = createDither({ bits: 16, channels: 2, seed: 'x' });
    expect(() => d.process(new Float32Array(3), 2)).toThrow(RangeError);
    expect(() => d.process(Float32Array.of(0, NaN), 1)).toThrow(RangeError);
  });
});
