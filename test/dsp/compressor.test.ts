import { describe, expect, it } from 'vitest';
import {
  createCompressor,
  staticCurveDb,
  validateCompressor,
  type CompressorParams,
} from '../../src/renderers/dsp/compressor.ts';
import { compressor as compressorProcessor } from '../../src/renderers/processors/compressor.ts';
import { dB, firstDifference, prng, rmsDb } from '../helpers/signals.ts';

const FS = 48000;

describe('compressor: static curve (gain computer)', () => {
  it('hard knee: unity below T, slope 1/R above', () => {
    expect(staticCurveDb(-40, -20, 4)).toBe(-40);
    expect(staticCurveDb(-20, -20, 4)).toBe(-20);
    expect(staticCurveDb(0, -20, 4)).toBeCloseTo(-15, 12);
    expect(staticCurveDb(0, -20, Infinity)).toBeCloseTo(-20, 12);
  });

  it('soft knee: continuous with continuous slope at both knee edges, below the hard curve inside', () => {
    const T = -20, R = 4, W = 10;
    for (const edge of [T - W / 2, T + W / 2]) {
      const e = 1e-7;
      expect(staticCurveDb(edge - e, T, R, W)).toBeCloseTo(staticCurveDb(edge + e, T, R, W), 6);
      const slopeL = (staticCurveDb(edge - e, T, R, W) - staticCurveDb(edge - 2 * e, T, R, W)) / e;
      const slopeR = (staticCurveDb(edge + 2 * e, T, R, W) - staticCurveDb(edge + e, T, R, W)) / e;
      expect(slopeL).toBeCloseTo(slopeR, 4);
    }
    // at the threshold the quadratic knee sits (1/R − 1)·W/8 below the input
    expect(staticCurveDb(T, T, R, W)).toBeCloseTo(T + ((1 / R - 1) * W) / 8, 12);
  });
});

/**
 * Stepped sine levels (1 kHz, −60 … 0 dBFS in 3 dB steps, 250 ms each, rising);
 * the gain is RMS(out)/RMS(in) over the last 100 ms of each step.
 */
function measureStaticCurve(params: CompressorParams, channels = 2): { level: number; gain: number }[] {
  const step = Math.round(0.25 * FS);
  const levels: number[] = [];
  for (let l = -60; l <= 0; l += 3) levels.push(l);
  const frames = step * levels.length;
  const x = new Float32Array(frames * channels);
  const w = (2 * Math.PI * 1000) / FS;
  levels.forEach((l, s) => {
    const a = 10 ** (l / 20);
    for (let i = s * step; i < (s + 1) * step; i++) for (let c = 0; c < channels; c++) x[i * channels + c] = a * Math.sin(w * i);
  });
  const y = x.slice();
  const comp = createCompressor(params, { sampleRate: FS, channels });
  const rnd = prng(3);
  for (let f = 0; f < frames; ) {
    const n = Math.min(frames - f, 1 + Math.floor(rnd() * 7000));
    comp.process(y.subarray(f * channels, (f + n) * channels), n);
    f += n;
  }
  const win = Math.round(0.1 * FS); // 100 periods of 1 kHz
  return levels.map((level, s) => ({
    level,
    gain: rmsDb(y, (s + 1) * step - win, (s + 1) * step, channels) - rmsDb(x, (s + 1) * step - win, (s + 1) * step, channels),
  }));
}

describe('compressor: measured static curve matches the transfer function within 0.2 dB', () => {
  const cases: { name: string; p: CompressorParams }[] = [
    { name: 'hard knee, peak', p: { thresholdDb: -24, ratio: 4, attackSec: 0.001, releaseSec: 0.5 } },
    { name: 'soft knee 12 dB, peak, make-up', p: { thresholdDb: -30, ratio: 3, kneeDb: 12, attackSec: 0.001, releaseSec: 0.5, makeupDb: 6 } },
    { name: 'hard knee, ratio 20, rms', p: { thresholdDb: -18, ratio: 20, attackSec: 0.005, releaseSec: 0.2, detection: 'rms' } },
    { name: 'soft knee 6 dB, rms', p: { thresholdDb: -36, ratio: 2, kneeDb: 6, attackSec: 0.005, releaseSec: 0.2, detection: 'rms' } },
  ];
  for (const { name, p } of cases) {
    it(name, () => {
      const points = measureStaticCurve(p);
      for (const { level, gain } of points) {
        const expected = staticCurveDb(level, p.thresholdDb, p.ratio, p.kneeDb ?? 0) - level + (p.makeupDb ?? 0);
        expect(Math.abs(gain - expected), `${level} dBFS: gain ${gain.toFixed(3)} dB, expected ${expected.toFixed(3)} dB`).toBeLessThan(0.2);
      }
      // the curve really compresses: 0 dBFS is reduced by (1 − 1/R)·(0 − T) (hard knee) or about that
      const top = points[points.length - 1]!;
      expect(top.gain - (p.makeupDb ?? 0)).toBeLessThan(-((1 - 1 / p.ratio) * -p.thresholdDb) + 0.5);
    });
  }
});

/**
 * DC level steps (peak detection; a constant |x| makes x_G step exactly):
 * returns the gain reduction in dB per sample.
 */
function gainReductionOnSteps(p: CompressorParams, levels: { at: number; amp: number }[], frames: number, fs = FS): Float64Array {
  const x = new Float32Array(frames);
  for (const { at, amp } of levels) x.fill(amp, at);
  const y = x.slice();
  createCompressor(p, { sampleRate: fs, channels: 1 }).process(y, frames);
  const gr = new Float64Array(frames);
  for (let i = 0; i < frames; i++) gr[i] = dB(x[i]!) - dB(y[i]!);
  return gr;
}

/** Samples from `from` until the gain reduction has covered 1 − 1/e of its change towards `target`. */
function timeTo63(gr: Float64Array, from: number, start: number, target: number): number {
  const goal = start + (1 - 1 / Math.E) * (target - start);
  for (let i = from; i < gr.length; i++) if (target > start ? gr[i]! >= goal : gr[i]! <= goal) return i - from;
  return Infinity;
}

describe('compressor: attack and release time constants', () => {
  // The paper (Giannoulis et al. 2012) defines τ as the time for the detector's
  // step response to reach 1 − 1/e of its final value; here that is the gain
  // reduction in dB, for a step of the detected level.
  for (const [fs, attack, release, knee] of [
    [48000, 0.01, 0.1, 0],
    [44100, 0.005, 0.3, 10],
    [96000, 0.03, 1.2, 0],
  ] as const) {
    it(`attack ${attack * 1000} ms, release ${release * 1000} ms at ${fs} Hz within 10 % (here: 1 sample)`, () => {
      const p: CompressorParams = { thresholdDb: -30, ratio: 4, kneeDb: knee, attackSec: attack, releaseSec: release };
      const up = Math.round(0.2 * fs);
      const down = up + Math.round((attack * 20 + 0.1) * fs);
      const frames = down + Math.round(release * 15 * fs);
      const gr = gainReductionOnSteps(p, [{ at: 0, amp: 10 ** (-45 / 20) }, { at: up, amp: 10 ** (-6 / 20) }, { at: down, amp: 10 ** (-45 / 20) }], frames, fs);
      const target = -6 - staticCurveDb(-6, -30, 4, knee);
      expect(gr[up - 1]).toBeCloseTo(0, 9);
      expect(gr[down - 1]).toBeCloseTo(target, 3);
      const tA = timeTo63(gr, up, 0, target) / fs;
      const tR = timeTo63(gr, down, target, 0) / fs;
      expect(Math.abs(tA - attack) / attack).toBeLessThan(0.1);
      expect(Math.abs(tR - release) / release).toBeLessThan(0.1);
      expect(Math.abs(tA - attack) * fs).toBeLessThan(1.01);
      expect(Math.abs(tR - release) * fs).toBeLessThan(1.01);
    });
  }

  it('on a 1 kHz sine with RMS detection (1 ms window) attack and release are within 10 %', () => {
    // Peak detection of a sine attacks only near the crests, so its effective attack is longer
    // than τ; an RMS window of one period makes the detected level step (ramping over 1 ms).
    const fs = 48000;
    const attack = 0.02;
    const release = 0.2;
    const up = Math.round(0.1 * fs);
    const down = up + Math.round(0.5 * fs);
    const frames = down + Math.round(1.5 * fs);
    const x = new Float32Array(frames);
    for (let i = 0; i < frames; i++) x[i] = (i >= up && i < down ? 0.5 : 0.01) * Math.sin((2 * Math.PI * 1000 * i) / fs);
    const y = x.slice();
    createCompressor({ thresholdDb: -30, ratio: 4, attackSec: attack, releaseSec: release, detection: 'rms', rmsWindowSec: 0.001 }, { sampleRate: fs, channels: 1 }).process(y, frames);
    // gain reduction per period (48 samples), read at the period's crest
    const grFrom = (start: number, periods: number): number[] =>
      Array.from({ length: periods }, (_, k) => dB(x[start + k * 48 + 12]!) - dB(y[start + k * 48 + 12]!));
    const gUp = grFrom(up, 400);
    const final = gUp[gUp.length - 1]!;
    expect(final).toBeCloseTo(-6 - staticCurveDb(-6, -30, 4), 1);
    const kA = gUp.findIndex((g) => g >= (1 - 1 / Math.E) * final);
    expect(Math.abs((kA * 48 + 12) / fs - attack) / attack).toBeLessThan(0.1);
    const gDown = grFrom(down, 1400);
    const kR = gDown.findIndex((g) => g <= final / Math.E);
    expect(Math.abs((kR * 48 + 12) / fs - release) / release).toBeLessThan(0.1);
  });
});

describe('compressor: side-chain and linking', () => {
  it('ducks music under a side-chain dialogue signal, and only then', () => {
    const fs = FS;
    const frames = 4 * fs;
    const music = new Float32Array(frames * 2);
    const dlg = new Float32Array(frames);
    for (let i = 0; i < frames; i++) {
      music[2 * i] = 0.25 * Math.sin((2 * Math.PI * 220 * i) / fs); // −12 dBFS
      music[2 * i + 1] = 0.25 * Math.sin((2 * Math.PI * 330 * i) / fs);
      if (i >= fs && i < 2 * fs) dlg[i] = 10 ** (-10 / 20) * Math.sin((2 * Math.PI * 1000 * i) / fs); // −10 dBFS
    }
    const p = { thresholdDb: -30, ratio: 2, attackSec: 0.01, releaseSec: 0.2, detection: 'rms' as const, sidechainChannels: 1 };
    const ducker = compressorProcessor.create(p, { sampleRate: fs, channels: 2 });
    const y = music.slice();
    for (let f = 0; f < frames; f += 4800) ducker.process(y.subarray(f * 2, (f + 4800) * 2), 4800, dlg.subarray(f, f + 4800));
    const gainAt = (a: number, b: number, ch: number): number =>
      rmsDb(y, Math.round(a * fs), Math.round(b * fs), 2, ch) - rmsDb(music, Math.round(a * fs), Math.round(b * fs), 2, ch);
    const duck = staticCurveDb(-10, -30, 2) - -10; // −10 dB
    expect(duck).toBeCloseTo(-10, 9);
    // before the dialogue: untouched, although the music itself is above the threshold
    expect(gainAt(0.2, 1.0, 0)).toBeCloseTo(0, 6);
    // under the dialogue: ducked by the curve's gain, the same on both channels (linked)
    expect(Math.abs(gainAt(1.2, 2.0, 0) - duck)).toBeLessThan(0.2);
    expect(Math.abs(gainAt(1.2, 2.0, 1) - duck)).toBeLessThan(0.2);
    // after it: recovered (release 200 ms: 1.5 s later the residue is 10·e^−7.5 ≈ 0.006 dB)
    expect(Math.abs(gainAt(3.5, 4.0, 0))).toBeLessThan(0.02);
    // recovery is gradual: 200 ms after the dialogue stops, about 1/e of the reduction is left
    const g200 = dB(Math.abs(y[2 * Math.round(2.2 * fs)]! / music[2 * Math.round(2.2 * fs)]!));
    expect(g200).toBeLessThan(duck / Math.E + 1.5);
    expect(g200).toBeGreaterThan(duck / Math.E - 1.5);
  });

  it('a missing side-chain input is an error, not silence', () => {
    const c = createCompressor({ thresholdDb: -20, ratio: 4, attackSec: 0.01, releaseSec: 0.1 }, { sampleRate: FS, channels: 2, sidechainChannels: 2 });
    expect(() => c.process(new Float32Array(20), 10)).toThrow(/no side-chain input/);
    expect(() => c.process(new Float32Array(20), 10, new Float32Array(10))).toThrow(/fewer than 10 frames/);
    const plain = createCompressor({ thresholdDb: -20, ratio: 4, attackSec: 0.01, releaseSec: 0.1 }, { sampleRate: FS, channels: 2 });
    expect(() => plain.process(new Float32Array(20), 10, new Float32Array(20))).toThrow(/without sidechainChannels/);
  });

  it('stereo-linked: a loud left channel reduces the quiet right channel by the same gain', () => {
    const frames = FS;
    const x = new Float32Array(frames * 2);
    for (let i = 0; i < frames; i++) {
      x[2 * i] = 0.9 * Math.sin((2 * Math.PI * 500 * i) / FS);
      x[2 * i + 1] = 0.01 * Math.sin((2 * Math.PI * 700 * i) / FS);
    }
    const y = x.slice();
    createCompressor({ thresholdDb: -20, ratio: 4, attackSec: 0.002, releaseSec: 0.1 }, { sampleRate: FS, channels: 2 }).process(y, frames);
    for (let i = 1000; i < frames; i += 997) {
      if (Math.abs(x[2 * i]!) < 0.05 || Math.abs(x[2 * i + 1]!) < 0.001) continue;
      expect(y[2 * i]! / x[2 * i]!).toBeCloseTo(y[2 * i + 1]! / x[2 * i + 1]!, 5);
    }
    expect(rmsDb(y, FS / 2, FS, 2, 1) - rmsDb(x, FS / 2, FS, 2, 1)).toBeLessThan(-10);
  });

  it('output does not depend on the block size', () => {
    const rnd = prng(11);
    const frames = 30000;
    const x = new Float32Array(frames * 2);
    for (let i = 0; i < x.length; i++) x[i] = (rnd() * 2 - 1) * (i < x.length / 2 ? 0.05 : 0.8);
    const sc = new Float32Array(frames);
    for (let i = 0; i < frames; i++) sc[i] = rnd() - 0.5;
    for (const detection of ['peak', 'rms'] as const) {
      for (const sidechain of [false, true]) {
        const p: CompressorParams = { thresholdDb: -25, ratio: 5, kneeDb: 6, attackSec: 0.003, releaseSec: 0.08, detection };
        const make = () => createCompressor(p, { sampleRate: FS, channels: 2, sidechainChannels: sidechain ? 1 : 0 });
        const whole = x.slice();
        make().process(whole, frames, sidechain ? sc : undefined);
        const split = x.slice();
        const c = make();
        for (let f = 0; f < frames; ) {
          const n = Math.min(frames - f, 1 + Math.floor(rnd() * 3000));
          c.process(split.subarray(f * 2, (f + n) * 2), n, sidechain ? sc.subarray(f, f + n) : undefined);
          f += n;
        }
        expect(firstDifference(split, whole)).toBe(-1);
      }
    }
  });

  it('silence stays silence; reset restores the initial state', () => {
    const c = createCompressor({ thresholdDb: -20, ratio: 4, attackSec: 0.01, releaseSec: 0.1, makeupDb: 3, detection: 'rms' }, { sampleRate: FS, channels: 1 });
    const z = new Float32Array(1000);
    c.process(z, 1000);
    expect(z.every((v) => v === 0)).toBe(true);
    const a = new Float32Array(2000).fill(0.7);
    const b = a.slice();
    c.process(a, 2000);
    c.reset();
    c.process(b, 2000);
    expect(firstDifference(b, a)).toBe(-1);
  });
});

describe('compressor: validation', () => {
  const base: CompressorParams = { thresholdDb: -20, ratio: 4, attackSec: 0.01, releaseSec: 0.1 };
  it.each<[Partial<CompressorParams>, RegExp]>([
    [{ ratio: 0.5 }, /ratio must be at least 1/],
    [{ ratio: NaN }, /ratio must be a finite number/],
    [{ kneeDb: -1 }, /knee must be ≥ 0 dB/],
    [{ attackSec: 0 }, /attack must be above 0 s/],
    [{ releaseSec: -1 }, /release must be above 0 s/],
    [{ thresholdDb: Infinity }, /threshold/],
    [{ detection: 'loud' as 'peak' }, /detection must be "peak" or "rms"/],
    [{ rmsWindowSec: 1e-6, detection: 'rms' }, /shorter than one sample/],
  ])('%j → %s', (patch, message) => {
    expect(validateCompressor({ ...base, ...patch }, FS)).toMatch(message);
    expect(() => createCompressor({ ...base, ...patch }, { sampleRate: FS, channels: 1 })).toThrow(message);
  });
  it('accepts valid params; the processor wrapper checks side-chain channels', () => {
    expect(validateCompressor(base, FS)).toBeNull();
    expect(() => compressorProcessor.create({ ...base, sidechainChannels: -1 }, { sampleRate: FS, channels: 2 })).toThrow(/sidechainChannels/);
    expect(compressorProcessor.create(base, { sampleRate: FS, channels: 2 }).latency).toBe(0);
  });
});
