/**
 * Shared pieces of the integration tests (issues 4 and 5): small temp projects built
 * in-process, generated test signals, exact WAV reads and simple measurements.
 * Every project masters to 32-bit float with no target, so the output is the mix itself
 * (no loudness gain, no limiter, no dither).
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, expect } from 'vitest';
import { compile, type CompileResult, type Diagnostic } from '../../src/compiler/index.ts';
import { WavReader } from '../../src/io/index.ts';
import { whiteNoise } from '../helpers/signals.ts';
import { buildProject, tmpDir, writeFiles, writeWav, type BuildRun } from '../helpers/tmp-project.ts';

export const SR = 48000;

/** Project header: 48 kHz, 24 fps, starting at 01:00:00:00 (lines 1–6 of every project). */
export const HEAD = `postaudio: 1
project:
  title: Integration
  sample_rate: 48000
  frame_rate: 24
  start: "01:00:00:00"
`;

export type Signal = { frames: number; channels?: number; sampleRate?: number; fn: (i: number, c: number) => number };

/** A deterministic PRNG (mulberry32) for noise: the same seed gives the same samples. */
export { prng } from '../helpers/signals.ts';

/** White noise in [−amp, amp), precomputed so fn(i, c) is a pure lookup. */
export function noise(frames: number, amp: number, seed: number, channels = 1): (i: number, c: number) => number {
  const buf = whiteNoise(frames * channels, seed, amp);
  return (i, c) => buf[i * channels + c];
}

export const sine = (freq: number, amp: number) => (i: number) => amp * Math.sin((2 * Math.PI * freq * i) / SR);

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

/** A project folder with its YAML and generated WAV sources (32-bit float). */
export function makeProject(yamlText: string, wavs: Record<string, Signal> = {}, extra: Record<string, string> = {}): string {
  const dir = tmpDir('pa-int-');
  dirs.push(dir);
  for (const [rel, s] of Object.entries(wavs)) writeWav(path.join(dir, rel), { frames: s.frames, channels: s.channels ?? 1, sampleRate: s.sampleRate }, s.fn);
  writeFiles(dir, { 'postaudio.yaml': yamlText, ...extra });
  return dir;
}

/** Rewrites the project file (keeping sources and cache). */
export function rewrite(dir: string, yamlText: string): void {
  writeFiles(dir, { 'postaudio.yaml': yamlText });
}

/** Builds and fails the test with the diagnostics when the build does not succeed. */
export async function build(dir: string): Promise<BuildRun> {
  const run = await buildProject(dir);
  expect(run.diagnostics).toEqual([]);
  expect(run.ok).toBe(true);
  return run;
}

export interface Audio {
  sampleRate: number;
  channels: number;
  frames: number;
  data: Float32Array;
  /** One channel as its own array. */
  channel(c: number): Float32Array;
}

export function readWav(file: string): Audio {
  const r = WavReader.open(file);
  try {
    const { channels, frames, sampleRate } = r.info;
    const data = new Float32Array(frames * channels);
    r.read(0, frames, data);
    return {
      sampleRate,
      channels,
      frames,
      data,
      channel(c) {
        const out = new Float32Array(frames);
        for (let i = 0; i < frames; i++) out[i] = data[i * channels + c];
        return out;
      },
    };
  } finally {
    r.close();
  }
}

/** Builds and reads out/<file> (default mix.wav). */
export async function render(dir: string, file = 'mix.wav'): Promise<Audio> {
  await build(dir);
  return readWav(path.join(dir, 'out', file));
}

export function rms(x: Float32Array, from: number, to: number): number {
  let s = 0;
  for (let i = from; i < to; i++) s += x[i] * x[i];
  return Math.sqrt(s / Math.max(1, to - from));
}

/** Gain to dB (20·log10). */
export { dB as db } from '../helpers/signals.ts';

/**
 * Amplitude of the `freq` component over [from, to) (a single-bin DFT with a Hann window,
 * normalised so a sine of amplitude A measures A). Use a window of many periods.
 */
export function toneAmplitude(x: Float32Array, freq: number, from: number, to: number): number {
  const n = to - from;
  let re = 0;
  let im = 0;
  let wsum = 0;
  for (let k = 0; k < n; k++) {
    const w = 0.5 - 0.5 * Math.cos((2 * Math.PI * k) / (n - 1));
    const ph = (2 * Math.PI * freq * (from + k)) / SR;
    re += w * x[from + k] * Math.cos(ph);
    im += w * x[from + k] * Math.sin(ph);
    wsum += w;
  }
  return (2 * Math.hypot(re, im)) / wsum;
}

/** Frequency from rising zero crossings in [from, to), interpolated linearly between samples. */
export function zeroCrossingFrequency(x: Float32Array, from: number, to: number): number {
  const crossings: number[] = [];
  for (let i = from; i < to - 1; i++) {
    if (x[i] <= 0 && x[i + 1] > 0) crossings.push(i + x[i] / (x[i] - x[i + 1]));
  }
  const periods = crossings.length - 1;
  return (periods * SR) / (crossings[crossings.length - 1] - crossings[0]);
}

/** Compiles without building; returns the result (diagnostics sorted by the compiler). */
export async function compileDir(dir: string): Promise<CompileResult> {
  return compile(path.join(dir, 'postaudio.yaml'));
}

/** The fields a diagnostic test asserts (STYLE.md #7). */
export function brief(d: Diagnostic) {
  return { code: d.code, severity: d.severity, file: d.file, line: d.line, col: d.col };
}

export const err = (code: string, line: number, col: number, file = 'postaudio.yaml') => ({ code, severity: 'error', file, line, col });

/** Compiles a project that must fail; returns its diagnostics in brief. */
export async function diagnose(yamlText: string, wavs: Record<string, Signal> = {}, extra: Record<string, string> = {}) {
  const r = await compileDir(makeProject(yamlText, wavs, extra));
  expect(r.ok).toBe(false);
  return r.diagnostics;
}
