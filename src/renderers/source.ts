/** source: decode a WAV/BWF file into an audio object (float32, the file's channels). Used when a source needs processing. */
import { ObjectWriter } from '../io/audio-object.ts';
import { openInput } from './inputs.ts';
import { BLOCK, type Progress, type RenderResult, type RenderTask } from './types.ts';

export function renderSource(task: RenderTask, progress: Progress, block = BLOCK): RenderResult {
  const { node } = task;
  const src = openInput({ type: 'wav', path: node.file!, label: node.display.file, channels: node.params.channels as number, frames: node.params.frames as number }, block);
  const out = new ObjectWriter(task.outPath, src.channels, node.params.sampleRate as number, 0, src.frames);
  const buf = new Float32Array(block * src.channels);
  try {
    out.begin(0);
    for (let pos = 0; pos < src.frames; pos += block) {
      const n = Math.min(block, src.frames - pos);
      src.read(pos, n, buf);
      out.write(buf, n);
      progress((pos + n) / src.frames);
    }
    out.close();
  } catch (err) {
    out.abort();
    throw err;
  } finally {
    src.close();
  }
  return { frames: src.frames, channels: src.channels };
}
