/**
 * bus and master: place input objects on the timeline and sum them block by block.
 * Only the inputs live in a block are read (an interval sweep over the placements,
 * which are sorted by start), so cost follows the audio present, not the span, and
 * memory follows the block size and the number of overlapping inputs.
 */
import { ObjectReader, ObjectWriter } from '../io/audio-object.ts';
import { addInto, toFloat32 } from './dsp/mix.ts';
import { BLOCK, type Progress, type RenderResult, type RenderTask } from './types.ts';

interface Placement {
  start: number;
  length: number;
}
interface MixParams {
  gain: number;
  channels: number;
  sampleRate: number;
  placements: Placement[];
  start: number;
  length: number;
}

export function renderMix(task: RenderTask, progress: Progress, block = BLOCK): RenderResult {
  const p = task.node.params as unknown as MixParams;
  const ch = p.channels;
  const order = p.placements.map((_, i) => i); // inputs are already in (start, id) order
  const acc = new Float64Array(block * ch);
  const tmp = new Float32Array(block * ch);
  const outBuf = new Float32Array(block * ch);
  const out = { writer: undefined as ObjectWriter | undefined };
  const open = new Map<number, ObjectReader>();
  let next = 0; // next placement (by order) not yet opened
  try {
    for (let pos = 0; pos < p.length; pos += block) {
      const n = Math.min(block, p.length - pos);
      const t0 = p.start + pos;
      const t1 = t0 + n;
      acc.fill(0, 0, n * ch);
      // open placements that begin before this block ends
      while (next < order.length && p.placements[order[next]].start < t1) {
        const idx = order[next++];
        const r = ObjectReader.open(task.inputs[idx]);
        open.set(idx, r);
      }
      // add live placements in placement order (Map keeps insertion order = placement order)
      for (const [idx, r] of open) {
        const pl = p.placements[idx];
        const from = Math.max(t0, pl.start);
        const to = Math.min(t1, pl.start + pl.length);
        if (to > from) {
          const got = r.read(from - pl.start, to - from, tmp);
          addInto(acc, from - t0, tmp, got, ch, 1);
        }
        if (pl.start + pl.length <= t1) {
          r.close();
          open.delete(idx);
        }
      }
      toFloat32(acc, outBuf, n * ch, p.gain);
      if (!out.writer) out.writer = new ObjectWriter(task.outPath, ch, p.sampleRate, p.start);
      out.writer.write(outBuf, n);
      progress((pos + n) / p.length);
    }
  } catch (err) {
    for (const r of open.values()) r.close();
    out.writer?.abort(task.outPath);
    throw err;
  }
  for (const r of open.values()) r.close();
  (out.writer ?? new ObjectWriter(task.outPath, ch, p.sampleRate, p.start)).close();
  return { frames: p.length, channels: ch };
}
