/** Temp projects for engine and CLI tests: YAML text plus generated WAV sources. */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { WavWriter } from '../../src/io/index.ts';
import { compile } from '../../src/compiler/index.ts';
import { runBuild } from '../../src/engine/build.ts';
import type { EngineEvent } from '../../src/engine/events.ts';

const made: string[] = [];

/** A fresh temp folder, removed when the test file ends (test/setup.ts). */
export function tmpDir(prefix = 'pa-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  made.push(dir);
  return dir;
}

/** Removes every folder `tmpDir` made in this test file (a built example is ~1.6 GB with its cache). */
export function removeTmpDirs(): void {
  for (const d of made.splice(0)) fs.rmSync(d, { recursive: true, force: true });
}

/** Writes a mono or stereo 32-bit float WAV whose samples are fn(frame, channel). */
export function writeWav(file: string, opts: { frames: number; channels?: number; sampleRate?: number; bits?: 16 | 24 | 32; float?: boolean }, fn: (i: number, c: number) => number): void {
  const ch = opts.channels ?? 1;
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const w = WavWriter.create(file, { sampleRate: opts.sampleRate ?? 48000, channels: ch, bits: opts.bits ?? 32, float: opts.float ?? (opts.bits ?? 32) === 32 });
  const block = new Float32Array(4096 * ch);
  for (let pos = 0; pos < opts.frames; pos += 4096) {
    const n = Math.min(4096, opts.frames - pos);
    for (let i = 0; i < n; i++) for (let c = 0; c < ch; c++) block[i * ch + c] = fn(pos + i, c);
    w.write(block, n);
  }
  w.close();
}

export function writeFiles(dir: string, files: Record<string, string>): void {
  for (const [rel, text] of Object.entries(files)) {
    const f = path.join(dir, rel);
    fs.mkdirSync(path.dirname(f), { recursive: true });
    fs.writeFileSync(f, text);
  }
}

export interface BuildRun {
  rendered: string[];
  events: EngineEvent[];
  ok: boolean;
  outputs: { path: string; sha256: string }[];
  diagnostics: string[];
}

/** Compiles and builds a project in-process, returning which nodes rendered. */
export async function buildProject(projectDir: string, opts: { jobs?: number; outDir?: string; cacheDir?: string } = {}): Promise<BuildRun> {
  const result = await compile(path.join(projectDir, 'postaudio.yaml'));
  if (!result.ok) {
    return { rendered: [], events: [], ok: false, outputs: [], diagnostics: result.diagnostics.map((d) => `${d.code} ${d.file}:${d.line}:${d.col} ${d.message}`) };
  }
  const events: EngineEvent[] = [];
  const summary = await runBuild(result.plan!, {
    cacheDir: opts.cacheDir ?? path.join(projectDir, '.postaudio'),
    outDir: opts.outDir ?? path.join(projectDir, 'out'),
    jobs: opts.jobs ?? 1,
    onEvent: (e) => events.push(e),
  });
  const rendered = events.filter((e) => e.type === 'node-done' && !e.cached).map((e) => (e as { id: string }).id).sort();
  return { rendered, events, ok: summary.ok, outputs: summary.outputs, diagnostics: [] };
}

export function sha256File(file: string): string {
  // small files only
  return createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}
