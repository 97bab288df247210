import { describe, expect, it } from 'vitest';
import { createDeclicker, validateDeclick, type DeclickOptions } from '../../src/renderers/dsp/declick.ts';
import { declick as declickDef, runProcessorOffline } from '../../src/renderers/processors/restore.ts';
import { prng } from '../helpers/signals.ts';

const FS = 48000;

function gaussian(rnd: () => number): () => number {
  return () => Math.sqrt(-2 * Math.log(rnd() || 1e-12)) * Math.cos(2 * Math.PI * rnd());
}

/** 440 Hz tone, amplitude 0.5, 20 ms raised-cosine fades in and out, plus white noise of RMS `noise`. */
function tone(n: number, noise: number, seed = 1): Float32Array {
  const g = gaussian(prng(seed));
  const fade = 0.02 * FS;
  const x = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const e = Math.min(1, i / fade, (n - 1 - i) / fade);
    x[i] = 0.5 * Math.sin((2 * Math.PI * 440 * i) / FS) * (0.5 - 0.5 * Math.cos(Math.PI * e)) + (noise > 0 ? noise * g() : 0);
  }
  return x;
}

interface Click {
  at: number;
  len: number;
}

/**
 * Adds `count` clicks of 1–30 samples at seeded positions (one per stretch of the
 * signal, away from the fades), amplitude 0.1–0.6, in three shapes: a random
 * burst, an exponential decay and a rectangular step.
 */
function addClicks(x: Float32Array, count: number, seed: number): Click[] {
  const rnd = prng(seed);
  const clicks: Click[] = [];
  const from = 0.1 * FS;
  const span = (x.length - 0.2 * FS) / count;
  for (let k = 0; k < count; k++) {
    const at = Math.floor(from + k * span + rnd() * 0.5 * span);
    const len = 1 + Math.floor(rnd() * 30);
    const amp = 0.1 + 0.5 * rnd();
    const sign = rnd() < 0.5 ? -1 : 1;
    for (let i = 0; i < len; i++) {
      const shape = k % 3;
      x[at + i]! += shape === 0 ? amp * (2 * rnd() - 1) : shape === 1 ? sign * amp * Math.exp(-i / Math.max(1, len / 3)) : sign * amp;
    }
    clicks.push({ at, len });
  }
  return clicks;
}

interface Run {
  out: Float32Array;
  detections: [channel: number, start: number, length: number][];
}

function run(x: Float32Array, channels = 1, opts: Partial<DeclickOptions> = {}): Run {
  const detections: Run['detections'] = [];
  const proc = createDeclicker({ sampleRate: FS, channels, onDetection: (c, s, l) => detections.push([c, s, l]), ...opts });
  const out = runProcessorOffline(proc, x, x.length / channels, channels);
  expect(proc.detections).toBe(detections.length);
  return { out, detections };
}

const overlaps = (s: number, l: number, c: Click) => s < c.at + c.len && s + l > c.at;

/** Error energy relative to the clean signal's energy in ±2 ms around a click, dB. */
function repairErrorDb(out: Float32Array, clean: Float32Array, c: Click): number {
  const w = Math.round(0.002 * FS);
  let e = 0;
  let s = 0;
  for (let n = c.at - w; n < c.at + c.len + w; n++) {
    e += (out[n]! - clean[n]!) ** 2;
    s += clean[n]! ** 2;
  }
  return e === 0 ? -Infinity : 10 * Math.log10(e / s);
}

function checkClicks(clean: Float32Array, seed: number) {
  const dirty = clean.slice();
  const clicks = addClicks(dirty, 24, seed);
  const { out, detections } = run(dirty);
  const detected = clicks.filter((c) => detections.some(([, s, l]) => overlaps(s, l, c)));
  expect(detected.length / clicks.length).toBeGreaterThanOrEqual(0.95);
  const falseAlarms = detections.filter(([, s, l]) => !clicks.some((c) => overlaps(s, l, c)));
  expect(falseAlarms).toEqual([]);
  const errors = clicks.map((c) => repairErrorDb(out, clean, c));
  for (let i = 0; i < clicks.length; i++) expect(errors[i], `click at ${clicks[i]!.at}, ${clicks[i]!.len} samples`).toBeLessThan(-40);
  return errors;
}

describe('declicker (AR detection, least-squares AR interpolation)', () => {
  it('finds and repairs 24 clicks of 1–30 samples in a tone to better than −40 dB', () => {
    const errors = checkClicks(tone(4 * FS, 0), 7);
    // recorded: a pure tone is an exact AR process, so the repair is near-perfect
    expect(Math.max(...errors)).toBeLessThan(-120);
  });

  it('finds and repairs them in a tone plus noise 57 dB down to better than −40 dB', () => {
    const errors = checkClicks(tone(4 * FS, 0.0005, 3), 8);
    // the noise inside a click cannot be recovered; that sets the error level
    expect(Math.max(...errors)).toBeLessThan(-55);
  });

  it('passes a clean tone, with or without noise, untouched and without detections', () => {
    for (const noise of [0, 0.0005, 0.01]) {
      const x = tone(3 * FS, noise, 5);
      const { out, detections } = run(x);
      expect(detections).toEqual([]);
      let maxErr = 0;
      for (let i = 0; i < x.length; i++) maxErr = Math.max(maxErr, Math.abs(out[i]! - x[i]!));
      expect(maxErr).toBe(0); // latency-compensated and bit-exact
    }
  });

  it('leaves transients longer than the maximum click length alone, wherever they fall in the hop grid', () => {
    const x = tone(2 * FS, 0.0005, 9);
    const g = gaussian(prng(10));
    // 4 ms bursts (longer than the 1 ms limit) at ten different phases of the 512-sample hop
    for (let j = 0; j < 10; j++) for (let i = 0; i < 200; i++) x[10000 + j * 8000 + j * 53 + i]! += 0.3 * g();
    expect(run(x).detections).toEqual([]);
    // with a 5 ms limit they are clicks
    expect(run(x, 1, { maxClickLength: 0.005 }).detections.length).toBeGreaterThanOrEqual(10);
  });

  it('output is independent of the block split', () => {
    const x = tone(FS, 0.0005, 2);
    addClicks(x, 8, 4);
    const ref = run(x).out;
    const rnd = prng(77);
    for (let trial = 0; trial < 3; trial++) {
      const proc = createDeclicker({ sampleRate: FS, channels: 1 });
      const L = proc.latency;
      const buf = new Float32Array(x.length + L);
      buf.set(x);
      for (let f = 0; f < buf.length; ) {
        const len = Math.min(buf.length - f, 1 + Math.floor(rnd() * 3000));
        proc.process(buf.subarray(f), len);
        f += len;
      }
      const out = buf.subarray(L);
      let diff = -1;
      for (let i = 0; i < out.length && diff < 0; i++) if (out[i] !== ref[i]) diff = i;
      expect(diff).toBe(-1);
    }
  });

  it('treats channels independently and reports the channel', () => {
    const n = 2 * FS;
    const left = tone(n, 0.0005, 21);
    const right = left.slice();
    const clicks = addClicks(right, 6, 22);
    const st = new Float32Array(2 * n);
    for (let i = 0; i < n; i++) {
      st[2 * i] = left[i]!;
      st[2 * i + 1] = right[i]!;
    }
    const { out, detections } = run(st, 2);
    expect(detections.map((d) => d[0])).toEqual(clicks.map(() => 1));
    for (let i = 0; i < n; i++) if (out[2 * i] !== left[i]) throw new Error(`left channel changed at ${i}`);
  });

  it('reports its latency through the ProcessorDef and validates its params', () => {
    const p = declickDef.create({}, { sampleRate: FS, channels: 1 });
    expect(p.latency).toBe(1282); // H + LA + 2 = 512 + 768 + 2
    expect(p.tail).toBe(0);
    expect(validateDeclick({ sampleRate: FS, channels: 1 })).toBeNull();
    expect(validateDeclick({ sampleRate: FS, channels: 1, sensitivity: 2 })).toMatch(/sensitivity/);
    expect(validateDeclick({ sampleRate: FS, channels: 1, maxClickLength: 0.1 })).toMatch(/maxClickLength/);
    expect(validateDeclick({ sampleRate: FS, channels: 1, order: 1 })).toMatch(/order/);
    expect(() => declickDef.create({ order: 100 }, { sampleRate: FS, channels: 1 })).toThrow(RangeError);
  });
});
