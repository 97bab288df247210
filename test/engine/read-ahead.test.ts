/**
 * Read-ahead on a helper thread gives the very samples the renderer's own routed reader gives,
 * block by block; errors in the helper reach the renderer with their code; a helper that never
 * starts costs only time (the renderer reads inline); and a whole build with read-ahead (jobs 2)
 * is byte-identical to one without (jobs 1), loudness analysis and limiter included.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { HEADER_BYTES, openRouted, ringReader, SLOTS, workerReadAhead, type ReadAheadJob } from '../../src/engine/read-ahead.ts';
import type { InputRef } from '../../src/renderers/inputs.ts';
import type { RouteParams } from '../../src/renderers/route.ts';
import { buildProject, tmpDir, writeFiles, writeWav } from '../helpers/tmp-project.ts';

const made: string[] = [];
afterAll(() => {
  for (const d of made) fs.rmSync(d, { recursive: true, force: true });
});

const boot = new URL('../../src/engine/worker-boot.mjs', import.meta.url);
const entry = new URL('../../src/engine/read-ahead-worker.ts', import.meta.url).href;

function sixChannels(): { ref: InputRef; frames: number } {
  const dir = tmpDir('pa-ra-');
  made.push(dir);
  const frames = 10000;
  const file = path.join(dir, 's.wav');
  writeWav(file, { frames, channels: 6 }, (i, c) => Math.sin(i / (5 + c)) * 0.5);
  return { ref: { type: 'wav', path: file, label: 's.wav', channels: 6, frames }, frames };
}

function readAll(r: { read(s: number, n: number, o: Float32Array): void; close(): void }, frames: number, block: number, ch: number): Float32Array {
  const out = new Float32Array(frames * ch);
  const buf = new Float32Array(block * ch);
  for (let pos = 0; pos < frames; pos += block) {
    const n = Math.min(block, frames - pos);
    r.read(pos, n, buf);
    out.set(buf.subarray(0, n * ch), pos * ch);
  }
  r.close();
  return out;
}

describe('read-ahead', () => {
  const route: RouteParams = { from: '5.1', to: 'stereo', downmix: 'loro' };

  it('the helper thread reads exactly what the renderer would, over many ring turns', async () => {
    const { ref, frames } = sixChannels();
    const block = 333; // 31 blocks through a ring of SLOTS
    const readAhead = workerReadAhead(boot, entry, false);
    const ahead = readAhead(ref, route, 48000, frames, block)!;
    expect(ahead).not.toBeNull();
    const got = readAll(ahead, frames, block, 2);
    const want = readAll(openRouted({ ref, route, sampleRate: 48000, block }), frames, block, 2);
    expect(Buffer.from(got.buffer).equals(Buffer.from(want.buffer))).toBe(true);
    // the same helper serves the next job, and an abandoned job does not block it
    const early = readAhead(ref, route, 48000, frames, block)!;
    early.read(0, block, new Float32Array(block * 2));
    early.close();
    const again = readAll(readAhead(ref, route, 48000, frames, block)!, frames, block, 2);
    expect(Buffer.from(again.buffer).equals(Buffer.from(want.buffer))).toBe(true);
    // a single block is not worth a thread
    expect(readAhead(ref, route, 48000, 100, block)).toBeNull();
  });

  it("passes the helper's errors on with their code, and insists on sequential whole blocks", () => {
    const { ref, frames } = sixChannels();
    const readAhead = workerReadAhead(boot, entry, false);
    const missing: InputRef = { type: 'wav', path: '/nonexistent/x.wav', label: 'x.wav', channels: 6, frames };
    const bad = readAhead(missing, route, 48000, frames, 1000)!;
    let caught: unknown = null;
    try {
      bad.read(0, 1000, new Float32Array(2000));
    } catch (err) {
      caught = err;
    }
    bad.close();
    expect((caught as Error).message).toMatch(/x\.wav/);
    expect((caught as { code?: string }).code).toMatch(/^PA3/);
    const r = readAhead(ref, route, 48000, frames, 1000)!;
    expect(() => r.read(1000, 1000, new Float32Array(2000))).toThrow(/expected the block at 0/);
    r.close();
  });

  it('reads inline when no helper claims the ring', () => {
    const { ref, frames } = sixChannels();
    const block = 1000;
    const job: ReadAheadJob = { ref, route, sampleRate: 48000, frames, block, channels: 2, sab: new SharedArrayBuffer(HEADER_BYTES + SLOTS * block * 2 * 4) };
    const got = readAll(ringReader(job, 50), frames, block, 2);
    const want = readAll(openRouted({ ref, route, sampleRate: 48000, block }), frames, block, 2);
    expect(Buffer.from(got.buffer).equals(Buffer.from(want.buffer))).toBe(true);
  });

  it('a build with read-ahead (jobs 2) is byte-identical to one without (jobs 1)', async () => {
    const dir = tmpDir('pa-ra-build-');
    made.push(dir);
    writeWav(path.join(dir, 'media/talk.wav'), { frames: 48000 * 4 }, (i) => 0.4 * Math.sin(i / 11) * (1 + Math.sin(i / 5000)));
    writeWav(path.join(dir, 'media/hit.wav'), { frames: 48000 * 3, channels: 2 }, (i, c) => (i % 24000 < 300 ? 0.95 : 0.05) * Math.sin(i / (2 + c)));
    writeFiles(dir, {
      'postaudio.yaml': `postaudio: 1
project: { title: RA, sample_rate: 48000, frame_rate: 25, start: "10:00:00:00", date: 2026-01-02 }
sources: { talk: media/talk.wav, hit: media/hit.wav }
buses: { DX: { stem: dialogue }, FX: { stem: effects } }
dialogue:
  - { id: d1, source: talk, at: "10:00:00:00", bus: DX }
  - { id: d2, source: talk, at: "10:00:03:00", bus: DX, gain: -4 dB }
sfx:
  - { id: h1, source: hit, at: "10:00:01:00", bus: FX, gain: 6 dB }
master:
  layout: stereo
  targets:
    t: { integrated: -16 LUFS, tolerance: 1 LU, true_peak: -1 dBTP }
  deliverables:
    - { name: main, file: main.wav, bits: 24, target: t }
    - { name: mono, file: mono.wav, layout: mono, bits: 16, target: t }
`,
    });
    const one = await buildProject(dir, { jobs: 1, cacheDir: path.join(dir, 'c1'), outDir: path.join(dir, 'o1') });
    const two = await buildProject(dir, { jobs: 2, cacheDir: path.join(dir, 'c2'), outDir: path.join(dir, 'o2') });
    expect(one.ok).toBe(true);
    expect(two.outputs.map((o) => [path.basename(o.path), o.sha256])).toEqual(one.outputs.map((o) => [path.basename(o.path), o.sha256]));
    expect(two.rendered).toContain('loudness:main');
  });
});
