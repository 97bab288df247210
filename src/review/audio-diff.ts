/**
 * `diff --audio`: render both sides (one shared cache, so only what changed renders),
 * then for each deliverable measure both files (integrated loudness, true peak, LRA)
 * and null-test them, reporting where they differ as timeline timecodes.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { CompileResult } from '../compiler/index.ts';
import { samplesToTimecode } from '../compiler/timecode.ts';
import { runBuild } from '../engine/build.ts';
import type { EngineEvent } from '../engine/events.ts';
import { WavReader } from '../io/index.ts';
import { measureWav } from '../renderers/measure.ts';
import { nullTest, type NullRange } from './null-test.ts';

export interface Levels {
  integrated: number | null;
  truePeak: number | null;
  lra: number | null;
}

export interface TimeRange {
  from: string;
  to: string;
  startSeconds: number;
  endSeconds: number;
  peakDb: number;
}

export interface AudioComparison {
  /** Deliverable file name. */
  file: string;
  /** compared: measured and null-tested; same: identical bytes; added/removed: on one side only; incomparable: different layout or rate. */
  status: 'compared' | 'same' | 'added' | 'removed' | 'incomparable';
  note?: string;
  a: Levels | null;
  b: Levels | null;
  delta: Levels;
  thresholdDb: number;
  windowMs: number;
  ranges: TimeRange[];
  levelMatched?: { gainDb: number; ranges: TimeRange[] };
}

export interface AudioDiffOptions {
  /** Cache shared by both renders. */
  cacheDir: string;
  /** Where the two sides' outputs go (a/ and b/ inside). */
  workDir: string;
  jobs: number;
  thresholdDb?: number;
  windowMs?: number;
  onEvent?: (side: 'a' | 'b', e: EngineEvent) => void;
}

export class AudioDiffError extends Error {}

const r2 = (v: number | null) => (v === null ? null : Math.round(v * 100) / 100);
const sub = (x: number | null, y: number | null) => (x === null || y === null ? null : Math.round((y - x) * 100) / 100);

export async function audioDiff(a: CompileResult, b: CompileResult, opts: AudioDiffOptions): Promise<AudioComparison[]> {
  const outs: Record<'a' | 'b', Map<string, { path: string; sha256: string }>> = { a: new Map(), b: new Map() };
  for (const [side, r] of [['a', a], ['b', b]] as const) {
    const outDir = path.join(opts.workDir, side);
    fs.mkdirSync(outDir, { recursive: true });
    const failures: string[] = [];
    const summary = await runBuild(r.plan!, {
      cacheDir: opts.cacheDir,
      outDir,
      jobs: opts.jobs,
      allowQcFail: true,
      onEvent: (e) => {
        if (e.type === 'node-failed') failures.push(`${e.id}: ${e.message}`);
        opts.onEvent?.(side, e);
      },
    });
    if (failures.length || summary.outputs.length === 0) throw new AudioDiffError(`rendering side ${side.toUpperCase()} failed: ${failures.join('; ') || 'no outputs'}`);
    const files = new Set(r.plan!.nodes.filter((n) => n.kind === 'deliverable' && n.output).map((n) => n.output!));
    for (const o of summary.outputs) {
      const name = path.relative(outDir, o.path).split(path.sep).join('/');
      if (files.has(name)) outs[side].set(name, o);
    }
  }

  const threshold = opts.thresholdDb ?? -60;
  const windowMs = opts.windowMs ?? 100;
  const pb = b.project!;
  const out: AudioComparison[] = [];
  const names = [...new Set([...outs.a.keys(), ...outs.b.keys()])].sort();
  for (const file of names) {
    const fa = outs.a.get(file);
    const fb = outs.b.get(file);
    const base = { file, thresholdDb: threshold, windowMs, ranges: [] as TimeRange[] };
    const levels = (p: string): Levels => {
      const l = measureWav(p).loudness;
      return { integrated: r2(l.integrated), truePeak: r2(l.truePeak), lra: r2(l.lra) };
    };
    if (!fa || !fb) {
      const la = fa ? levels(fa.path) : null;
      const lb = fb ? levels(fb.path) : null;
      out.push({ ...base, status: fa ? 'removed' : 'added', a: la, b: lb, delta: { integrated: null, truePeak: null, lra: null } });
      continue;
    }
    if (fa.sha256 === fb.sha256) {
      out.push({ ...base, status: 'same', a: null, b: null, delta: { integrated: 0, truePeak: 0, lra: 0 } });
      continue;
    }
    const la = levels(fa.path);
    const lb = levels(fb.path);
    const delta = { integrated: sub(la.integrated, lb.integrated), truePeak: sub(la.truePeak, lb.truePeak), lra: sub(la.lra, lb.lra) };
    const ra = WavReader.open(fa.path);
    const rb = WavReader.open(fb.path);
    try {
      if (ra.info.channels !== rb.info.channels || ra.info.sampleRate !== rb.info.sampleRate) {
        out.push({ ...base, status: 'incomparable', note: `${ra.info.channels} ch at ${ra.info.sampleRate} Hz vs ${rb.info.channels} ch at ${rb.info.sampleRate} Hz`, a: la, b: lb, delta });
        continue;
      }
      const sr = rb.info.sampleRate;
      const src = (r: WavReader) => ({ channels: r.info.channels, frames: r.info.frames, read: (s: number, n: number, o: Float32Array) => r.read(s, n, o) });
      const nt = nullTest(src(ra), src(rb), { windowFrames: Math.max(1, Math.round((sr * windowMs) / 1000)), thresholdDb: threshold });
      const toRange = (x: NullRange): TimeRange => ({
        from: samplesToTimecode(pb.startSamples + x.start, pb.frameRate, sr),
        to: samplesToTimecode(pb.startSamples + x.end, pb.frameRate, sr),
        startSeconds: Math.round((x.start / sr) * 1000) / 1000,
        endSeconds: Math.round((x.end / sr) * 1000) / 1000,
        peakDb: x.peakDb,
      });
      out.push({
        ...base,
        status: 'compared',
        a: la,
        b: lb,
        delta,
        ranges: nt.ranges.map(toRange),
        ...(nt.gainDb !== 0 ? { levelMatched: { gainDb: nt.gainDb, ranges: nt.levelMatched.map(toRange) } } : {}),
      });
    } finally {
      ra.close();
      rb.close();
    }
  }
  return out;
}
