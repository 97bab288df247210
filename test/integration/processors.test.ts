/**
 * Issue 5, end to end: processor chains on events and buses, restoration on sources, and
 * what their caching does — measured on the rendered deliverable.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { measureWav } from '../../src/renderers/measure.ts';
import { writeWav } from '../helpers/tmp-project.ts';
import { HEAD, SR, build, db, makeProject, noise, readWav, render, rewrite, rms, sine, toneAmplitude, type Signal } from './helpers.ts';

const MONO = 'master: { layout: mono, file: mix.wav, bits: 32f }\n';

/** |H(e^jω)| in dB of the RBJ-cookbook peaking biquad. */
function rbjPeakingDb(f: number, f0: number, gainDb: number, q: number): number {
  const A = 10 ** (gainDb / 40);
  const w0 = (2 * Math.PI * f0) / SR;
  const alpha = Math.sin(w0) / (2 * q);
  const b = [1 + alpha * A, -2 * Math.cos(w0), 1 - alpha * A];
  const a = [1 + alpha / A, -2 * Math.cos(w0), 1 - alpha / A];
  const w = (2 * Math.PI * f) / SR;
  const mag = (c: number[]) => Math.hypot(c[0] + c[1] * Math.cos(w) + c[2] * Math.cos(2 * w), c[1] * Math.sin(w) + c[2] * Math.sin(2 * w));
  return 20 * Math.log10(mag(b) / mag(a));
}

describe('eq on an event', () => {
  const yaml = (process: string) => `${HEAD}sources:
  k1: k1.wav
  h1: h1.wav
buses:
  FX: { stem: effects }
sfx:
  - { id: s1, source: k1, at: "01:00:00:00", bus: FX${process} }
  - { id: s2, source: h1, at: "01:00:02:00", bus: FX${process} }
${MONO}`;
  const wavs: Record<string, Signal> = { 'k1.wav': { frames: SR, fn: sine(1000, 0.2) }, 'h1.wav': { frames: SR, fn: sine(100, 0.2) } };

  it('a +6 dB peaking band at 1 kHz (Q 1) raises a 1 kHz tone by 6 dB and leaves 100 Hz as the RBJ response says', async () => {
    const flat = (await render(makeProject(yaml(''), wavs))).channel(0);
    const eqd = (await render(makeProject(yaml(', process: [ { eq: { bands: [ { type: peaking, freq: 1 kHz, gain: 6 dB, q: 1 } ] } } ]'), wavs))).channel(0);
    const at = (x: Float32Array, f: number, t0: number) => toneAmplitude(x, f, Math.round((t0 + 0.2) * SR), Math.round((t0 + 0.8) * SR));
    const gain1k = db(at(eqd, 1000, 0) / at(flat, 1000, 0));
    const gain100 = db(at(eqd, 100, 2) / at(flat, 100, 2));
    expect(Math.abs(gain1k - 6)).toBeLessThan(0.1);
    expect(Math.abs(gain100 - rbjPeakingDb(100, 1000, 6, 1))).toBeLessThan(0.05);
    expect(Math.abs(gain100)).toBeLessThan(0.3); // ≈ 0 dB a decade below the band
    // the processed clip keeps its timing: silent before the second event, as the flat render
    expect(rms(eqd, Math.round(1.2 * SR), Math.round(1.9 * SR))).toBe(0);
  });
});

describe('gain and limiter', () => {
  /** A peaky effect: low noise with full-scale-ish clicks every 100 ms, stereo. */
  const n = SR;
  const base = noise(n, 0.05, 11, 2);
  const peaky: Signal = { frames: n, channels: 2, fn: (i, c) => (i % 4800 === 2400 ? (c ? -0.9 : 0.85) : base(i, c)) };
  const yaml = (chain: string) => `${HEAD}sources:
  hit: hit.wav
buses:
  FX: { stem: effects }
sfx:
  - { id: s1, source: hit, at: "01:00:00:00", bus: FX, process: [ ${chain} ] }
master: { layout: stereo, file: mix.wav, bits: 32f }
`;

  it('+12 dB then a −1 dBTP limiter: the output true peak never exceeds −1 dBTP', async () => {
    const dir = makeProject(yaml('{ gain: 12 dB }, { limiter: { ceiling: -1 dBTP } }'), { 'hit.wav': peaky });
    await build(dir);
    const m = measureWav(path.join(dir, 'out/mix.wav'));
    expect(m.loudness.truePeak).toBeLessThanOrEqual(-1);
    expect(m.loudness.truePeak).toBeGreaterThan(-2); // it limits, it does not just turn down
    // the quiet material before the first click is raised by the full 12 dB: the limiter only acts on the peaks
    const out = readWav(path.join(dir, 'out/mix.wav')).channel(0);
    const src = new Float32Array(n).map((_, i) => peaky.fn(i, 0));
    expect(db(rms(out, 0, 2000) / rms(src, 0, 2000))).toBeCloseTo(12, 1);
    // without the limiter the same gain goes far over
    const raw = makeProject(yaml('{ gain: 12 dB }'), { 'hit.wav': peaky });
    await build(raw);
    expect(measureWav(path.join(raw, 'out/mix.wav')).loudness.truePeak).toBeGreaterThan(10);
  });
});

describe('compressor side-chain', () => {
  // DX plain (summed on the fly by its readers) or processed (rendered and stored, read from its own span)
  it.each([
    ['a plain dialogue bus', '{ stem: dialogue }'],
    ['a processed dialogue bus', '{ stem: dialogue, process: [ { eq: { bands: [ { type: highpass, freq: 80 Hz } ] } } ] }'],
  ])('the music bus ducks while dialogue plays, and recovers after it (%s)', async (_, dxBus) => {
    const dir = makeProject(
      `${HEAD}sources:
  mx: mx.wav
  dx: dx.wav
buses:
  DX: ${dxBus}
  MX:
    stem: music
    process:
      - compressor: { threshold: -30 dB, ratio: 8, attack: 5 ms, release: 100 ms, sidechain: DX }
music:
  - { id: m1, source: mx, at: "01:00:00:00", bus: MX }
dialogue:
  - { id: d1, source: dx, at: "01:00:01:00", bus: DX }
master:
  layout: mono
  deliverables:
    - { name: mix, file: mix.wav, bits: 32f }
    - { name: stems, file: "s-{stem}.wav", stems: [music, dialogue], bits: 32f }
`,
      { 'mx.wav': { frames: 3 * SR, fn: sine(220, 0.1) }, 'dx.wav': { frames: SR, fn: sine(2000, 0.3) } },
    );
    await build(dir);
    const music = readWav(path.join(dir, 'out/s-music.wav')).channel(0);
    const level = (a: number, b: number) => db(rms(music, Math.round(a * SR), Math.round(b * SR)));
    const before = level(0.3, 0.9);
    const during = level(1.3, 1.9);
    const after = level(2.6, 2.95);
    expect(before).toBeCloseTo(db(0.1 / Math.SQRT2), 1); // untouched before the dialogue
    expect(before - during).toBeGreaterThan(6);
    expect(Math.abs(after - before)).toBeLessThan(0.5);
    // the dialogue stem itself is not compressed
    const dx = readWav(path.join(dir, 'out/s-dialogue.wav')).channel(0);
    expect(db(rms(dx, Math.round(1.3 * SR), Math.round(1.9 * SR)))).toBeCloseTo(db(0.3 / Math.SQRT2), 1);
  });
});

describe('restoration on a source', () => {
  const frames = 2 * SR;
  // a 1030 Hz "voice" (between hum harmonics) plus 50 Hz hum and its third harmonic
  const loc: Signal = { frames, fn: (i) => sine(1030, 0.2)(i) + sine(50, 0.1)(i) + sine(150, 0.05)(i) };
  const yaml = (restore: string, gain2 = '0 dB') => `${HEAD}sources:
  loc: { file: loc.wav, restore: ${restore} }
  fx: fx.wav
buses:
  DX: { stem: dialogue }
  FX: { stem: effects }
dialogue:
  - { id: d1, source: loc, at: "01:00:00:00", bus: DX }
sfx:
  - { id: s1, source: fx, at: "01:00:03:00", bus: FX, gain: ${gain2} }
${MONO}`;
  const wavs = { 'loc.wav': loc, 'fx.wav': { frames: SR / 2, fn: sine(440, 0.1) } };

  it('hum: 50 Hz removes ≥ 30 dB of the hum and its harmonics, keeps the voice within 1 dB; the source renders once', async () => {
    const dir = makeProject(yaml('{ hum: 50 Hz }'), wavs);
    const first = await build(dir);
    expect(first.rendered).toContain('source:loc');
    const out = readWav(path.join(dir, 'out/mix.wav')).channel(0);
    const src = new Float32Array(frames).map((_, i) => loc.fn(i, 0));
    const [a, b] = [Math.round(0.5 * SR), Math.round(1.9 * SR)];
    for (const f of [50, 150]) expect(db(toneAmplitude(out, f, a, b) / toneAmplitude(src, f, a, b))).toBeLessThan(-30);
    expect(Math.abs(db(toneAmplitude(out, 1030, a, b) / toneAmplitude(src, 1030, a, b)))).toBeLessThan(1);

    // a later event's gain, then the restored event's own gain: the restoration is not run again
    rewrite(dir, yaml('{ hum: 50 Hz }', '-6 dB'));
    const second = await build(dir);
    expect(second.rendered).not.toContain('source:loc');
    expect(second.rendered).toContain('clip:s1');
    rewrite(dir, yaml('{ hum: 50 Hz }', '-6 dB').replace('bus: DX }', 'bus: DX, gain: -3 dB }'));
    const third = await build(dir);
    expect(third.rendered).not.toContain('source:loc');
    expect(third.rendered).toContain('clip:d1');
    // ...but a restoration parameter is part of the source node's key
    rewrite(dir, yaml('{ hum: 60 Hz }', '-6 dB'));
    expect((await build(dir)).rendered).toContain('source:loc');
  });

  it('hum then denoise: the noise profile is learned after the hum is removed, so a voice between the harmonics is kept', async () => {
    // hiss + hum at 50/100/150 Hz throughout, a 125 Hz "voice" from 0.5 s; the profile is 0.3–0.5 s
    const hiss = noise(frames, 0.01, 6);
    const src: Signal = { frames, fn: (i) => hiss(i, 0) + sine(50, 0.1)(i) + sine(100, 0.05)(i) + sine(150, 0.05)(i) + (i >= SR / 2 ? sine(125, 0.03)(i) : 0) };
    const dir = makeProject(yaml('{ hum: 50 Hz, denoise: { profile: "0.3 s..0.5 s" } }'), { ...wavs, 'loc.wav': src });
    const out = (await render(dir)).channel(0);
    const [a, b] = [Math.round(0.8 * SR), Math.round(1.8 * SR)];
    // learned from the raw source, the profile held the hum's leakage around 125 Hz and gated the voice by 12 dB
    expect(Math.abs(db(toneAmplitude(out, 125, a, b) / 0.03))).toBeLessThan(1);
    expect(db(toneAmplitude(out, 100, a, b) / 0.05)).toBeLessThan(-30);
  });

  it('denoise with a profile range: the noise falls by ≥ 10 dB, the tone stays within 1 dB', async () => {
    const hiss = noise(frames, 0.05, 5);
    // noise alone for 0.5 s (the profile), a tone from 0.5 s to 1.5 s, then noise alone again
    const noisy: Signal = { frames, fn: (i) => hiss(i, 0) + (i >= SR / 2 && i < 1.5 * SR ? sine(1000, 0.3)(i) : 0) };
    const dir = makeProject(yaml('{ denoise: { profile: "0 s..0.5 s" } }'), { ...wavs, 'loc.wav': noisy });
    const out = (await render(dir)).channel(0);
    const src = new Float32Array(frames).map((_, i) => noisy.fn(i, 0));
    const [n0, n1] = [Math.round(1.6 * SR), Math.round(1.95 * SR)];
    expect(db(rms(out, n0, n1) / rms(src, n0, n1))).toBeLessThan(-10);
    const [t0, t1] = [Math.round(0.7 * SR), Math.round(1.3 * SR)];
    expect(Math.abs(db(toneAmplitude(out, 1000, t0, t1) / toneAmplitude(src, 1000, t0, t1)))).toBeLessThan(1);
  });
});

describe('declick on a source', () => {
  it('clicks injected into a tone are repaired to within −40 dB of the clean tone around each click', async () => {
    const frames = SR;
    const clean = sine(440, 0.3);
    const clicks = [7000, 15001, 23456, 31000, 40123];
    const src: Signal = { frames, fn: (i) => clean(i) + (clicks.includes(i) ? 0.6 : clicks.includes(i - 1) ? -0.4 : 0) };
    const dir = makeProject(
      `${HEAD}sources:
  loc: { file: loc.wav, restore: { declick: true } }
buses:
  DX: { stem: dialogue }
dialogue:
  - { id: d1, source: loc, at: "01:00:00:00", bus: DX }
${MONO}`,
      { 'loc.wav': src },
    );
    const out = (await render(dir)).channel(0);
    for (const c of clicks) {
      let e = 0;
      let ref = 0;
      for (let i = c - 64; i < c + 64; i++) {
        e += (out[i] - clean(i)) ** 2;
        ref += clean(i) ** 2;
      }
      expect(10 * Math.log10(e / ref)).toBeLessThan(-40);
    }
  });
});

describe('reverb processors', () => {
  it('a convolution return with a unit-impulse IR returns the input: dry + return = 2 × the source', async () => {
    const n = SR / 2;
    const src: Signal = { frames: n, fn: noise(n, 0.3, 21) };
    const dir = makeProject(
      `${HEAD}sources:
  hit: hit.wav
buses:
  FX: { stem: effects }
reverbs:
  conv: { ir: unit.wav }
sfx:
  - { id: s1, source: hit, at: "01:00:00:00", bus: FX, send: { conv: 0 dB } }
${MONO}`,
      { 'hit.wav': src },
    );
    // the IR: 1 then silence
    writeWav(path.join(dir, 'unit.wav'), { frames: 64 }, (i) => (i === 0 ? 1 : 0));
    const out = (await render(dir)).channel(0);
    let worst = 0;
    for (let i = 0; i < n; i++) worst = Math.max(worst, Math.abs(out[i] - 2 * src.fn(i, 0)));
    expect(worst).toBeLessThan(1e-5);
    expect(rms(out, n, out.length)).toBeLessThan(1e-6); // no tail beyond the source
  });

  it('an algorithmic insert reverb keeps the dry signal and adds a decaying tail', async () => {
    const n = SR / 5;
    const src: Signal = { frames: n, fn: noise(n, 0.3, 8) };
    const dir = makeProject(
      `${HEAD}sources:
  hit: hit.wav
buses:
  FX: { stem: effects }
sfx:
  - { id: s1, source: hit, at: "01:00:00:00", bus: FX, process: [ { reverb: { decay: 0.5 s, wet: -6 dB } } ] }
${MONO}`,
      { 'hit.wav': src },
    );
    const out = (await render(dir)).channel(0);
    expect(out.length).toBeGreaterThan(n + 0.5 * SR); // the clip keeps the tail
    const w = (a: number, b: number) => rms(out, Math.round(a * SR), Math.round(b * SR));
    // RT60 0.5 s: 120 dB/s; the window 0.25–0.3 s vs 0.45–0.5 s is 0.2 s apart → ≈ 24 dB
    const drop = db(w(0.25, 0.3) / w(0.45, 0.5));
    expect(drop).toBeGreaterThan(24 * 0.7);
    expect(drop).toBeLessThan(24 * 1.3);
  });
});
