/** bus and master, when stored: the mix reader's live segments written to a sparse object. */
import { ObjectWriter } from '../io/audio-object.ts';
import { mixInput, mixLive, type MixParams } from './mix-reader.ts';
import { BLOCK, type Progress, type RenderResult, type RenderTask } from './types.ts';

export function renderMix(task: RenderTask, progress: Progress, block = BLOCK): RenderResult {
  const p = task.node.params as unknown as MixParams;
  const segments = mixLive(p, task.inputs);
  const total = Math.max(1, segments.reduce((s, [a, b]) => s + (b - a), 0));
  const mix = mixInput(p, task.inputs, block);
  const buf = new Float32Array(block * p.channels);
  const out = new ObjectWriter(task.outPath, p.channels, p.sampleRate, p.start, p.length);
  let done = 0;
  try {
    for (const [a, b] of segments) {
      out.begin(a);
      for (let pos = a; pos < b; pos += block) {
        const n = Math.min(block, b - pos);
        mix.read(pos, n, buf);
        out.write(buf, n);
        done += n;
        progress(done / total);
      }
      out.end();
    }
    out.close();
  } catch (err) {
    out.abort();
    throw err;
  } finally {
    mix.close();
  }
  return { frames: p.length, channels: p.channels };
}
