/**
 * bus and master: place inputs on the timeline and sum them block by block.
 * Only the inputs live in a block are opened and read (an interval sweep over the
 * placements, sorted by start), and only the live parts of the span are written, so
 * cost follows the audio present rather than the length of the timeline, and memory
 * follows the block size and the number of overlapping inputs.
 */
import { ObjectWriter } from '../io/audio-object.ts';
import { addInto, toFloat32 } from './dsp/mix.ts';
import { liveRanges, mergeRanges, openInput, type BlockReader } from './inputs.ts';
import { BLOCK, type Progress, type RenderResult, type RenderTask } from './types.ts';

interface Placement {
  start: number;
  length: number;
}
interface MixParams {
  gain: number;
  channels: number;
  sampleRate: number;
  /** Sorted by (start, id); the summation order. */
  placements: Placement[];
  start: number;
  length: number;
}

export function renderMix(task: RenderTask, progress: Progress, block = BLOCK): RenderResult {
  const p = task.node.params as unknown as MixParams;
  const ch = p.channels;
  const pl = p.placements;

  // Live parts of the output span: the union of each input's live ranges where it is placed.
  const ranges: [number, number][] = [];
  pl.forEach((x, i) => {
    for (const [a, b] of liveRanges(task.inputs[i])) {
      const lo = Math.max(x.start + a, x.start);
      const hi = Math.min(x.start + b, x.start + x.length);
      if (hi > lo) ranges.push([lo - p.start, hi - p.start]);
    }
  });
  const segments = mergeRanges(ranges);
  const liveTotal = segments.reduce((s, [a, b]) => s + (b - a), 0);

  const acc = new Float64Array(block * ch);
  const tmp = new Float32Array(block * ch);
  const outBuf = new Float32Array(block * ch);
  const out = new ObjectWriter(task.outPath, ch, p.sampleRate, p.start, p.length);
  const open = new Map<number, BlockReader>(); // insertion order = placement order
  let next = 0;
  let done = 0;
  try {
    for (const [segStart, segEnd] of segments) {
      out.begin(segStart);
      for (let pos = segStart; pos < segEnd; pos += block) {
        const n = Math.min(block, segEnd - pos);
        const t0 = p.start + pos;
        const t1 = t0 + n;
        acc.fill(0, 0, n * ch);
        while (next < pl.length && pl[next].start < t1) {
          if (pl[next].start + pl[next].length > t0) open.set(next, openInput(task.inputs[next], block));
          next++;
        }
        for (const [idx, r] of open) {
          const x = pl[idx];
          const from = Math.max(t0, x.start);
          const to = Math.min(t1, x.start + x.length);
          if (to > from) {
            r.read(from - x.start, to - from, tmp);
            addInto(acc, from - t0, tmp, to - from, ch, 1);
          }
          if (x.start + x.length <= t1) {
            r.close();
            open.delete(idx);
          }
        }
        toFloat32(acc, outBuf, n * ch, p.gain);
        out.write(outBuf, n);
        done += n;
        progress(done / Math.max(1, liveTotal));
      }
      out.end();
    }
    out.close();
  } catch (err) {
    out.abort();
    throw err;
  } finally {
    for (const r of open.values()) r.close();
  }
  return { frames: p.length, channels: ch };
}
