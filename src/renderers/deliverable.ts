/**
 * deliverable: encode the master into the delivered WAV/BWF file (bit depth, channel
 * mask, bext from the project, never the clock).
 */
import { WavWriter } from '../io/index.ts';
import { ObjectReader } from '../io/audio-object.ts';
import { ENGINE_VERSION } from './versions.ts';
import { BLOCK, type Progress, type RenderResult, type RenderTask } from './types.ts';

interface DeliverableParams {
  sampleRate: number;
  channels: number;
  bits: 16 | 24 | 32;
  float: boolean;
  channelMask: number;
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
  const src = ObjectReader.open(task.inputs[0]);
  const ch = src.header.channels;
  const total = src.header.offset + src.header.frames; // the deliverable starts at the project start
  const format = p.float ? 'F' : 'PCM';
  const writer = WavWriter.create(task.outPath, {
    sampleRate: p.sampleRate,
    channels: ch,
    bits: p.bits,
    float: p.float,
    channelMask: p.channelMask,
    bext: {
      ...p.bext,
      timeReference: BigInt(p.bext.timeReference),
      codingHistory: `A=${format},F=${p.sampleRate},W=${p.bits},M=${ch === 1 ? 'mono' : 'stereo'},T=postaudio ${ENGINE_VERSION}\r\n`,
    },
  });
  const buf = new Float32Array(block * ch);
  try {
    for (let pos = 0; pos < total; pos += block) {
      const n = Math.min(block, total - pos);
      buf.fill(0, 0, n * ch);
      // object covers [offset, offset + frames); before it is silence
      const from = Math.max(pos, src.header.offset);
      if (from < pos + n) {
        src.read(from - src.header.offset, pos + n - from, buf.subarray((from - pos) * ch));
      }
      writer.write(buf, n);
      progress((pos + n) / total);
    }
  } finally {
    src.close();
  }
  writer.close();
  return { frames: total, channels: ch };
}
