/**
 * deliverable: encode the master into the delivered WAV/BWF file (bit depth, channel
 * mask, bext from the project, never the clock).
 */
import { WavWriter } from '../io/index.ts';
import { openInput } from './inputs.ts';
import { ENGINE_VERSION } from './versions.ts';
import { BLOCK, type Progress, type RenderResult, type RenderTask } from './types.ts';

interface DeliverableParams {
  sampleRate: number;
  channels: number;
  bits: 16 | 24 | 32;
  float: boolean;
  channelMask: number;
  /** Deliverable length in frames from the project start. */
  length: number;
  bext: {
    description: string;
    originator: string;
    originatorReference: string;
    originationDate: string;
    originationTime: string;
    timeReference: number;
  };
}

export function renderDeliverable(task: RenderTask, progress: Progress, block = BLOCK): RenderResult {
  const p = task.node.params as unknown as DeliverableParams;
  const src = openInput(task.inputs[0], block);
  const ch = src.channels;
  const total = p.length;
  const writer = WavWriter.create(task.outPath, {
    sampleRate: p.sampleRate,
    channels: ch,
    bits: p.bits,
    float: p.float,
    channelMask: p.channelMask,
    bext: {
      ...p.bext,
      timeReference: BigInt(p.bext.timeReference),
      codingHistory: `A=${p.float ? 'F' : 'PCM'},F=${p.sampleRate},W=${p.bits},M=${ch === 1 ? 'mono' : 'stereo'},T=postaudio ${ENGINE_VERSION}\r\n`,
    },
  });
  const buf = new Float32Array(block * ch);
  try {
    for (let pos = 0; pos < total; pos += block) {
      const n = Math.min(block, total - pos);
      src.read(pos, n, buf);
      writer.write(buf, n);
      progress((pos + n) / total);
    }
    writer.close();
  } finally {
    src.close();
  }
  return { frames: total, channels: ch };
}
