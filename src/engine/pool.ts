/**
 * Runs render tasks: in worker threads (DSP on every core, the main thread stays free
 * for the UI and the watcher) or in process (jobs = 1 without a UI, and tests).
 */
import { Worker } from 'node:worker_threads';
import { renderNode, RenderError, type RenderTask } from '../renderers/index.ts';
import type { WorkerReply } from './worker.ts';

export interface TaskFailure {
  code: string;
  message: string;
}

export interface Runner {
  run(task: RenderTask, progress: (f: number) => void): Promise<void>;
  close(): Promise<void>;
}

export class InProcessRunner implements Runner {
  async run(task: RenderTask, progress: (f: number) => void): Promise<void> {
    try {
      renderNode(task, progress);
    } catch (err) {
      throw toFailure(err);
    }
  }
  async close(): Promise<void> {}
}

function toFailure(err: unknown): Error & TaskFailure {
  const e = new Error((err as Error).message) as Error & TaskFailure;
  e.code = err instanceof RenderError ? err.code : 'PA900';
  return e;
}

interface Pending {
  resolve: () => void;
  reject: (e: Error) => void;
  progress: (f: number) => void;
}

export class WorkerPool implements Runner {
  private idle: Worker[] = [];
  private all: Worker[] = [];
  private waiting: (() => void)[] = [];
  private pending = new Map<number, Pending>();
  private nextId = 1;

  constructor(private readonly size: number) {}

  private spawn(): Worker {
    const compiled = import.meta.url.endsWith('.js');
    const entry = new URL(compiled ? './worker.js' : './worker.ts', import.meta.url).href;
    // a pool of two or more: a render worker may take a helper thread for read-ahead (read-ahead.ts)
    const w = new Worker(new URL('./worker-boot.mjs', import.meta.url), { workerData: { entry, compiled, readAhead: this.size >= 2 } });
    w.on('message', (m: WorkerReply) => {
      const p = this.pending.get(m.id);
      if (!p) return;
      if (m.type === 'progress') p.progress(m.fraction);
      else {
        this.pending.delete(m.id);
        if (m.type === 'done') p.resolve();
        else {
          const e = new Error(m.message) as Error & TaskFailure;
          e.code = m.code;
          p.reject(e);
        }
      }
    });
    w.on('error', (err) => {
      for (const [id, p] of this.pending) {
        this.pending.delete(id);
        p.reject(toFailure(err));
      }
    });
    this.all.push(w);
    return w;
  }

  private async acquire(): Promise<Worker> {
    for (;;) {
      const w = this.idle.pop();
      if (w) return w;
      if (this.all.length < this.size) return this.spawn();
      await new Promise<void>((r) => this.waiting.push(r));
    }
  }

  private release(w: Worker): void {
    this.idle.push(w);
    this.waiting.shift()?.();
  }

  async run(task: RenderTask, progress: (f: number) => void): Promise<void> {
    const w = await this.acquire();
    const id = this.nextId++;
    try {
      await new Promise<void>((resolve, reject) => {
        this.pending.set(id, { resolve, reject, progress });
        w.postMessage({ id, task });
      });
    } finally {
      this.release(w);
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.all.map((w) => w.terminate()));
    this.all = [];
    this.idle = [];
  }
}
