/**
 * Read-ahead: a renderer that reads its input front to back (the deliverable, the loudness
 * analysis) gets it from a helper thread that mixes and routes the next blocks while the
 * renderer limits, dithers, encodes and meters the current one: two cores on one node.
 *
 * The helper makes exactly the reads the renderer would make itself — (0, B), (B, B), …, the
 * last one short — on its own reader of the same input, so the samples are the same whoever
 * computes them. Blocks pass through a ring of `SLOTS` slots in a SharedArrayBuffer; two
 * counters (blocks produced, blocks consumed) and Atomics.wait/notify order them. Memory: the
 * ring, SLOTS × block × channels float32.
 *
 * Hand-over: the helper claims the ring when it starts (started: 0 → 1). A renderer that finds
 * the ring unclaimed after START_WAIT_MS claims it itself (0 → −1) and reads inline from the
 * same position, so a helper that cannot start only costs time. An error in the helper travels
 * back through the ring (code and message) and is thrown by the renderer's read.
 */
import { Worker } from 'node:worker_threads';
import { LAYOUTS } from '../renderers/dsp/layouts.ts';
import { openInput, type BlockReader, type InputRef } from '../renderers/inputs.ts';
import { createRoute, routedInput, type RouteParams } from '../renderers/route.ts';
import { RenderError, type ReadAhead } from '../renderers/types.ts';

export const SLOTS = 3;
const START_WAIT_MS = 20000;

/** Control words (Int32) at the start of the shared buffer. */
export const Ctl = {
  Produced: 0,
  Consumed: 1,
  /** 0 running, 1 failed (its error text follows the words), 2 cancelled by the renderer */
  State: 2,
  /** 0 unclaimed, 1 claimed by the helper, −1 claimed by the renderer */
  Started: 3,
  ErrorBytes: 4,
  Count: 8,
} as const;
export const ERROR_BYTES = 2048;
export const HEADER_BYTES = Ctl.Count * 4 + ERROR_BYTES;

export interface ReadAheadJob {
  ref: InputRef;
  route: RouteParams;
  sampleRate: number;
  frames: number;
  block: number;
  channels: number;
  sab: SharedArrayBuffer;
}

/** The renderer's own reader of the input: what the helper computes, and the fallback. */
export function openRouted(job: Pick<ReadAheadJob, 'ref' | 'route' | 'sampleRate' | 'block'>): BlockReader {
  return routedInput(openInput(job.ref, job.block), createRoute(job.route, job.sampleRate, job.block), job.block);
}

/** The renderer's side of the ring: a reader for sequential whole-block reads. */
export function ringReader(job: ReadAheadJob, startWaitMs = START_WAIT_MS): BlockReader {
  const { frames, block, channels, sab } = job;
  const ctl = new Int32Array(sab, 0, Ctl.Count);
  const data = new Float32Array(sab, HEADER_BYTES, SLOTS * block * channels);
  let index = 0;
  let next = 0;
  let local: BlockReader | null = null;
  const waitStart = () => {
    const deadline = performance.now() + startWaitMs;
    while (Atomics.load(ctl, Ctl.Started) === 0) {
      const left = deadline - performance.now();
      if (left <= 0 && Atomics.compareExchange(ctl, Ctl.Started, 0, -1) === 0) {
        local = openRouted(job);
        return;
      }
      Atomics.wait(ctl, Ctl.Started, 0, Math.max(1, Math.min(left, 1000)));
    }
  };
  return {
    channels,
    frames,
    read(start, n, out) {
      if (start !== next || n !== Math.min(block, frames - start)) throw new Error(`read-ahead: expected the block at ${next}, was asked for ${n} frames at ${start}`);
      next += n;
      if (index === 0 && !local) waitStart();
      if (local) {
        local.read(start, n, out);
        return;
      }
      for (;;) {
        const produced = Atomics.load(ctl, Ctl.Produced);
        if (produced > index) break;
        if (Atomics.load(ctl, Ctl.State) === 1) {
          const len = Atomics.load(ctl, Ctl.ErrorBytes);
          const text = Buffer.from(new Uint8Array(sab, Ctl.Count * 4, len)).toString('utf8');
          const nl = text.indexOf('\n');
          throw new RenderError(text.slice(0, nl), text.slice(nl + 1));
        }
        Atomics.wait(ctl, Ctl.Produced, produced, 1000);
      }
      const at = (index % SLOTS) * block * channels;
      out.set(data.subarray(at, at + n * channels));
      index++;
      Atomics.store(ctl, Ctl.Consumed, index);
      Atomics.notify(ctl, Ctl.Consumed);
    },
    live: () => [[0, frames]],
    close() {
      Atomics.store(ctl, Ctl.State, Math.max(Atomics.load(ctl, Ctl.State), 2));
      Atomics.notify(ctl, Ctl.Consumed);
      Atomics.notify(ctl, Ctl.Started);
      local?.close();
    },
  };
}

/** The helper's side: claims the ring and fills it, block by block, until done, cancelled or failed. */
export function fillRing(job: ReadAheadJob): void {
  const { frames, block, channels, sab } = job;
  const ctl = new Int32Array(sab, 0, Ctl.Count);
  if (Atomics.compareExchange(ctl, Ctl.Started, 0, 1) !== 0) return; // the renderer went on without us
  Atomics.notify(ctl, Ctl.Started);
  const data = new Float32Array(sab, HEADER_BYTES, SLOTS * block * channels);
  let reader: BlockReader | null = null;
  try {
    reader = openRouted(job);
    for (let i = 0, pos = 0; pos < frames; i++, pos += block) {
      for (;;) {
        if (Atomics.load(ctl, Ctl.State) !== 0) return;
        const consumed = Atomics.load(ctl, Ctl.Consumed);
        if (i - consumed < SLOTS) break;
        Atomics.wait(ctl, Ctl.Consumed, consumed, 1000);
      }
      const n = Math.min(block, frames - pos);
      const at = (i % SLOTS) * block * channels;
      reader.read(pos, n, data.subarray(at, at + n * channels));
      Atomics.store(ctl, Ctl.Produced, i + 1);
      Atomics.notify(ctl, Ctl.Produced);
    }
  } catch (err) {
    const code = err instanceof RenderError ? err.code : 'PA900';
    const bytes = Buffer.from(`${code}\n${(err as Error).message}`, 'utf8').subarray(0, ERROR_BYTES);
    new Uint8Array(sab, Ctl.Count * 4, ERROR_BYTES).set(bytes);
    Atomics.store(ctl, Ctl.ErrorBytes, bytes.length);
    Atomics.store(ctl, Ctl.State, 1);
    Atomics.notify(ctl, Ctl.Produced);
  } finally {
    reader?.close();
  }
}

/**
 * A read-ahead for a render worker: one helper thread, started on first use and kept for the
 * worker's life (it runs one job at a time; a job queued behind a cancelled one waits for it).
 */
export function workerReadAhead(bootUrl: URL, entry: string, compiled: boolean): ReadAhead {
  let helper: Worker | null = null;
  return (ref, route, sampleRate, frames, block) => {
    if (frames <= block) return null; // one block: nothing to overlap
    if (!helper) {
      const w = new Worker(bootUrl, { workerData: { entry, compiled } });
      w.unref();
      // a helper that fails to start never claims a ring: its renderers read inline (see ringReader)
      w.on('error', () => {
        if (helper === w) helper = null;
      });
      helper = w;
    }
    const channels = LAYOUTS[route.to].channels;
    const sab = new SharedArrayBuffer(HEADER_BYTES + SLOTS * block * channels * 4);
    const job: ReadAheadJob = { ref, route, sampleRate, frames, block, channels, sab };
    helper.postMessage(job);
    return ringReader(job);
  };
}
