/**
 * Stored and inline renders agree: a mix written as a sparse object reads back exactly as
 * the mix computed on the fly, and neither depends on the block size.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ObjectReader, ObjectWriter, readObjectHeader } from '../../src/io/audio-object.ts';
import { openInput, type ClipParams, type InputRef } from '../../src/renderers/inputs.ts';
import { renderNode } from '../../src/renderers/index.ts';
import type { MixParams } from '../../src/renderers/mix-reader.ts';
import type { PlanNode } from '../../src/plan.ts';
import { tmpDir, writeWav } from '../helpers/tmp-project.ts';

const dir = tmpDir('pa-mix-');
const wavA = path.join(dir, 'a.wav');
const wavB = path.join(dir, 'b.wav');
writeWav(wavA, { frames: 20000 }, (i) => Math.sin(i / 17) * 0.5);
writeWav(wavB, { frames: 9000, channels: 2 }, (i, c) => (c ? 0.25 : -0.25) * Math.cos(i / 5));

const clip = (src: InputRef, over: Partial<ClipParams>): InputRef => ({
  type: 'clip',
  params: { in: 0, out: 9000, gain: 0.5, azimuth: 9, lfe: 0, divergence: 0, layout: 'stereo', fadeIn: { length: 300, curve: 'linear' }, fadeOut: { length: 500, curve: 'equal-power' }, srcChannels: 1, channels: 2, ...over },
  source: src,
});
const a: InputRef = { type: 'wav', path: wavA, label: 'a.wav', channels: 1, frames: 20000 };
const b: InputRef = { type: 'wav', path: wavB, label: 'b.wav', channels: 2, frames: 9000 };
const inputs = [clip(a, { in: 1000, out: 15000 }), clip(b, { srcChannels: 2, azimuth: -15 }), clip(a, { in: 0, out: 4000, gain: 2 })];
const params: MixParams = {
  gain: 0.8,
  channels: 2,
  sampleRate: 48000,
  placements: [
    { start: 100, length: 14000 },
    { start: 5000, length: 9000 },
    { start: 60000, length: 4000 }, // after a gap of silence
  ],
  start: 100,
  length: 63900,
};
const mix: InputRef = { type: 'mix', params, inputs };

function readAll(ref: InputRef, block: number): Float32Array {
  const r = openInput(ref, block);
  const out = new Float32Array(r.frames * r.channels);
  const buf = new Float32Array(block * r.channels);
  for (let pos = 0; pos < r.frames; pos += block) {
    const n = Math.min(block, r.frames - pos);
    r.read(pos, n, buf);
    out.set(buf.subarray(0, n * r.channels), pos * r.channels);
  }
  r.close();
  return out;
}

describe('mix', () => {
  it('does not depend on the block size', () => {
    const one = readAll(mix, 65536);
    for (const block of [1, 7, 1000, 4096]) expect(readAll(mix, block)).toEqual(one);
  });

  it('sums placed clips exactly: each output sample is gain × Σ clips in placement order', () => {
    const out = readAll(mix, 4096);
    const clips = inputs.map((c) => readAll(c, 4096));
    for (const t of [0, 4899, 4900, 10000, 13999, 14000, 59899, 59900, 63899]) {
      for (let c = 0; c < 2; c++) {
        let acc = 0;
        params.placements.forEach((pl, i) => {
          const k = params.start + t - pl.start;
          if (k >= 0 && k < pl.length) acc += clips[i][k * 2 + c];
        });
        expect(out[t * 2 + c]).toBe(Math.fround(0.8 * acc));
      }
    }
  });

  it('a stored mix is a sparse object that reads back identical to the inline mix', () => {
    const node = { id: 'bus:X', kind: 'bus', kindVersion: 1, params, inputs: ['a', 'b', 'c'], key: 'k', display: {} } as unknown as PlanNode;
    const outPath = path.join(dir, 'bus.obj');
    renderNode({ node, inputs, outPath, sampleRate: 48000 }, () => {}, 3000);
    const fd = fs.openSync(outPath, 'r');
    const h = readObjectHeader(fd, outPath);
    fs.closeSync(fd);
    // clips at [0, 14000) and [4900, 13900) join; the third stands alone after the gap
    expect(h.segments.map((s) => [s.start, s.frames])).toEqual([
      [0, 14000],
      [59900, 4000],
    ]);
    expect(readAll({ type: 'object', path: outPath }, 5000)).toEqual(readAll(mix, 4096));
    // silence between the segments is not stored
    expect(fs.statSync(outPath).size).toBeLessThan(64 + (14000 + 4000) * 2 * 4 + 100);
  });

  it('rejects a truncated or damaged object', () => {
    const p = path.join(dir, 'x.obj');
    const w = new ObjectWriter(p, 1, 48000, 0, 100);
    w.begin(10);
    w.write(new Float32Array(50).fill(0.5), 50);
    w.close();
    expect(() => ObjectReader.open(p)).not.toThrow();
    fs.truncateSync(p, fs.statSync(p).size - 4);
    expect(() => ObjectReader.open(p)).toThrow(/truncated or corrupt/);
    fs.writeFileSync(p, 'not an object at all, not at all');
    expect(() => ObjectReader.open(p)).toThrow(/not an audio object/);
  });
});
