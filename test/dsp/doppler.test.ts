import { describe, expect, it } from 'vitest';
import { speedOfSound } from '../../src/renderers/dsp/distance.ts';
import {
  createDoppler,
  dopplerProcess,
  hermite4,
  resetDoppler,
  type DistanceTrajectory,
  type DopplerOptions,
} from '../../src/renderers/dsp/doppler.ts';
import { firstDifference, prng } from '../helpers/signals.ts';

const fs = 48000;
const c = speedOfSound(20);

function tone(freq: number, n: number): Float64Array {
  const x = new Float64Array(n);
  for (let i = 0; i < n; i++) x[i] = Math.sin((2 * Math.PI * freq * i) / fs);
  return x;
}

/** Frequency from interpolated rising zero crossings of y over [from, to). */
function zeroCrossingFrequency(y: Float64Array, from: number, to: number): number {
  let first = NaN;
  let last = NaN;
  let count = 0;
  for (let n = from + 1; n < to; n++) {
    if (y[n - 1]! < 0 && y[n]! >= 0) {
      const t = n - 1 + y[n - 1]! / (y[n - 1]! - y[n]!);
      if (count === 0) first = t;
      last = t;
      count++;
    }
  }
  return ((count - 1) * fs) / (last - first);
}

function render(opts: DopplerOptions, x: Float64Array, distance: (n: number) => DistanceTrajectory, blocks: number[]): Float64Array {
  const s = createDoppler(opts);
  const y = new Float64Array(x.length);
  let at = 0;
  for (const len of blocks) {
    dopplerProcess(s, x.subarray(at, at + len), y.subarray(at, at + len), len, distance(at));
    at += len;
  }
  return y;
}

function evenBlocks(total: number, size: number): number[] {
  const out: number[] = [];
  for (let s = 0; s < total; s += size) out.push(Math.min(size, total - s));
  return out;
}

describe('doppler: frequency shift of a moving source', () => {
  const n = 2 * fs;
  const x = tone(1000, n);
  const v = 30; // m/s

  it('approaching at v gives f·c/(c − v) (within 0.5 %)', () => {
    const y = render({ sampleRate: fs, maxDistance: 120 }, x, () => (i: number) => 100 - (v * i) / fs, evenBlocks(n, 1024));
    const ratio = zeroCrossingFrequency(y, Math.round(0.5 * fs), Math.round(1.9 * fs)) / 1000;
    expect(Math.abs(ratio / (c / (c - v)) - 1)).toBeLessThan(0.005);
    // recorded: the emission-time solution is exact up to interpolation noise
    expect(Math.abs(ratio / (c / (c - v)) - 1)).toBeLessThan(1e-5);
  });

  it('receding at v gives f·c/(c + v) (within 0.5 %)', () => {
    const y = render({ sampleRate: fs, maxDistance: 120 }, x, () => (i: number) => 20 + (v * i) / fs, evenBlocks(n, 1024));
    const ratio = zeroCrossingFrequency(y, Math.round(0.5 * fs), Math.round(1.9 * fs)) / 1000;
    expect(Math.abs(ratio / (c / (c + v)) - 1)).toBeLessThan(0.005);
    expect(Math.abs(ratio / (c / (c + v)) - 1)).toBeLessThan(1e-5);
  });

  it("timeBase 'reception' follows d(t)/c at the listening time: f·(1 + v/c), the moving-listener formula", () => {
    const y = render(
      { sampleRate: fs, maxDistance: 120, timeBase: 'reception' },
      x,
      () => (i: number) => 100 - (v * i) / fs,
      evenBlocks(n, 1024),
    );
    const ratio = zeroCrossingFrequency(y, Math.round(0.5 * fs), Math.round(1.9 * fs)) / 1000;
    expect(Math.abs(ratio / (1 + v / c) - 1)).toBeLessThan(1e-5);
  });

  it('reports the applied delay, which is the distance at emission', () => {
    const s = createDoppler({ sampleRate: fs, maxDistance: 120 });
    const m = 24000;
    const tau = new Float64Array(m);
    const d = (i: number) => 100 - (v * i) / fs;
    dopplerProcess(s, tone(1000, m), new Float64Array(m), m, d, tau);
    // before the first emission arrives (τ ≈ 13 986 samples) the source stood at d(0)
    expect(tau[3000]!).toBeCloseTo((d(0) * fs) / c, 8);
    for (const i of [16000, 20000, 23999]) {
      // τ = d(n − τ)·fs/c
      expect(tau[i]!).toBeCloseTo((d(i - tau[i]!) * fs) / c, 8);
    }
  });
});

describe('doppler: static distance is a pure delay', () => {
  it('an integer delay copies the input exactly', () => {
    const n = 4800;
    const x = tone(1234, n);
    // c = 375 m/s makes fs/c = 128 exactly, so 0.78125 m is exactly 100 samples
    const y = render({ sampleRate: fs, maxDistance: 10, speedOfSound: 375 }, x, () => 0.78125, evenBlocks(n, 512));
    for (let i = 0; i < 100; i++) expect(y[i]).toBe(0);
    for (let i = 100; i < n; i++) expect(y[i]).toBe(x[i - 100]);
  });

  it('a fractional delay reads between samples (4-point Hermite, error < 1e−3 at 1 kHz)', () => {
    const n = 4800;
    const x = tone(1000, n);
    const delay = 37.37;
    const y = render({ sampleRate: fs, maxDistance: 10 }, x, () => (delay * c) / fs, evenBlocks(n, 480));
    let worst = 0;
    for (let i = 100; i < n; i++) worst = Math.max(worst, Math.abs(y[i]! - Math.sin((2 * Math.PI * 1000 * (i - delay)) / fs)));
    expect(worst).toBeLessThan(1e-3);
  });

  it('zero distance passes the input through', () => {
    const n = 1000;
    const x = tone(440, n);
    expect(firstDifference(render({ sampleRate: fs, maxDistance: 1 }, x, () => 0, [n]), x)).toBe(-1);
  });

  it('hermite4 passes through its samples and reproduces a cubic', () => {
    expect(hermite4(5, 1, 7, 3, 0)).toBe(1);
    expect(hermite4(5, 1, 7, 3, 1)).toBe(7);
    // Catmull–Rom is exact for quadratics: p(t) = t² at t = −1, 0, 1, 2
    expect(hermite4(1, 0, 1, 4, 0.3)).toBeCloseTo(0.09, 14);
  });
});

describe('doppler: streaming', () => {
  const n = 24000;
  const rand = prng(11);
  const x = new Float64Array(n);
  for (let i = 0; i < n; i++) x[i] = rand() * 2 - 1;
  // a fly-by: 40 m → 3 m → 40 m with a smooth (cosine) path
  const path = (i: number) => 3 + 37 * (0.5 + 0.5 * Math.cos((2 * Math.PI * i) / n));
  const pathArray = Float64Array.from({ length: n }, (_, i) => path(i));

  it('is independent of the block split and of how the trajectory is given', () => {
    const opts = { sampleRate: fs, maxDistance: 50 };
    const whole = render(opts, x, () => path, [n]);
    for (const seed of [1, 2, 3]) {
      const r = prng(seed);
      const blocks: number[] = [];
      for (let left = n; left > 0; ) {
        const len = Math.min(left, 1 + Math.floor(r() * 900));
        blocks.push(len);
        left -= len;
      }
      expect(firstDifference(render(opts, x, () => path, blocks), whole)).toBe(-1);
      expect(firstDifference(render(opts, x, (at) => pathArray.subarray(at), blocks), whole)).toBe(-1);
    }
  });

  it('reset makes a state render as a fresh one', () => {
    const s = createDoppler({ sampleRate: fs, maxDistance: 50 });
    const a = new Float64Array(n);
    dopplerProcess(s, x, a, n, path);
    resetDoppler(s);
    const b = new Float64Array(n);
    dopplerProcess(s, x, b, n, path);
    expect(firstDifference(b, a)).toBe(-1);
  });

  it('rejects a distance beyond the line and an invalid one', () => {
    const s = createDoppler({ sampleRate: fs, maxDistance: 10 });
    expect(() => dopplerProcess(s, x, new Float64Array(n), 10, 11)).toThrow(RangeError);
    expect(() => dopplerProcess(createDoppler({ sampleRate: fs, maxDistance: 10 }), x, new Float64Array(n), 10, NaN)).toThrow(RangeError);
    expect(() => dopplerProcess(createDoppler({ sampleRate: fs, maxDistance: 10 }), x, new Float64Array(n), 10, new Float64Array(5))).toThrow(RangeError);
  });
});
