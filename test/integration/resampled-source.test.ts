/**
 * A source at another sample rate goes through the build: converted to the project rate
 * (stored once as a source node), with the right length, pitch, level and timing.
 */
import { describe, expect, it } from 'vitest';
import { resampledLength } from '../../src/renderers/dsp/resample.ts';
import { HEAD, SR, build, db, makeProject, render, toneAmplitude, zeroCrossingFrequency } from './helpers.ts';

const yamlFor = (extra = '') => `${HEAD}sources:
  t44: t44.wav
buses:
  FX: { stem: effects }
sfx:
  - { id: e1, source: t44, at: "01:00:00:00", bus: FX${extra} }
master: { layout: mono, file: mix.wav, bits: 32f }
`;

describe('a 44.1 kHz source in a 48 kHz project', () => {
  const frames44 = 44100 * 2;
  const wavs = { 't44.wav': { frames: frames44, sampleRate: 44100, fn: (i: number) => 0.5 * Math.sin((2 * Math.PI * 1000 * i) / 44100) } };

  it('keeps length, pitch and level, and is converted once', async () => {
    const dir = makeProject(yamlFor(), wavs);
    const first = await build(dir);
    expect(first.rendered).toContain('source:t44'); // stored: resampling is not redone per reader
    const out = await render(dir);
    expect(out.frames).toBe(resampledLength(frames44, 44100, SR));
    expect(zeroCrossingFrequency(out.channel(0), 4800, out.frames - 4800)).toBeCloseTo(1000, 0);
    expect(Math.abs(db(toneAmplitude(out.channel(0), 1000, 4800, out.frames - 4800) / 0.5))).toBeLessThan(0.01);
  });

  it('an event range in seconds reads the converted source (in: 0.5 s starts half a second in)', async () => {
    const dir = makeProject(yamlFor(', in: 0.5 s, out: 1.5 s'), wavs);
    const out = await render(dir);
    expect(out.frames).toBe(SR);
    // 0.5 s into a 1 kHz sine is a whole number of cycles: the output starts at phase 0, rising
    const x = out.channel(0);
    expect(Math.abs(x[0])).toBeLessThan(0.01);
    expect(x[12]).toBeGreaterThan(0);
  });
});
