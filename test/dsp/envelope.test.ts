import { describe, expect, it } from 'vitest';
import { createEnvelope, createKeyframes, dbToGain, type Breakpoint } from '../../src/renderers/dsp/envelope.ts';
import { firstDifference, prng } from '../helpers/signals.ts';

function fillInRandomBlocks(
  fill: (out: Float64Array, start: number, frames: number) => void,
  start: number,
  total: number,
  seed: number,
): Float64Array {
  const out = new Float64Array(total);
  const r = prng(seed);
  for (let k = 0; k < total; ) {
    const len = Math.min(total - k, 1 + Math.floor(r() * 300));
    fill(out.subarray(k, k + len), start + k, len);
    k += len;
  }
  return out;
}

// A gain automation lane: 0 dB → −12 dB (line in dB) → −6 dB (s-curve) → hold −6 dB → step to 0 dB → −20 dB (exponential)
const gainPoints: Breakpoint[] = [
  { t: 1000, value: 0, curve: 'linear' },
  { t: 2000, value: -12, curve: 's-curve' },
  { t: 3000, value: -6, curve: 'hold' },
  { t: 4000, value: 0, curve: 'exponential' },
  { t: 5000, value: -20, curve: 'linear' },
];

/** The analytic gain of gainPoints at integer sample t, written out by hand. */
function expectedGain(t: number): number {
  const db = (v: number) => Math.pow(10, v / 20);
  if (t < 1000) return db(0);
  if (t < 2000) return db(-12 * ((t - 1000) / 1000));
  if (t < 3000) return db(-12 + 6 * 0.5 * (1 - Math.cos((Math.PI * (t - 2000)) / 1000)));
  if (t < 4000) return db(-6);
  if (t < 5000) return db(-20 * ((t - 4000) / 1000));
  return db(-20);
}

describe('createEnvelope: dB gain automation', () => {
  const env = createEnvelope(gainPoints, { domain: 'db' });

  it('equals the breakpoints at the breakpoints', () => {
    for (const p of gainPoints) expect(env.valueAt(p.t)).toBe(Math.pow(10, p.value / 20));
  });

  it('follows the analytic curve between them, sample by sample', () => {
    const out = new Float64Array(6000);
    env.fill(out, 0, 6000);
    for (let t = 0; t < 6000; t++) expect(Math.abs(out[t]! - expectedGain(t)), `t=${t}`).toBeLessThan(1e-13);
  });

  it('has no discontinuity except the hold step', () => {
    const out = new Float64Array(6000);
    env.fill(out, 0, 6000);
    // steepest legitimate change: −20 dB over 1000 samples starting at 0 dB, 1 − 10^(−0.02/20) ≈ 0.0023 per sample
    const jumps: number[] = [];
    for (let t = 1; t < 6000; t++) if (Math.abs(out[t]! - out[t - 1]!) > 0.003) jumps.push(t);
    expect(jumps).toEqual([4000]);
    expect(out[3999]).toBe(dbToGain(-6));
    expect(out[4000]).toBe(1);
  });

  it('fill equals valueAt, whatever the block split', () => {
    const whole = new Float64Array(6000);
    env.fill(whole, 0, 6000);
    for (let t = 0; t < 6000; t++) expect(whole[t]).toBe(env.valueAt(t));
    for (const seed of [1, 2, 3]) expect(firstDifference(fillInRandomBlocks(env.fill, 0, 6000, seed), whole)).toBe(-1);
    // a range that starts mid-segment
    const part = new Float64Array(1500);
    env.fill(part, 2500, 1500);
    expect(firstDifference(part, whole.subarray(2500, 4000))).toBe(-1);
  });

  it('writes float32 outputs as the rounded float64 values', () => {
    const f32 = new Float32Array(6000);
    env.fill(f32, 0, 6000);
    for (let t = 0; t < 6000; t += 7) expect(f32[t]).toBe(Math.fround(env.valueAt(t)));
  });

  it('holds the first value before the first point and the last value after the last', () => {
    expect(env.valueAt(-1e9)).toBe(1);
    expect(env.valueAt(1e12)).toBe(dbToGain(-20));
  });

  it('treats −Infinity dB as silence, shaping that segment in amplitude', () => {
    const fade = createEnvelope(
      [
        { t: 0, value: 0, curve: 'linear' },
        { t: 100, value: -Infinity, curve: 'hold' },
      ],
      { domain: 'db' },
    );
    expect(fade.valueAt(0)).toBe(1);
    expect(fade.valueAt(50)).toBe(0.5);
    expect(fade.valueAt(75)).toBe(0.25);
    expect(fade.valueAt(100)).toBe(0);
    expect(fade.valueAt(1000)).toBe(0);
  });
});

describe('createEnvelope: linear domain', () => {
  it('interpolates exponentially between two positive values', () => {
    const env = createEnvelope(
      [
        { t: 0, value: 1, curve: 'exponential' },
        { t: 1000, value: 100, curve: 'linear' },
      ],
      { domain: 'linear' },
    );
    expect(env.valueAt(500)).toBeCloseTo(10, 12);
    expect(env.valueAt(250)).toBeCloseTo(Math.sqrt(10), 12);
    expect(env.valueAt(1000)).toBe(100);
  });

  it('s-curve has zero slope at both ends and passes the midpoint', () => {
    const env = createEnvelope(
      [
        { t: 0, value: 0, curve: 's-curve' },
        { t: 1000, value: 1, curve: 'linear' },
      ],
      { domain: 'linear' },
    );
    expect(env.valueAt(500)).toBeCloseTo(0.5, 15);
    expect(env.valueAt(1) - env.valueAt(0)).toBeLessThan(1e-5);
    expect(env.valueAt(1000) - env.valueAt(999)).toBeLessThan(1e-5);
    expect(env.valueAt(0.5)).toBeCloseTo(0.5 * (1 - Math.cos(Math.PI * 0.0005)), 15);
  });

  it('accepts a single point as a constant', () => {
    const env = createEnvelope([{ t: 0, value: 3, curve: 'hold' }], { domain: 'linear' });
    const out = new Float64Array(4);
    env.fill(out, -2, 4);
    expect(Array.from(out)).toEqual([3, 3, 3, 3]);
  });

  it('rejects invalid lanes', () => {
    const p = (t: number, value: number, curve: Breakpoint['curve'] = 'linear'): Breakpoint => ({ t, value, curve });
    expect(() => createEnvelope([], { domain: 'db' })).toThrow(RangeError);
    expect(() => createEnvelope([p(0, 0), p(0, 1)], { domain: 'linear' })).toThrow(RangeError);
    expect(() => createEnvelope([p(10, 0), p(5, 1)], { domain: 'linear' })).toThrow(RangeError);
    expect(() => createEnvelope([p(0, 0, 'exponential'), p(5, 1)], { domain: 'linear' })).toThrow(RangeError);
    expect(() => createEnvelope([p(0, -Infinity), p(5, 1)], { domain: 'linear' })).toThrow(RangeError);
    expect(() => createEnvelope([p(0, NaN)], { domain: 'db' })).toThrow(RangeError);
    expect(() => createEnvelope([p(0, 0, 'bezier' as never)], { domain: 'db' })).toThrow(RangeError);
  });
});

describe('createKeyframes', () => {
  const keys = [
    { t: 0, value: 20 },
    { t: 48000, value: 5 },
    { t: 72000, value: 2 },
    { t: 96000, value: 2 },
    { t: 144000, value: 30 },
  ];

  it('passes through every key', () => {
    for (const mode of ['linear', 'monotone-cubic'] as const) {
      const track = createKeyframes(keys, { interpolation: mode });
      for (const k of keys) expect(track.valueAt(k.t)).toBe(k.value);
    }
  });

  it('monotone cubic never overshoots: each segment stays between its keys', () => {
    const track = createKeyframes(keys);
    for (let i = 0; i + 1 < keys.length; i++) {
      const lo = Math.min(keys[i]!.value, keys[i + 1]!.value);
      const hi = Math.max(keys[i]!.value, keys[i + 1]!.value);
      for (let t = keys[i]!.t; t <= keys[i + 1]!.t; t += 97) {
        const v = track.valueAt(t);
        expect(v).toBeGreaterThanOrEqual(lo - 1e-12);
        expect(v).toBeLessThanOrEqual(hi + 1e-12);
      }
    }
  });

  it('monotone cubic has a continuous slope at the keys (linear does not)', () => {
    const cubic = createKeyframes(keys);
    const linear = createKeyframes(keys, { interpolation: 'linear' });
    for (const k of keys.slice(1, -1)) {
      expect(cubic.slopeAt(k.t - 1e-6)).toBeCloseTo(cubic.slopeAt(k.t + 1e-6), 9);
      // the sampled path agrees: equal differences either side of the key (up to the curvature term, ~1e−8)
      expect(cubic.valueAt(k.t) - cubic.valueAt(k.t - 1)).toBeCloseTo(cubic.valueAt(k.t + 1) - cubic.valueAt(k.t), 6);
    }
    expect(Math.abs(linear.slopeAt(47999) - linear.slopeAt(48001))).toBeGreaterThan(1e-5);
  });

  it('with two keys both interpolants are the straight line', () => {
    const two = [
      { t: 0, value: 10 },
      { t: 100, value: 0 },
    ];
    expect(createKeyframes(two).valueAt(30)).toBeCloseTo(7, 14);
    expect(createKeyframes(two, { interpolation: 'linear' }).valueAt(30)).toBeCloseTo(7, 14);
  });

  it('a circular track takes the shorter way round and wraps its output', () => {
    const az = createKeyframes(
      [
        { t: 0, value: 170 },
        { t: 100, value: -170 },
      ],
      { period: 360, interpolation: 'linear' },
    );
    expect(az.valueAt(25)).toBeCloseTo(175, 12);
    expect(az.valueAt(50)).toBeCloseTo(-180, 12); // 180 wraps to −180
    expect(az.valueAt(75)).toBeCloseTo(-175, 12);
    expect(az.valueAt(100)).toBeCloseTo(-170, 12);
    const back = createKeyframes(
      [
        { t: 0, value: -30 },
        { t: 100, value: 30 },
      ],
      { period: 360 },
    );
    expect(back.valueAt(50)).toBeCloseTo(0, 12);
  });

  it('fill equals valueAt, whatever the block split', () => {
    const track = createKeyframes(keys);
    const whole = new Float64Array(150000);
    track.fill(whole, -1000, whole.length);
    for (let t = 0; t < whole.length; t += 1001) expect(whole[t]).toBe(track.valueAt(t - 1000));
    for (const seed of [4, 5]) expect(firstDifference(fillInRandomBlocks(track.fill, -1000, whole.length, seed), whole)).toBe(-1);
  });

  it('rejects invalid keys', () => {
    expect(() => createKeyframes([])).toThrow(RangeError);
    expect(() => createKeyframes([{ t: 0, value: 1 }, { t: 0, value: 2 }])).toThrow(RangeError);
    expect(() => createKeyframes([{ t: 0, value: Infinity }])).toThrow(RangeError);
    expect(() => createKeyframes([{ t: 0, value: 1 }], { period: 0 })).toThrow(RangeError);
  });
});
