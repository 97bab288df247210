/**
 * source, when stored: decode a WAV/BWF file, convert it to the project rate (Kaiser
 * polyphase resampler) and run its restoration chain (rumble, hum, declick, denoise)
 * once; every event that uses the source reads the result from the cache.
 */
import type { ProcStep } from '../compiler/resolve-sound.ts';
import { ObjectWriter } from '../io/audio-object.ts';
import { WavReader } from '../io/index.ts';
import { runChain } from './chain.ts';
import { createResampler } from './dsp/resample.ts';
import { openInput, type BlockReader } from './inputs.ts';
import { BLOCK, RenderError, type Progress, type RenderResult, type RenderTask } from './types.ts';

interface SourceParams {
  sha256: string;
  channels: number;
  /** at the project rate */
  frames: number;
  fileFrames: number;
  fileRate: number;
  sampleRate: number;
  restore: ProcStep[];
}

/** The file at the project rate, read sequentially (random access restarts the stream). */
export function resampledInput(path: string, label: string, p: { channels: number; fileFrames: number; fileRate: number; sampleRate: number; frames: number }, block: number): BlockReader {
  if (p.fileRate === p.sampleRate) return openInput({ type: 'wav', path, label, channels: p.channels, frames: p.frames }, block);
  let reader: WavReader;
  try {
    reader = WavReader.open(path);
  } catch (err) {
    throw new RenderError((err as { code?: string }).code ?? 'PA300', `${label}: ${(err as Error).message}`);
  }
  if (reader.info.frames !== p.fileFrames || reader.info.channels !== p.channels) {
    reader.close();
    throw new RenderError('PA306', `${label} changed while building; build again`);
  }
  const ch = p.channels;
  let rs = createResampler({ fromRate: p.fileRate, toRate: p.sampleRate, channels: ch });
  const inBuf = new Float32Array(block * ch);
  // The resampler's output for one input block; handed out before the next block is produced,
  // so it is reused, never grown or copied.
  const outBuf = new Float32Array(Math.max(rs.maxOutputFrames(block), rs.maxFlushFrames) * ch);
  let pendingOff = 0; // first unread frame in outBuf
  let pendingFrames = 0;
  let filePos = 0;
  let outPos = 0; // frames handed out so far
  let flushed = false;
  const restart = () => {
    rs = createResampler({ fromRate: p.fileRate, toRate: p.sampleRate, channels: ch });
    pendingFrames = 0;
    filePos = 0;
    outPos = 0;
    flushed = false;
  };
  /** Refills outBuf; called only when everything produced before has been read. */
  const produce = () => {
    if (filePos < p.fileFrames) {
      const take = Math.min(block, p.fileFrames - filePos);
      reader.read(filePos, take, inBuf);
      filePos += take;
      pendingFrames = rs.process(inBuf, take, outBuf);
    } else if (!flushed) {
      pendingFrames = rs.flush(outBuf);
      flushed = true;
    } else {
      return false;
    }
    pendingOff = 0;
    return true;
  };
  const skipTo = (start: number) => {
    if (start < outPos) restart();
    while (outPos < start) {
      if (pendingFrames === 0 && !produce()) return;
      const drop = Math.min(pendingFrames, start - outPos);
      pendingOff += drop;
      pendingFrames -= drop;
      outPos += drop;
    }
  };
  return {
    channels: ch,
    frames: p.frames,
    read(start, frames, out) {
      skipTo(start);
      let got = 0;
      while (got < frames) {
        if (pendingFrames === 0 && !produce()) break;
        const take = Math.min(pendingFrames, frames - got);
        out.set(outBuf.subarray(pendingOff * ch, (pendingOff + take) * ch), got * ch);
        pendingOff += take;
        pendingFrames -= take;
        got += take;
        outPos += take;
      }
      if (got < frames) out.fill(0, got * ch, frames * ch);
    },
    live: () => [[0, p.frames]],
    close: () => reader.close(),
  };
}

export function renderSource(task: RenderTask, progress: Progress, block = BLOCK): RenderResult {
  const { node } = task;
  const p = node.params as unknown as SourceParams;
  const label = node.display.file;
  const src = resampledInput(node.file!, label, p, block);
  const out = new ObjectWriter(task.outPath, p.channels, p.sampleRate, 0, p.frames);
  // one reader for the noise profile, read forward (the steps before denoise stream through it)
  const profile: { reader: BlockReader | null } = { reader: null };
  const readProfile = (start: number, frames: number) => {
    profile.reader ??= resampledInput(node.file!, label, p, block);
    const buf = new Float32Array(frames * p.channels);
    profile.reader.read(start, frames, buf);
    return buf;
  };
  try {
    out.begin(0);
    let done = 0;
    runChain(
      p.restore,
      { sampleRate: p.sampleRate, channels: p.channels, readProfile, irFiles: node.irFiles },
      p.frames,
      block,
      (start, n, buf) => src.read(start, n, buf),
      (buf, n) => {
        out.write(buf, n);
        done += n;
        progress(done / Math.max(1, p.frames));
      },
    );
    out.close();
  } catch (err) {
    out.abort();
    throw err;
  } finally {
    src.close();
    profile.reader?.close();
  }
  return { frames: p.frames, channels: p.channels };
}
