/**
 * clip, when stored: events with processing or a distance model. The material, its
 * envelope, the processor chain (latency compensated, tails kept), the distance model,
 * then the pan, rendered once in order and cached.
 */
import { ObjectWriter } from '../io/audio-object.ts';
import { runChain } from './chain.ts';
import { clipLength, createDistanceStage, createEnvelopeGain, createPanner, materialStage, type ClipParams } from './clip-pipeline.ts';
import { openInput } from './inputs.ts';
import { BLOCK, type Progress, type RenderResult, type RenderTask } from './types.ts';

export function renderClip(task: RenderTask, progress: Progress, block = BLOCK): RenderResult {
  const p = task.node.params as unknown as ClipParams;
  const material = materialStage(p, openInput(task.inputs[0], block), block);
  const inCh = material.channels;
  const length = clipLength(p);
  const envelope = createEnvelopeGain(p, inCh);
  const distance = createDistanceStage(p, inCh, task.sampleRate, block);
  const pan = createPanner(p, inCh);
  const outBuf = new Float32Array(block * p.channels);
  const out = new ObjectWriter(task.outPath, p.channels, task.sampleRate, 0, length);
  let pos = 0;
  try {
    out.begin(0);
    runChain(
      p.process ?? [],
      { sampleRate: task.sampleRate, channels: inCh, irFiles: task.node.irFiles },
      length,
      block,
      (start, n, buf) => {
        material.read(start, n, buf);
        envelope(buf, start, n);
      },
      (buf, n) => {
        distance?.process(buf, pos, n);
        pan(buf, outBuf, pos, n);
        out.write(outBuf, n);
        pos += n;
        progress(pos / length);
      },
    );
    out.close();
  } catch (err) {
    out.abort();
    throw err;
  } finally {
    material.close();
  }
  return { frames: length, channels: p.channels };
}
