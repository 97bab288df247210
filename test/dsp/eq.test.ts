import { describe, expect, it } from 'vitest';
import {
  butterworthQs,
  createEq,
  designBiquad,
  magnitudeDb,
  validateBand,
  type EqBand,
} from '../../src/renderers/dsp/eq.ts';
import { firstDifference, prng, whiteNoise } from '../helpers/signals.ts';

/** Runs `buf` through `process` in blocks of pseudo-random sizes (1 … maxBlock frames). */
function processInBlocks(p: { process(b: Float32Array, n: number): void }, buf: Float32Array, channels: number, seed: number, maxBlock = 5000): void {
  const rnd = prng(seed);
  const frames = buf.length / channels;
  for (let f = 0; f < frames; ) {
    const n = Math.min(frames - f, 1 + Math.floor(rnd() * maxBlock));
    p.process(buf.subarray(f * channels, (f + n) * channels), n);
    f += n;
  }
}

/** Largest pole radius of a section (how slowly its transient dies). */
function poleRadius(a1: number, a2: number): number {
  const disc = a1 * a1 - 4 * a2;
  if (disc < 0) return Math.sqrt(a2);
  const r = Math.sqrt(disc);
  return Math.max(Math.abs((-a1 + r) / 2), Math.abs((-a1 - r) / 2));
}

/**
 * Gain in dB measured the way a person with a signal generator and an RMS meter
 * would: a sine through the EQ, wait until the transient has decayed by 120 dB,
 * then RMS(out)/RMS(in) over a whole number of periods.
 */
function measuredGainDb(bands: EqBand[], freq: number, fs: number, seed: number): number {
  const eq = createEq(bands, { sampleRate: fs, channels: 1 });
  let settle = 0;
  for (const c of eq.sections) settle += Math.ceil(Math.log(1e-6) / Math.log(poleRadius(c.a1, c.a2)));
  const periods = Math.max(4, Math.ceil(0.05 * freq));
  const win = Math.round((periods * fs) / freq);
  const n = settle + win;
  const x = new Float32Array(n);
  const w = (2 * Math.PI * freq) / fs;
  for (let i = 0; i < n; i++) x[i] = 0.5 * Math.sin(w * i);
  const y = x.slice();
  processInBlocks(eq, y, 1, seed, 8192);
  let ex = 0;
  let ey = 0;
  for (let i = settle; i < n; i++) {
    ex += x[i]! * x[i]!;
    ey += y[i]! * y[i]!;
  }
  return 10 * Math.log10(ey / ex);
}

function logSpaced(lo: number, hi: number, count: number): number[] {
  return Array.from({ length: count }, (_, i) => lo * (hi / lo) ** (i / (count - 1)));
}

const CASES: { name: string; band: EqBand }[] = [
  { name: 'highpass 12 dB/oct (Q 0.707)', band: { type: 'highpass', freq: 120 } },
  { name: 'highpass resonant Q 4', band: { type: 'highpass', freq: 300, q: 4 } },
  { name: 'highpass 24 dB/oct', band: { type: 'highpass', freq: 80, slope: 24 } },
  { name: 'highpass 48 dB/oct', band: { type: 'highpass', freq: 40, slope: 48 } },
  { name: 'lowpass 12 dB/oct', band: { type: 'lowpass', freq: 8000 } },
  { name: 'lowpass 36 dB/oct', band: { type: 'lowpass', freq: 5000, slope: 36 } },
  { name: 'lowshelf +6 dB Q 0.707', band: { type: 'lowshelf', freq: 200, gainDb: 6 } },
  { name: 'lowshelf −9 dB S 0.5', band: { type: 'lowshelf', freq: 400, gainDb: -9, shelfSlope: 0.5 } },
  { name: 'highshelf +4 dB S 1', band: { type: 'highshelf', freq: 6000, gainDb: 4, shelfSlope: 1 } },
  { name: 'highshelf −12 dB Q 1', band: { type: 'highshelf', freq: 3000, gainDb: -12, q: 1 } },
  { name: 'peaking +6 dB Q 1', band: { type: 'peaking', freq: 1000, gainDb: 6, q: 1 } },
  { name: 'peaking −15 dB Q 8', band: { type: 'peaking', freq: 250, gainDb: -15, q: 8 } },
  { name: 'notch Q 4', band: { type: 'notch', freq: 60, q: 4 } },
  { name: 'bandpass Q 2', band: { type: 'bandpass', freq: 2500, q: 2 } },
];

describe('eq: measured response matches the analytic response', () => {
  for (const fs of [44100, 48000, 96000]) {
    for (const [ci, { name, band }] of CASES.entries()) {
      it(`${name} at ${fs} Hz: 20 frequencies within 0.1 dB`, () => {
        const coeffs = designBiquad(band.type, band, fs);
        let checked = 0;
        for (const [i, f] of logSpaced(20, 0.45 * fs, 20).entries()) {
          const expected = magnitudeDb(coeffs, f, fs);
          if (expected < -80) continue; // below float32 signal precision; the analytic tests cover it
          const measured = measuredGainDb([band], f, fs, ci * 100 + i);
          expect(Math.abs(measured - expected), `${f.toFixed(1)} Hz: measured ${measured.toFixed(3)} dB, analytic ${expected.toFixed(3)} dB`).toBeLessThan(0.1);
          checked++;
        }
        expect(checked).toBeGreaterThanOrEqual(12);
      });
    }
  }

  it('a multi-band EQ measures as the sum of its bands', () => {
    const bands: EqBand[] = [
      { type: 'highpass', freq: 80, slope: 24 },
      { type: 'peaking', freq: 2500, gainDb: -4, q: 1.4 },
      { type: 'highshelf', freq: 9000, gainDb: 3 },
    ];
    const fs = 48000;
    for (const f of [50, 100, 1000, 2500, 12000]) {
      const expected = bands.reduce((s, b) => s + magnitudeDb(designBiquad(b.type, b, fs), f, fs), 0);
      expect(Math.abs(measuredGainDb(bands, f, fs, 7) - expected)).toBeLessThan(0.1);
    }
  });
});

describe('eq: analytic response (cookbook properties)', () => {
  it.each([44100, 48000, 96000, 192000])('peaking and shelves reach their gain at %i Hz', (fs) => {
    const peak = designBiquad('peaking', { freq: 1000, q: 2, gainDb: 7.5 }, fs);
    expect(magnitudeDb(peak, 1000, fs)).toBeCloseTo(7.5, 9);
    const low = designBiquad('lowshelf', { freq: 300, gainDb: -6 }, fs);
    expect(magnitudeDb(low, 1e-3, fs)).toBeCloseTo(-6, 6);
    expect(magnitudeDb(low, fs / 2 - 1e-6, fs)).toBeCloseTo(0, 6);
    // the cookbook's shelf midpoint: half the gain in dB at f0
    expect(magnitudeDb(low, 300, fs)).toBeCloseTo(-3, 9);
    const high = designBiquad('highshelf', { freq: 5000, gainDb: 4, shelfSlope: 1 }, fs);
    expect(magnitudeDb(high, fs / 2 - 1e-6, fs)).toBeCloseTo(4, 6);
    expect(magnitudeDb(high, 1e-3, fs)).toBeCloseTo(0, 6);
    expect(magnitudeDb(high, 5000, fs)).toBeCloseTo(2, 9);
    const bp = designBiquad('bandpass', { freq: 700, q: 3 }, fs);
    expect(magnitudeDb(bp, 700, fs)).toBeCloseTo(0, 9);
    const notch = designBiquad('notch', { freq: 50, q: 10 }, fs);
    expect(magnitudeDb(notch, 50, fs)).toBeLessThan(-120);
  });

  it.each([12, 24, 36, 48])('Butterworth %i dB/oct: −3.01 dB at f0 and the warped analog response everywhere', (slope) => {
    const fs = 48000;
    const hp = designBiquad('highpass', { freq: 1000, slope }, fs);
    const lp = designBiquad('lowpass', { freq: 1000, slope }, fs);
    expect(hp).toHaveLength(slope / 12);
    expect(magnitudeDb(hp, 1000, fs)).toBeCloseTo(-10 * Math.log10(2), 9);
    expect(magnitudeDb(lp, 1000, fs)).toBeCloseTo(-10 * Math.log10(2), 9);
    // the bilinear transform of the analog Butterworth, exactly: with the warped ratio
    // ν = tan(πf/fs)/tan(πf0/fs), |H_hp|² = 1/(1 + ν^(−2n)) and |H_lp|² = 1/(1 + ν^(2n))
    const n = slope / 6;
    for (const f of logSpaced(20, 23000, 60)) {
      const nu = Math.tan((Math.PI * f) / fs) / Math.tan((Math.PI * 1000) / fs);
      expect(magnitudeDb(hp, f, fs)).toBeCloseTo(-10 * Math.log10(1 + nu ** (-2 * n)), 8);
      expect(magnitudeDb(lp, f, fs)).toBeCloseTo(-10 * Math.log10(1 + nu ** (2 * n)), 8);
    }
    // so: slope·3 dB down three octaves below the corner (to within the warping), and monotonic
    expect(Math.abs(magnitudeDb(hp, 125, fs) + 3 * slope)).toBeLessThan(0.7);
    let prev = -Infinity;
    for (const f of logSpaced(20, 20000, 200)) {
      const m = magnitudeDb(hp, f, fs);
      expect(m).toBeGreaterThan(prev - 1e-12);
      prev = m;
    }
  });

  it('Butterworth section Qs', () => {
    expect(butterworthQs(2)[0]).toBeCloseTo(Math.SQRT1_2, 12);
    const q4 = butterworthQs(4);
    expect(q4[0]).toBeCloseTo(1.3065629648763766, 12);
    expect(q4[1]).toBeCloseTo(0.5411961001461969, 12);
    expect(butterworthQs(6).map((q) => q.toFixed(4))).toEqual(['1.9319', '0.7071', '0.5176']);
  });

  it('coefficients match the cookbook formulas evaluated independently (recorded, 1e-12)', () => {
    // computed from the cookbook text with Python's math module
    const [p] = designBiquad('peaking', { freq: 1000, q: 1, gainDb: 6 }, 48000);
    const rec = [1.043953086990335, -1.8953207239365961, 0.8677222847598566, -1.8953207239365961, 0.9116753717501915];
    [p!.b0, p!.b1, p!.b2, p!.a1, p!.a2].forEach((v, i) => expect(Math.abs(v - rec[i]!)).toBeLessThan(1e-12));
    const [h] = designBiquad('highshelf', { freq: 4000, gainDb: 4, shelfSlope: 1 }, 44100);
    const recH = [1.448392586529128, -1.8779885606788702, 0.7043141747136517, -1.134239308082256, 0.4089575086461656];
    [h!.b0, h!.b1, h!.b2, h!.a1, h!.a2].forEach((v, i) => expect(Math.abs(v - recH[i]!)).toBeLessThan(1e-12));
  });
});

describe('eq: validation', () => {
  const fs = 48000;
  it.each<[EqBand, RegExp]>([
    [{ type: 'peaking', freq: 0, gainDb: 3 }, /above 0 Hz/],
    [{ type: 'peaking', freq: -10, gainDb: 3 }, /above 0 Hz/],
    [{ type: 'lowpass', freq: 24000 }, /below the Nyquist frequency 24000 Hz/],
    [{ type: 'lowpass', freq: 30000 }, /Nyquist/],
    [{ type: 'lowpass', freq: NaN }, /finite/],
    [{ type: 'peaking', freq: 1000, q: 0, gainDb: 3 }, /Q must be a positive number/],
    [{ type: 'notch', freq: 1000, q: -1 }, /Q must be a positive number/],
    [{ type: 'peaking', freq: 1000 }, /gain in dB is required/],
    [{ type: 'highpass', freq: 100, gainDb: 3 }, /no meaning/],
    [{ type: 'highpass', freq: 100, slope: 18 }, /12, 24, 36, 48/],
    [{ type: 'highpass', freq: 100, slope: 24, q: 2 }, /Butterworth/],
    [{ type: 'peaking', freq: 100, slope: 24, gainDb: 1 }, /only to highpass and lowpass/],
    [{ type: 'peaking', freq: 100, gainDb: 1, shelfSlope: 1 }, /only to lowshelf/],
    [{ type: 'lowshelf', freq: 100, gainDb: 1, shelfSlope: 1, q: 1 }, /not both/],
    [{ type: 'lowshelf', freq: 100, gainDb: 24, shelfSlope: 5 }, /too steep/],
    [{ type: 'wobble' as EqBand['type'], freq: 100 }, /unknown band type/],
  ])('%j → %s', (band, message) => {
    expect(validateBand(band, fs)).toMatch(message);
    expect(() => designBiquad(band.type, band, fs)).toThrow(message);
    expect(() => createEq([band], { sampleRate: fs, channels: 1 })).toThrow(/eq band 1/);
  });

  it('accepts valid bands', () => {
    for (const { band } of CASES) expect(validateBand(band, 44100)).toBeNull();
    expect(validateBand({ type: 'lowpass', freq: 23999 }, 48000)).toBeNull();
  });

  it('the same band can be valid at one rate and not at another', () => {
    const band: EqBand = { type: 'highshelf', freq: 30000, gainDb: 2 };
    expect(validateBand(band, 96000)).toBeNull();
    expect(validateBand(band, 48000)).toMatch(/Nyquist/);
  });
});

describe('eq: streaming', () => {
  const bands: EqBand[] = [
    { type: 'highpass', freq: 60, slope: 24 },
    { type: 'peaking', freq: 3000, gainDb: 5, q: 0.7 },
    { type: 'lowshelf', freq: 150, gainDb: -3 },
  ];

  it('output does not depend on the block size (random splits, bit-identical)', () => {
    const x = whiteNoise(3 * 40000, 1);
    const whole = x.slice();
    createEq(bands, { sampleRate: 48000, channels: 3 }).process(whole, 40000);
    for (const seed of [2, 3, 4]) {
      const split = x.slice();
      processInBlocks(createEq(bands, { sampleRate: 48000, channels: 3 }), split, 3, seed, seed * 300);
      expect(firstDifference(split, whole)).toBe(-1);
    }
  });

  it('channels are filtered independently, with the same filter', () => {
    const frames = 10000;
    const mono = whiteNoise(frames, 5);
    const stereo = new Float32Array(frames * 2);
    for (let i = 0; i < frames; i++) stereo[2 * i] = mono[i]!;
    createEq(bands, { sampleRate: 48000, channels: 1 }).process(mono, frames);
    createEq(bands, { sampleRate: 48000, channels: 2 }).process(stereo, frames);
    for (let i = 0; i < frames; i++) {
      expect(stereo[2 * i]).toBe(mono[i]);
      expect(stereo[2 * i + 1]).toBe(0);
    }
  });

  it('reset returns to the initial state; no bands is the identity; tail covers the decay', () => {
    const eq = createEq(bands, { sampleRate: 48000, channels: 1 });
    const a = whiteNoise(5000, 9);
    const b = a.slice();
    eq.process(a, 5000);
    eq.reset();
    eq.process(b, 5000);
    expect(firstDifference(b, a)).toBe(-1);
    const x = whiteNoise(100, 10);
    const y = x.slice();
    createEq([], { sampleRate: 48000, channels: 1 }).process(y, 100);
    expect(firstDifference(y, x)).toBe(-1);

    // impulse response: after `tail` samples it has decayed below −96 dB of its peak
    const imp = new Float32Array(eq.tail + 1000);
    imp[0] = 1;
    const eq2 = createEq(bands, { sampleRate: 48000, channels: 1 });
    eq2.process(imp, imp.length);
    let peak = 0;
    for (const v of imp) peak = Math.max(peak, Math.abs(v));
    let late = 0;
    for (let i = eq.tail; i < imp.length; i++) late = Math.max(late, Math.abs(imp[i]!));
    expect(late / peak).toBeLessThan(10 ** (-96 / 20));
    expect(eq.latency).toBe(0);
  });

  it('refuses a buffer shorter than frames × channels', () => {
    const eq = createEq(bands, { sampleRate: 48000, channels: 2 });
    expect(() => eq.process(new Float32Array(10), 6)).toThrow(/exceed/);
  });
});
