/**
 * bus and master, when stored. A plain stored mix writes the mix reader's live segments to
 * a sparse object. A processed bus (EQ, compressor — side-chained from another bus for
 * ducking — reverb returns) runs its chain over the summed signal from start to end,
 * keeping the tail, and writes one dense segment.
 */
import { ObjectWriter } from '../io/audio-object.ts';
import { createEnvelope } from './dsp/envelope.ts';
import { runChain } from './chain.ts';
import { openInput } from './inputs.ts';
import { mixInput, mixLive, type MixParams } from './mix-reader.ts';
import { BLOCK, type Progress, type RenderResult, type RenderTask } from './types.ts';

export function renderMix(task: RenderTask, progress: Progress, block = BLOCK): RenderResult {
  const p = task.node.params as unknown as MixParams;
  // A processed bus is a console channel: inserts first, then the fader (gain and its automation),
  // so riding the fader never changes what a compressor sees and a reverb's tail follows the fader.
  const processed = Boolean(p.process?.length);
  const mix = mixInput(processed ? { ...p, gain: 1, automation: null } : p, task.inputs, block);
  const fader = processed ? createFader(p.gain, p.automation ?? null, p.channels, block) : null;
  const out = new ObjectWriter(task.outPath, p.channels, p.sampleRate, p.start, p.length);
  const buf = new Float32Array(block * p.channels);
  try {
    if (p.process?.length) {
      const sc = p.sidechain !== undefined && p.sidechain !== null ? openInput(task.inputs[p.sidechain], block) : null;
      // the side-chain bus has its own span: read it at the same timeline positions
      const scStart = (p as MixParams & { sidechainStart?: number }).sidechainStart ?? 0;
      out.begin(0);
      let done = 0;
      try {
        runChain(
          p.process,
          { sampleRate: p.sampleRate, channels: p.channels, sidechainChannels: sc?.channels, irFiles: task.node.irFiles },
          p.length,
          block,
          (start, n, b) => mix.read(start, n, b),
          (b, n) => {
            fader!(b, done, n);
            out.write(b, n);
            done += n;
            progress(done / p.length);
          },
          sc ? (start, n, b) => sc.read(p.start + start - scStart, n, b) : undefined,
        );
      } finally {
        sc?.close();
      }
    } else {
      const segments = mixLive(p, task.inputs);
      const total = Math.max(1, segments.reduce((s, [a, b]) => s + (b - a), 0));
      let done = 0;
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

/** The fader after a bus's processing: out[f] ·= gain · automation(pos + f), in place. */
function createFader(gain: number, automation: MixParams['automation'], channels: number, block: number) {
  const env = automation?.length ? createEnvelope(automation, { domain: 'db' }) : null;
  const g = new Float64Array(block);
  return (buf: Float32Array, pos: number, frames: number) => {
    if (!env) {
      if (gain !== 1) for (let k = 0; k < frames * channels; k++) buf[k] *= gain;
      return;
    }
    env.fill(g, pos, frames);
    for (let f = 0; f < frames; f++) {
      const x = gain * g[f];
      for (let c = 0; c < channels; c++) buf[f * channels + c] *= x;
    }
  };
}
