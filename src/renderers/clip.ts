/** clip: a source range with gain, fades and pan, mapped to the master layout. */
import { ObjectReader, ObjectWriter } from '../io/audio-object.ts';
import { applyEnvelopeAndMatrix, type Envelope } from './dsp/fade.ts';
import { panMatrix } from './dsp/pan.ts';
import { BLOCK, type Progress, type RenderResult, type RenderTask } from './types.ts';

interface ClipParams {
  in: number;
  out: number;
  gain: number;
  pan: number;
  fadeIn: { length: number; curve: 'linear' | 'equal-power' };
  fadeOut: { length: number; curve: 'linear' | 'equal-power' };
  srcChannels: number;
  channels: number;
}

export function renderClip(task: RenderTask, progress: Progress, block = BLOCK): RenderResult {
  const p = task.node.params as unknown as ClipParams;
  const src = ObjectReader.open(task.inputs[0]);
  const inCh = src.header.channels;
  const outCh = p.channels;
  const length = p.out - p.in;
  const env: Envelope = {
    gain: p.gain,
    length,
    fadeIn: p.fadeIn.length,
    fadeInCurve: p.fadeIn.curve,
    fadeOut: p.fadeOut.length,
    fadeOutCurve: p.fadeOut.curve,
  };
  const matrix = panMatrix(p.pan, inCh, outCh);
  const inBuf = new Float32Array(block * inCh);
  const outBuf = new Float32Array(block * outCh);
  const out = new ObjectWriter(task.outPath, outCh, src.header.sampleRate, 0);
  try {
    for (let pos = 0; pos < length; pos += block) {
      const n = Math.min(block, length - pos);
      const got = src.read(p.in + pos, n, inBuf);
      if (got < n) inBuf.fill(0, got * inCh, n * inCh);
      applyEnvelopeAndMatrix(inBuf, inCh, outBuf, outCh, matrix, env, pos, n);
      out.write(outBuf, n);
      progress((pos + n) / length);
    }
  } catch (err) {
    out.abort(task.outPath);
    src.close();
    throw err;
  }
  src.close();
  out.close();
  return { frames: length, channels: outCh };
}
