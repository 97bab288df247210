/**
 * Render inputs. A node either has an object in the cache, or is "inline": cheap to
 * compute (a plain WAV decode, a clip's gain/fade/pan), so the node that uses it computes
 * it on the fly instead of writing and reading it back — on this class of disk writing a
 * float object costs far more than recomputing a gain ramp. Both kinds are read through
 * one interface, so a renderer does not care which it got.
 */
import fs from 'node:fs';
import { WavReader } from '../io/index.ts';
import { ObjectReader } from '../io/audio-object.ts';
import { clipLength, createEnvelopeGain, createPanner, materialStage, type ClipParams } from './clip-pipeline.ts';
import { mixInput, mixLive, type MixParams } from './mix-reader.ts';
import { RenderError } from './types.ts';

export type { ClipParams } from './clip-pipeline.ts';

export type InputRef =
  | { type: 'object'; path: string }
  | { type: 'mix'; params: MixParams; inputs: InputRef[] }
  | { type: 'json'; path: string }
  | { type: 'wav'; path: string; label: string; channels: number; frames: number }
  | { type: 'clip'; params: ClipParams; source: InputRef };

/** A random-access view of an input, in its own span-relative frames. */
export interface BlockReader {
  readonly channels: number;
  /** Span length in frames. */
  readonly frames: number;
  /** Fills exactly `frames` frames into `out` from `start` (zeros outside the data). */
  read(start: number, frames: number, out: Float32Array): void;
  /** Ranges [start, end) that may hold sound; everything else is silence. */
  live(): [number, number][];
  close(): void;
}

export function openInput(ref: InputRef, maxBlock: number): BlockReader {
  switch (ref.type) {
    case 'object':
      return objectInput(ref.path);
    case 'wav':
      return wavInput(ref.path, ref.label, ref.channels, ref.frames);
    case 'clip':
      return clipInput(ref.params, openInput(ref.source, maxBlock), maxBlock);
    case 'mix':
      return mixInput(ref.params, ref.inputs, maxBlock);
    case 'json':
      throw new RenderError('PA900', `${ref.path} is a data object, not audio`);
  }
}

function objectInput(path: string): BlockReader {
  const r = ObjectReader.open(path);
  return {
    channels: r.header.channels,
    frames: r.header.frames,
    read: (start, frames, out) => r.read(start, frames, out),
    live: () => r.header.segments.map((s) => [s.start, s.start + s.frames] as [number, number]),
    close: () => r.close(),
  };
}

function wavInput(path: string, label: string, channels: number, frames: number): BlockReader {
  let r: WavReader;
  try {
    r = WavReader.open(path);
  } catch (err) {
    throw new RenderError((err as { code?: string }).code ?? 'PA300', `${label}: ${(err as Error).message}`);
  }
  if (r.info.channels !== channels || r.info.frames !== frames) {
    r.close();
    throw new RenderError('PA306', `${label} changed while building; build again`);
  }
  return {
    channels,
    frames,
    read(start, n, out) {
      const got = start < frames ? r.read(start, Math.min(n, frames - start), out) : 0;
      if (got < n) out.fill(0, Math.max(0, got) * channels, n * channels);
    },
    live: () => [[0, frames]],
    close: () => r.close(),
  };
}

/** A clip computed on the fly (no processing, no distance model): material → envelope → pan. */
export function clipInput(p: ClipParams, src: BlockReader, maxBlock: number): BlockReader {
  const inCh = src.channels;
  const material = materialStage(p, src, maxBlock);
  const envelope = createEnvelopeGain(p, inCh);
  const pan = createPanner(p, inCh);
  const length = clipLength(p);
  let inBuf = new Float32Array(maxBlock * inCh);
  return {
    channels: p.channels,
    frames: length,
    read(start, frames, out) {
      if (inBuf.length < frames * inCh) inBuf = new Float32Array(frames * inCh);
      material.read(start, frames, inBuf);
      envelope(inBuf, start, frames);
      pan(inBuf, out, start, frames);
    },
    live: () => [[0, length]],
    close: () => material.close(),
  };
}

/** Live ranges of an input without keeping it open (reads only an object's header). */
export function liveRanges(ref: InputRef): [number, number][] {
  switch (ref.type) {
    case 'clip':
      return [[0, clipLength(ref.params)]];
    case 'wav':
      return [[0, ref.frames]];
    case 'mix':
      return mixLive(ref.params, ref.inputs);
    case 'json':
      return [];
    case 'object': {
      const r = objectInput(ref.path);
      const live = r.live();
      r.close();
      return live;
    }
  }
}

/** Sorts and merges ranges (touching ranges join). */
export function mergeRanges(ranges: [number, number][]): [number, number][] {
  const sorted = ranges.filter(([a, b]) => b > a).sort((x, y) => x[0] - y[0] || x[1] - y[1]);
  const out: [number, number][] = [];
  for (const [a, b] of sorted) {
    const last = out[out.length - 1];
    if (last && a <= last[1]) last[1] = Math.max(last[1], b);
    else out.push([a, b]);
  }
  return out;
}

/** Reads a JSON data object (loudness analysis, QC results). */
export function readJson<T>(ref: InputRef): T {
  if (ref.type !== 'json') throw new RenderError('PA900', 'expected a data object');
  return JSON.parse(fs.readFileSync(ref.path, 'utf8')) as T;
}
