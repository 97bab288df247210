/** Render worker: receives render tasks, runs the pure renderer, reports progress and the result. */
import { parentPort, workerData } from 'node:worker_threads';
import { renderNode, RenderError, type RenderTask } from '../renderers/index.ts';
import { workerReadAhead } from './read-ahead.ts';

export interface WorkerRequest {
  id: number;
  task: RenderTask;
}
export type WorkerReply =
  | { id: number; type: 'progress'; fraction: number }
  | { id: number; type: 'done'; frames: number; channels: number }
  | { id: number; type: 'error'; code: string; message: string };

const port = parentPort!;
const { compiled, readAhead: spare } = workerData as { compiled: boolean; readAhead?: boolean };
// with a core to spare, renderers that stream their input get it read ahead on a helper thread
const readAhead = spare
  ? workerReadAhead(new URL('./worker-boot.mjs', import.meta.url), new URL(compiled ? './read-ahead-worker.js' : './read-ahead-worker.ts', import.meta.url).href, compiled)
  : undefined;
port.on('message', (msg: WorkerRequest) => {
  let last = -1;
  try {
    const r = renderNode({ ...msg.task, readAhead }, (f) => {
      // progress at most every 2 %
      if (f - last >= 0.02 || f >= 1) {
        last = f;
        port.postMessage({ id: msg.id, type: 'progress', fraction: f } satisfies WorkerReply);
      }
    });
    port.postMessage({ id: msg.id, type: 'done', frames: r.frames, channels: r.channels } satisfies WorkerReply);
  } catch (err) {
    const code = err instanceof RenderError ? err.code : 'PA900';
    port.postMessage({ id: msg.id, type: 'error', code, message: (err as Error).message } satisfies WorkerReply);
  }
});
