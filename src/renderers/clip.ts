/** clip: a source range with gain, fades and pan, mapped to the master layout (materialised when it carries processing). */
import { ObjectWriter } from '../io/audio-object.ts';
import { clipInput, openInput, type ClipParams } from './inputs.ts';
import { BLOCK, type Progress, type RenderResult, type RenderTask } from './types.ts';

export function renderClip(task: RenderTask, progress: Progress, block = BLOCK): RenderResult {
  const p = task.node.params as unknown as ClipParams;
  const clip = clipInput(p, openInput(task.inputs[0], block), block);
  const out = new ObjectWriter(task.outPath, clip.channels, task.sampleRate, 0, clip.frames);
  const buf = new Float32Array(block * clip.channels);
  try {
    out.begin(0);
    for (let pos = 0; pos < clip.frames; pos += block) {
      const n = Math.min(block, clip.frames - pos);
      clip.read(pos, n, buf);
      out.write(buf, n);
      progress((pos + n) / clip.frames);
    }
    out.close();
  } catch (err) {
    out.abort();
    throw err;
  } finally {
    clip.close();
  }
  return { frames: clip.frames, channels: clip.channels };
}
