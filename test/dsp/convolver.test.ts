import { describe, expect, it } from 'vitest';
import { createConvolver, RealFft, stageSizes, type ConvolverOptions } from '../../src/renderers/dsp/convolver.ts';
import { reverb as reverbProcessor } from '../../src/renderers/processors/reverb.ts';
import { prng, whiteNoise } from '../helpers/signals.ts';

/** Direct time-domain convolution y[n] = Σ_k h[k]·x[n−k], float64, truncated to x's length. */
function directConvolution(x: Float32Array, h: Float32Array): Float64Array {
  const y = new Float64Array(x.length);
  for (let n = 0; n < x.length; n++) {
    let s = 0;
    for (let k = 0, kEnd = Math.min(h.length - 1, n); k <= kEnd; k++) s += h[k]! * x[n - k]!;
    y[n] = s;
  }
  return y;
}

/** Processes a mono signal in blocks of pseudo-random sizes (1 … maxBlock). */
function convolveInBlocks(x: Float32Array, irs: Float32Array[], opts: ConvolverOptions, seed: number, maxBlock: number): Float32Array {
  const c = createConvolver(irs, opts);
  const y = x.slice();
  const ch = opts.channels;
  const frames = x.length / ch;
  const rnd = prng(seed);
  for (let f = 0; f < frames; ) {
    const n = Math.min(frames - f, 1 + Math.floor(rnd() * maxBlock));
    c.process(y.subarray(f * ch, (f + n) * ch), n);
    f += n;
  }
  return y;
}

/** The same, only at `indices` (for long IRs, where the full reference is slow); NaN elsewhere. */
function directConvolutionAt(x: Float32Array, h: Float32Array, indices: number[]): Float64Array {
  const y = new Float64Array(x.length).fill(NaN);
  for (const n of indices) {
    let s = 0;
    for (let k = 0, kEnd = Math.min(h.length - 1, n); k <= kEnd; k++) s += h[k]! * x[n - k]!;
    y[n] = s;
  }
  return y;
}

/** Largest |a − b| over the indices where b is a number. */
function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) if (!Number.isNaN(b[i]!)) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

describe('real FFT', () => {
  it.each([4, 8, 64, 1024])('size %i: forward matches a direct DFT, inverse round-trips', (n) => {
    const fft = new RealFft(n);
    const x = Float64Array.from(whiteNoise(n, n));
    const re = new Float64Array(n / 2 + 1);
    const im = new Float64Array(n / 2 + 1);
    fft.forward(x, re, im);
    for (let k = 0; k <= n / 2; k++) {
      let dr = 0, di = 0;
      for (let t = 0; t < n; t++) {
        dr += x[t]! * Math.cos((2 * Math.PI * k * t) / n);
        di -= x[t]! * Math.sin((2 * Math.PI * k * t) / n);
      }
      expect(Math.abs(re[k]! - dr)).toBeLessThan(1e-9 * n);
      expect(Math.abs(im[k]! - di)).toBeLessThan(1e-9 * n);
    }
    const back = new Float64Array(n);
    fft.inverse(re, im, back);
    expect(maxAbsDiff(back, x)).toBeLessThan(1e-12);
  });
  it('refuses sizes that are not powers of two', () => {
    expect(() => new RealFft(12)).toThrow(/power of two/);
  });
});

describe('convolver: exactness', () => {
  it('a unit-impulse IR returns the input (within 1e-6), at any block size, latency 0', () => {
    const x = whiteNoise(20000, 1);
    for (const max of [1, 100, 20000]) {
      const y = convolveInBlocks(x, [Float32Array.of(1)], { channels: 1 }, max, max);
      expect(maxAbsDiff(y, x)).toBeLessThan(1e-6);
    }
    expect(createConvolver([Float32Array.of(1)], { channels: 1 }).latency).toBe(0);
  });

  it('an impulse deep in the IR (through the FFT stages) is a pure delay', () => {
    const x = whiteNoise(30000, 2);
    for (const delay of [64, 1000, 9000]) {
      const ir = new Float32Array(delay + 1);
      ir[delay] = 1;
      const y = convolveInBlocks(x, [ir], { channels: 1 }, delay, 3000);
      let err = 0;
      for (let i = 0; i < x.length; i++) err = Math.max(err, Math.abs(y[i]! - (i >= delay ? x[i - delay]! : 0)));
      expect(err, `delay ${delay}`).toBeLessThan(1e-6);
    }
  });

  // IR scaled by 1/√L so the output is O(1) and 1e-5 is a meaningful bound
  for (const [L, partitionSize] of [
    [1, undefined], [50, undefined], [64, undefined], [65, undefined], [700, undefined],
    [5000, undefined], [40000, undefined], [5000, 16], [5000, 256], [3000, 1024],
  ] as const) {
    it(`random signal ⊛ random IR of ${L} samples${partitionSize ? `, one stage of ${partitionSize}` : ''} matches direct convolution within 1e-5`, () => {
      const h = whiteNoise(L, L, 1 / Math.sqrt(L));
      const x = whiteNoise(Math.max(2 * L, 20000), L + 1);
      // long IRs: every sample of the first 300 and around each stage boundary, and 3000 spread over the rest
      const rnd = prng(L);
      const sampled = [...Array(300).keys()];
      for (const b of [64, 512, 4096, L]) for (let d = -3; d <= 3; d++) if (b + d >= 0 && b + d < x.length) sampled.push(b + d);
      for (let k = 0; k < 3000; k++) sampled.push(Math.floor(rnd() * x.length));
      const ref = L > 5000 ? directConvolutionAt(x, h, sampled) : directConvolution(x, h);
      for (const [seed, max] of [[1, 1], [2, 333], [3, 70000]] as const) {
        if (max === 1 && L > 5000) continue; // single-frame blocks are slow for long IRs; covered by shorter ones
        const y = convolveInBlocks(x, [h], { channels: 1, partitionSize }, seed, max);
        expect(maxAbsDiff(y, ref), `blocks ≤ ${max}`).toBeLessThan(1e-5);
      }
    });
  }

  it('output is bit-identical for any block split', () => {
    const h = whiteNoise(12000, 5, 0.01);
    const x = whiteNoise(2 * 50000, 6);
    const a = convolveInBlocks(x, [h], { channels: 2 }, 1, 50000);
    for (const [seed, max] of [[7, 1], [8, 64], [9, 4097]] as const) {
      const b = convolveInBlocks(x, [h], { channels: 2 }, seed, max);
      let first = -1;
      for (let i = 0; i < a.length && first < 0; i++) if (!Object.is(a[i], b[i])) first = i;
      expect(first).toBe(-1);
    }
  });
});

describe('convolver: channels, pre-delay, mix, tail', () => {
  it('per-channel IRs convolve each channel with its own IR; a mono IR is used for all', () => {
    const frames = 12000;
    const hL = whiteNoise(3000, 10, 0.02);
    const hR = whiteNoise(3000, 11, 0.02);
    const x = whiteNoise(frames * 2, 12);
    const L = new Float32Array(frames);
    const R = new Float32Array(frames);
    for (let i = 0; i < frames; i++) {
      L[i] = x[2 * i]!;
      R[i] = x[2 * i + 1]!;
    }
    const both = convolveInBlocks(x, [hL, hR], { channels: 2 }, 1, 999);
    const refL = directConvolution(L, hL);
    const refR = directConvolution(R, hR);
    const mono = convolveInBlocks(x, [hL], { channels: 2 }, 2, 999);
    const refR2 = directConvolution(R, hL);
    const chan = (y: Float32Array, c: number): Float32Array => Float32Array.from({ length: frames }, (_, i) => y[2 * i + c]!);
    expect(maxAbsDiff(chan(both, 0), refL)).toBeLessThan(1e-5);
    expect(maxAbsDiff(chan(both, 1), refR)).toBeLessThan(1e-5);
    expect(maxAbsDiff(chan(mono, 1), refR2)).toBeLessThan(1e-5);
  });

  it('pre-delay equals an IR with leading zeros (whose partitions are skipped)', () => {
    const h = whiteNoise(2000, 13, 0.03);
    const x = whiteNoise(20000, 14);
    for (const pre of [20, 700, 5000]) {
      const padded = new Float32Array(pre + h.length);
      padded.set(h, pre);
      const ref = directConvolution(x, padded);
      const y = convolveInBlocks(x, [h], { channels: 1, preDelay: pre }, 3, 2500);
      expect(maxAbsDiff(y, ref), `pre-delay ${pre}`).toBeLessThan(1e-5);
      expect(createConvolver([h], { channels: 1, preDelay: pre }).tail).toBe(pre + h.length);
    }
  });

  it('dry and wet gains mix the input with the convolution', () => {
    const h = whiteNoise(500, 15, 0.05);
    const x = whiteNoise(5000, 16);
    const ref = directConvolution(x, h);
    const y = convolveInBlocks(x, [h], { channels: 1, dry: 0.5, wet: 2 }, 4, 700);
    expect(maxAbsDiff(y, ref.map((v, i) => 0.5 * x[i]! + 2 * v))).toBeLessThan(1e-5);
  });

  it('tail = IR length: the last non-zero output after an impulse is at L − 1', () => {
    const h = whiteNoise(7000, 17);
    const c = createConvolver([h], { channels: 1 });
    expect(c.tail).toBe(7000);
    const buf = new Float32Array(c.tail + 100);
    buf[0] = 1;
    c.process(buf, buf.length);
    expect(Math.abs(buf[c.tail - 1]! - h[6999]!)).toBeLessThan(1e-6);
    expect(buf.slice(c.tail).every((v) => Math.abs(v) < 1e-7)).toBe(true);
  });

  it('reset restores the initial state', () => {
    const h = whiteNoise(3000, 18, 0.02);
    const c = createConvolver([h], { channels: 1 });
    const a = whiteNoise(9000, 19);
    const b = a.slice();
    c.process(a, a.length);
    c.reset();
    c.process(b, b.length);
    expect(maxAbsDiff(a, b)).toBe(0);
  });

  it('stage sizes grow by powers of two from a short head; a long IR gets several stages', () => {
    expect(stageSizes(10)).toEqual([]);
    const s = stageSizes(3 * 48000);
    expect(s[0]).toBe(64);
    expect(s.length).toBeGreaterThanOrEqual(3);
    for (let i = 1; i < s.length; i++) expect(s[i]! / s[i - 1]!).toBe(8);
  });

  it('refuses mismatched or empty IRs', () => {
    expect(() => createConvolver([new Float32Array(10), new Float32Array(10)], { channels: 3 })).toThrow(/one per channel/);
    expect(() => createConvolver([new Float32Array(0)], { channels: 1 })).toThrow(/empty/);
    expect(() => createConvolver([new Float32Array(10), new Float32Array(9)], { channels: 2 })).toThrow(/same length/);
    expect(() => createConvolver([Float32Array.of(NaN)], { channels: 1 })).toThrow(/not finite/);
    expect(() => createConvolver([Float32Array.of(1)], { channels: 1, partitionSize: 100 })).toThrow(/power of two/);
  });
});

describe('reverb processor: convolution', () => {
  const ctx = { sampleRate: 48000, channels: 2 };
  it('convolves with the decoded IR, pre-delay in seconds, wet/dry in dB', () => {
    const ir = whiteNoise(4000, 20, 0.02);
    const proc = reverbProcessor.create({ type: 'convolution', ir: [ir], irSampleRate: 48000, preDelaySec: 0.01, wetDb: -6, dryDb: 0 }, ctx);
    expect(proc.latency).toBe(0);
    expect(proc.tail).toBe(480 + 4000);
    const frames = 10000;
    const x = whiteNoise(frames * 2, 21);
    const y = x.slice();
    proc.process(y, frames);
    const padded = new Float32Array(480 + 4000);
    padded.set(ir, 480);
    const L = new Float32Array(frames);
    for (let i = 0; i < frames; i++) L[i] = x[2 * i]!;
    const ref = directConvolution(L, padded);
    const wet = 10 ** (-6 / 20);
    expect(maxAbsDiff(Float32Array.from({ length: frames }, (_, i) => y[2 * i]!), ref.map((v, i) => L[i]! + wet * v))).toBeLessThan(1e-5);
  });

  it('refuses a missing IR, the wrong rate or the wrong channel count', () => {
    expect(() => reverbProcessor.create({ type: 'convolution', ir: [] }, ctx)).toThrow(/needs its IR samples/);
    expect(() => reverbProcessor.create({ type: 'convolution', ir: [new Float32Array(10)], irSampleRate: 44100 }, ctx)).toThrow(/resample the IR first/);
    expect(() => reverbProcessor.create({ type: 'convolution', ir: [1, 2, 3].map(() => new Float32Array(10)) }, ctx)).toThrow(/3 channels for a 2-channel signal/);
    expect(() => reverbProcessor.create({ type: 'convolution', ir: [new Float32Array(10)], dryDb: NaN }, ctx)).toThrow(/dry level/);
  });
});
