/** source: decode a WAV/BWF file into an audio object (float32, the file's channels). */
import { WavError, WavReader } from '../io/index.ts';
import { ObjectWriter } from '../io/audio-object.ts';
import { BLOCK, RenderError, type Progress, type RenderResult, type RenderTask } from './types.ts';

export function renderSource(task: RenderTask, progress: Progress, block = BLOCK): RenderResult {
  const { node } = task;
  const file = node.file!;
  let reader: WavReader;
  try {
    reader = WavReader.open(file);
  } catch (err) {
    if (err instanceof WavError) throw new RenderError(err.code, `${node.display.file}: ${err.message}`);
    throw new RenderError('PA300', `${node.display.file} cannot be read: ${(err as Error).message}`);
  }
  const { channels, frames } = reader.info;
  if (channels !== node.params.channels || frames !== node.params.frames) {
    reader.close();
    throw new RenderError('PA306', `${node.display.file} changed while building; build again`);
  }
  const out = new ObjectWriter(task.outPath, channels, node.params.sampleRate as number, 0);
  const buf = new Float32Array(block * channels);
  try {
    for (let pos = 0; pos < frames; pos += block) {
      const n = reader.read(pos, Math.min(block, frames - pos), buf);
      if (n <= 0) throw new RenderError('PA303', `${node.display.file} is shorter than its header says`);
      out.write(buf, n);
      progress(Math.min(1, (pos + n) / frames));
    }
  } catch (err) {
    out.abort(task.outPath);
    reader.close();
    throw err;
  }
  reader.close();
  out.close();
  return { frames, channels };
}
