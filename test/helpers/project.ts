// Test helper: small project folders in the OS temp dir, written from a map of file contents.
// WAV sources are generated with the real WavWriter (src/io) so the compiler probes real files;
// `wavBytes` returns the bytes so a test can damage them (truncate, patch the header).
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll } from 'vitest';
import { WavWriter } from '../../src/io/index.ts';

export interface WavSpec {
  sampleRate?: number;
  channels?: number;
  /** Length in frames (default 48000: one second at 48 kHz). */
  frames?: number;
  bits?: 16 | 24 | 32;
}

/** A generated WAV file in a project map. */
export interface WavFile {
  wav: WavSpec;
}

export type FileContent = string | Uint8Array | WavFile;

export function wav(spec: WavSpec = {}): WavFile {
  return { wav: spec };
}

/** The bytes of a WAV made by WavWriter: a quiet 440 Hz sine, deterministic. */
export function wavBytes(spec: WavSpec = {}): Buffer {
  const sampleRate = spec.sampleRate ?? 48000;
  const channels = spec.channels ?? 1;
  const frames = spec.frames ?? 48000;
  const dir = mkdtempSync(join(tmpdir(), 'postaudio-wav-'));
  try {
    const file = join(dir, 'w.wav');
    const w = WavWriter.create(file, { sampleRate, channels, bits: spec.bits ?? 16 });
    const samples = new Float32Array(frames * channels);
    for (let i = 0; i < frames; i++) {
      for (let c = 0; c < channels; c++) samples[i * channels + c] = 0.25 * Math.sin((2 * Math.PI * 440 * i) / sampleRate);
    }
    w.write(samples, frames);
    w.close();
    return readFileSync(file);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Writes `files` (relative path → content) into `dir`, creating folders as needed. */
export function writeFiles(dir: string, files: Record<string, FileContent>): void {
  for (const [rel, content] of Object.entries(files)) {
    const abs = join(dir, rel);
    mkdirSync(dirname(abs), { recursive: true });
    if (typeof content === 'string' || content instanceof Uint8Array) writeFileSync(abs, content);
    else writeFileSync(abs, wavBytes(content.wav));
  }
}

/**
 * Returns a function that makes a fresh project folder from a file map and returns its path.
 * Call it at the top level of a test file: every folder it made is removed after the file.
 */
export function projectFactory(): (files: Record<string, FileContent>) => string {
  const root = mkdtempSync(join(tmpdir(), 'postaudio-proj-'));
  let n = 0;
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  return (files) => {
    const dir = join(root, `p${++n}`);
    mkdirSync(dir, { recursive: true });
    writeFiles(dir, files);
    return dir;
  };
}

/**
 * Removes the template's common leading indentation so projects can be written as indented
 * template strings. Interpolated values are inserted after dedenting, verbatim (so a multi-line
 * `${HEAD}` at the start of a line lands at column 1).
 */
export function yaml(strings: TemplateStringsArray, ...values: unknown[]): string {
  const mark = (i: number) => `\u0000${i}\u0000`;
  const text = strings.reduce((acc, s, i) => acc + s + (i < values.length ? mark(i) : ''), '');
  const lines = text.replace(/^\n/, '').replace(/\n[ \t]*$/, '\n').split('\n');
  const indent = Math.min(...lines.filter((l) => l.trim() !== '').map((l) => /^ */.exec(l)![0].length));
  const dedented = lines.map((l) => l.slice(indent)).join('\n');
  return dedented.replace(/\u0000(\d+)\u0000/g, (_, i: string) => String(values[Number(i)]));
}

/** The smallest valid project file: one source, one bus, one event, a stereo master. */
export const VALID_YAML = yaml`
  postaudio: 1
  project:
    title: Test
    sample_rate: 48000
    frame_rate: 24
    start: "01:00:00:00"
  sources:
    tone: tone.wav
  buses:
    DX: { stem: dialogue }
  dialogue:
    - { id: d001, source: tone, at: "01:00:01:00", bus: DX }
  master:
    layout: stereo
    file: mix.wav
`;
