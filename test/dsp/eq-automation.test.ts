import { describe, expect, it } from 'vitest';
import { createEq, type EqBand } from '../../src/renderers/dsp/eq.ts';
import type { Breakpoint } from '../../src/renderers/dsp/envelope.ts';
import { dB, prng, sine, toneAmplitude } from '../helpers/signals.ts';

const FS = 48000;
const PEAK: EqBand = { type: 'peaking', freq: 1000, q: 1, gainDb: 0 };

function run(bands: EqBand[], points: Breakpoint[] | null, input: Float32Array, opts: { startFrame?: number; seed?: number } = {}): Float32Array {
  const eq = createEq(bands, { sampleRate: FS, channels: 1, automation: points ? [{ band: bands.length - 1, points }] : undefined, startFrame: opts.startFrame });
  const buf = input.slice();
  if (opts.seed === undefined) eq.process(buf, buf.length);
  else {
    const rnd = prng(opts.seed);
    for (let f = 0; f < buf.length; ) {
      const n = Math.min(buf.length - f, 1 + Math.floor(rnd() * 3000));
      eq.process(buf.subarray(f, f + n), n);
      f += n;
    }
  }
  return buf;
}

/** Level (dB) of the 1 kHz tone in a 20 ms window centred on `t` seconds. */
const levelAt = (y: Float32Array, t: number, amp: number) => dB(toneAmplitude(y, 1000, FS, Math.round(t * FS) - 480, Math.round(t * FS) + 480) / amp);

describe('EQ band gain automation (issue 4)', () => {
  const tone = sine(1000, FS, FS * 2, 0.25);

  it('a constant automated gain gives the same bytes as the static band', () => {
    const bands: EqBand[] = [{ type: 'highpass', freq: 80, slope: 24 }, { ...PEAK, gainDb: 4 }];
    const input = new Float32Array(FS).map((_, i) => Math.sin(i * 0.37) * 0.3 + Math.sin(i * 0.011) * 0.2);
    const stat = run(bands, null, input);
    const auto = run(bands, [{ t: 0, value: 4, curve: 'linear' }], input);
    expect(Buffer.from(auto.buffer).equals(Buffer.from(stat.buffer))).toBe(true);
  });

  it('a hold step lands on each level: the tone at the band centre reads the band gain within 0.05 dB', () => {
    const y = run([PEAK], [{ t: 0, value: -6, curve: 'hold' }, { t: FS, value: 6, curve: 'hold' }], tone);
    expect(levelAt(y, 0.5, 0.25)).toBeCloseTo(-6, 1);
    expect(Math.abs(levelAt(y, 0.5, 0.25) + 6)).toBeLessThan(0.05);
    expect(Math.abs(levelAt(y, 1.5, 0.25) - 6)).toBeLessThan(0.05);
  });

  it('a linear ramp in dB is followed sample by sample: measured level = breakpoint line within 0.1 dB', () => {
    // 0 dB at 0.25 s → +12 dB at 1.25 s, then an s-curve back to 0 dB at 1.75 s
    const pts: Breakpoint[] = [
      { t: FS / 4, value: 0, curve: 'linear' },
      { t: (FS * 5) / 4, value: 12, curve: 's-curve' },
      { t: (FS * 7) / 4, value: 0, curve: 'linear' },
    ];
    const y = run([PEAK], pts, tone);
    const expected = (t: number) => {
      if (t <= 0.25) return 0;
      if (t <= 1.25) return (12 * (t - 0.25)) / 1.0;
      if (t <= 1.75) return 12 - (12 * (1 - Math.cos((Math.PI * (t - 1.25)) / 0.5))) / 2;
      return 0;
    };
    for (const t of [0.2, 0.4, 0.6, 0.75, 0.9, 1.1, 1.35, 1.5, 1.65, 1.9]) {
      expect(Math.abs(levelAt(y, t, 0.25) - expected(t)), `at ${t} s`).toBeLessThan(0.1);
    }
  });

  it('no zipper noise: a ramp leaves no sidebands, where coefficients stepped every 64 samples would', () => {
    const ramp: Breakpoint[] = [{ t: 0, value: 0, curve: 'linear' }, { t: 2 * FS, value: 12, curve: 'linear' }];
    const smooth = run([PEAK], ramp, tone);
    // the same ramp as a staircase of 64-sample holds: what a block-rate coefficient update does
    const stairs: Breakpoint[] = [];
    for (let t = 0; t < 2 * FS; t += 64) stairs.push({ t, value: (12 * t) / (2 * FS), curve: 'hold' });
    const stepped = run([PEAK], stairs, tone);
    // a step every 64 samples modulates the tone at 750 Hz: sidebands at 1000 ± 750 Hz
    const side = (y: Float32Array) => dB(toneAmplitude(y, 1750, FS, FS / 2, FS + FS / 2) / toneAmplitude(y, 1000, FS, FS / 2, FS + FS / 2));
    expect(side(stepped)).toBeGreaterThan(-90);
    expect(side(smooth)).toBeLessThan(-120);
  });

  it('is block-size independent and timed from startFrame', () => {
    const pts: Breakpoint[] = [{ t: 10000, value: -3, curve: 'linear' }, { t: 40000, value: 9, curve: 's-curve' }, { t: 70000, value: 2, curve: 'hold' }];
    const input = new Float32Array(FS * 2).map((_, i) => Math.sin(i * 0.13) * 0.4);
    const whole = run([{ type: 'lowshelf', freq: 200, gainDb: 0 }, PEAK], pts, input);
    const blocks = run([{ type: 'lowshelf', freq: 200, gainDb: 0 }, PEAK], pts, input, { seed: 7 });
    expect(Buffer.from(blocks.buffer).equals(Buffer.from(whole.buffer))).toBe(true);
    // the stream starting at frame 1000 sees the curve 1000 samples earlier
    const shifted = run([{ type: 'lowshelf', freq: 200, gainDb: 0 }, PEAK], pts.map((p) => ({ ...p, t: p.t - 1000 })), input);
    const offset = run([{ type: 'lowshelf', freq: 200, gainDb: 0 }, PEAK], pts, input, { startFrame: 1000 });
    expect(Buffer.from(offset.buffer).equals(Buffer.from(shifted.buffer))).toBe(true);
  });

  it('shelves follow their automation too; a band without gain cannot be automated', () => {
    const y = run([{ type: 'highshelf', freq: 4000, gainDb: 0 }], [{ t: 0, value: 0, curve: 'hold' }, { t: FS, value: -9, curve: 'hold' }], sine(12000, FS, 2 * FS, 0.25));
    const at = (t: number) => dB(toneAmplitude(y, 12000, FS, Math.round(t * FS) - 480, Math.round(t * FS) + 480) / 0.25);
    expect(Math.abs(at(0.5))).toBeLessThan(0.05);
    // a high shelf at 4 kHz is within 0.3 dB of its full cut at 12 kHz
    expect(at(1.5)).toBeLessThan(-8.7);
    expect(at(1.5)).toBeGreaterThan(-9.05);
    expect(() => createEq([{ type: 'highpass', freq: 80 }], { sampleRate: FS, channels: 1, automation: [{ band: 0, points: [{ t: 0, value: 3, curve: 'linear' }] }] })).toThrow(/cannot be automated/);
  });
});
